namespace Ferry.Core.Monitoring;

/// <summary>A URL that receives every alert opened or resolved (JSON with a Slack-compatible <c>text</c>). Times are epoch ms.</summary>
public sealed class AlertWebhook
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>Unique name.</summary>
    public required string Name { get; set; }

    /// <summary>The http(s) URL posted to. It may carry a secret (Slack's do), so it is shown only redacted.</summary>
    public required string Url { get; set; }

    /// <summary>Who added it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When, epoch ms.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>One attempt to post an alert to a webhook.</summary>
public sealed class WebhookDelivery
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The alert posted.</summary>
    public Guid AlertId { get; set; }

    /// <summary>The webhook's name.</summary>
    public required string WebhookName { get; set; }

    /// <summary><c>opened</c> or <c>resolved</c>.</summary>
    public required string Event { get; set; }

    /// <summary>1 for the first try, then 2, 3, ...</summary>
    public int Attempt { get; set; }

    /// <summary>When the attempt finished, epoch ms.</summary>
    public long At { get; set; }

    /// <summary>Whether the receiver answered 2xx.</summary>
    public bool Succeeded { get; set; }

    /// <summary>The HTTP status, when one came back.</summary>
    public int? StatusCode { get; set; }

    /// <summary>What went wrong, when it failed.</summary>
    public string? Error { get; set; }
}
