namespace Ferry.Core.Governance;

/// <summary>
/// A URL that receives registry and promotion events, signed with its own secret (MLflow 3's webhook, plus Ferry's
/// own events). Times are epoch ms. The secret is stored only encrypted (<see cref="ProtectedSecret"/>) and never shown.
/// </summary>
public sealed class RegistryWebhook
{
    /// <summary>The id (a UUID, as MLflow's).</summary>
    public required string Id { get; set; }

    /// <summary>Its name (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>; at most 63 characters).</summary>
    public required string Name { get; set; }

    /// <summary>What it is for.</summary>
    public string? Description { get; set; }

    /// <summary>The http(s) URL posted to.</summary>
    public required string Url { get; set; }

    /// <summary>The events it receives, space-separated (<c>model_version.created promotion.approved</c>); see <see cref="RegistryWebhookEvents"/>.</summary>
    public required string Events { get; set; }

    /// <summary><c>ACTIVE</c> or <c>DISABLED</c>.</summary>
    public string Status { get; set; } = RegistryWebhookStatus.Active;

    /// <summary>Which API created it: <c>mlflow</c> (listed by MLflow's routes) or <c>ferry</c>.</summary>
    public string Api { get; set; } = RegistryWebhookApis.Mlflow;

    /// <summary>The signing secret, encrypted by the server (ASP.NET Core Data Protection); null when it has none.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>Who created it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When it was created, epoch ms.</summary>
    public long CreationTimestamp { get; set; }

    /// <summary>When it last changed, epoch ms.</summary>
    public long LastUpdatedTimestamp { get; set; }

    /// <summary>When it was deleted (kept, with its deliveries), epoch ms; null while it exists.</summary>
    public long? DeletedTimestamp { get; set; }

    /// <summary>Its events as a list.</summary>
    public IReadOnlyList<string> EventList() => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A webhook's status.</summary>
public static class RegistryWebhookStatus
{
    /// <summary>Receives events.</summary>
    public const string Active = "ACTIVE";

    /// <summary>Receives nothing.</summary>
    public const string Disabled = "DISABLED";
}

/// <summary>Which API a webhook was created through.</summary>
public static class RegistryWebhookApis
{
    /// <summary>MLflow 3's <c>/api/2.0/mlflow/webhooks</c>.</summary>
    public const string Mlflow = "mlflow";

    /// <summary>Ferry's <c>/api/v1/governance/webhooks</c>.</summary>
    public const string Ferry = "ferry";
}

/// <summary>
/// One event to post to one webhook: the exact body, fixed when the event was taken, and where its delivery stands.
/// Retries keep the id (sent as <c>X-MLflow-Delivery-Id</c>, so a receiver can drop duplicates).
/// </summary>
public sealed class RegistryWebhookDelivery
{
    /// <summary>The delivery id.</summary>
    public Guid Id { get; set; }

    /// <summary>The webhook.</summary>
    public required string WebhookId { get; set; }

    /// <summary>The event type (<c>model_version.created</c>).</summary>
    public required string EventType { get; set; }

    /// <summary>The JSON body posted.</summary>
    public required string Payload { get; set; }

    /// <summary><c>pending</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = RegistryWebhookDeliveryStatus.Pending;

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the next attempt is due, epoch ms (null once it succeeded or failed).</summary>
    public long? NextAttemptAt { get; set; }

    /// <summary>When the event was taken, epoch ms.</summary>
    public long CreatedAt { get; set; }

    /// <summary>When the last attempt finished, epoch ms.</summary>
    public long? LastAttemptAt { get; set; }

    /// <summary>The last HTTP status received.</summary>
    public int? ResponseStatus { get; set; }

    /// <summary>What went wrong in the last attempt.</summary>
    public string? LastError { get; set; }
}

/// <summary>Where a delivery stands.</summary>
public static class RegistryWebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt.</summary>
    public const string Pending = "pending";

    /// <summary>The receiver answered 2xx.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Given up: attempts used up, a refusal that retrying cannot change, or the webhook is gone.</summary>
    public const string Failed = "failed";
}

/// <summary>One attempt to post a delivery.</summary>
public sealed class RegistryWebhookAttempt
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The delivery.</summary>
    public Guid DeliveryId { get; set; }

    /// <summary>1 for the first try, then 2, 3, ...</summary>
    public int Attempt { get; set; }

    /// <summary>When it finished, epoch ms.</summary>
    public long At { get; set; }

    /// <summary>Whether the receiver answered 2xx.</summary>
    public bool Succeeded { get; set; }

    /// <summary>The HTTP status, when one came back.</summary>
    public int? StatusCode { get; set; }

    /// <summary>What went wrong.</summary>
    public string? Error { get; set; }
}
