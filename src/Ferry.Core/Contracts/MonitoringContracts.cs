using System.Globalization;
using System.Text.Json.Serialization;
using Ferry.Core.Monitoring;

namespace Ferry.Core.Contracts;

/// <summary>A version's reference profile, summarised.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="Rows">Rows profiled.</param>
/// <param name="Source">Where they came from.</param>
/// <param name="PositiveLabel">The class the score is the probability of.</param>
/// <param name="Calibrated">Whether CBPE can estimate performance (labels were given).</param>
/// <param name="CreatedBy">Who computed it.</param>
/// <param name="CreatedAt">When (ISO 8601 UTC).</param>
/// <param name="Columns">Each column's summary.</param>
public sealed record ReferenceView(string Model, int Version, long Rows, string Source, string? PositiveLabel, bool Calibrated, string CreatedBy, string CreatedAt, IReadOnlyList<ReferenceColumnView> Columns);

/// <summary>A reference build job and its progress.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="State">queued, running, succeeded or failed.</param>
/// <param name="Phase">The phase running: scoring, profiling, covers, importance or saving.</param>
/// <param name="Done">Units of work done (rows scored, profiled, routed through the trees, explained).</param>
/// <param name="Total">Units of work in all.</param>
/// <param name="Rows">Rows uploaded.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Attempts">Times a worker started it (a job running when its server stopped is run again).</param>
/// <param name="CreatedBy">Who asked for it.</param>
/// <param name="CreatedAt">When (ISO 8601 UTC).</param>
/// <param name="StartedAt">When a worker last started it.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Reference">The reference it built, once it succeeded.</param>
public sealed record ReferenceJobView(
    Guid Id,
    string Model,
    int Version,
    string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phase,
    long Done,
    long Total,
    long Rows,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    int Attempts,
    string CreatedBy,
    string CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StartedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FinishedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReferenceView? Reference)
{
    /// <summary>Whether the job is still to finish (queued or running).</summary>
    [JsonIgnore]
    public bool IsActive => State is "queued" or "running";
}

/// <summary>One reference column.</summary>
/// <param name="Name">Column name (<c>prediction.score</c> and <c>prediction.label</c> are the model's outputs).</param>
/// <param name="Kind">numeric or categorical.</param>
/// <param name="Count">Values present.</param>
/// <param name="Missing">Values missing.</param>
/// <param name="Min">Smallest value (numeric).</param>
/// <param name="Max">Largest value (numeric).</param>
/// <param name="Mean">Mean (numeric).</param>
/// <param name="Categories">Categories seen (categorical).</param>
public sealed record ReferenceColumnView(
    string Name,
    string Kind,
    long Count,
    long Missing,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Min,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Max,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Mean,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Categories);

/// <summary>Creates or replaces a monitor.</summary>
/// <param name="Endpoint">The endpoint watched.</param>
/// <param name="Spec">What to check; null = the defaults (daily window, drift and quality checks).</param>
public sealed record MonitorBody(string? Endpoint, MonitorSpec? Spec);

/// <summary>A monitor.</summary>
/// <param name="Name">Name.</param>
/// <param name="Endpoint">Endpoint watched.</param>
/// <param name="Spec">What it checks.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When (ISO 8601 UTC).</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="NextRunAt">Next scheduled run, if scheduled.</param>
/// <param name="LastReport">The latest report's summary.</param>
public sealed record MonitorView(
    string Name,
    string Endpoint,
    MonitorSpec Spec,
    string CreatedBy,
    string CreatedAt,
    string UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextRunAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReportView? LastReport);

/// <summary>Monitors.</summary>
/// <param name="Monitors">Every monitor.</param>
public sealed record MonitorListView(IReadOnlyList<MonitorView> Monitors);

/// <summary>A monitor run.</summary>
/// <param name="Id">Report id.</param>
/// <param name="Monitor">Monitor name.</param>
/// <param name="Endpoint">Endpoint.</param>
/// <param name="RanAt">When it ran.</param>
/// <param name="WindowStart">Window start.</param>
/// <param name="WindowEnd">Window end.</param>
/// <param name="Status">passed, failed or not_enough_data.</param>
/// <param name="Trigger">schedule or manual.</param>
/// <param name="FailedChecks">Failed checks.</param>
/// <param name="Report">The full report (left out of listings).</param>
public sealed record ReportView(
    Guid Id,
    string Monitor,
    string Endpoint,
    string RanAt,
    string WindowStart,
    string WindowEnd,
    string Status,
    string Trigger,
    int FailedChecks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] MonitorReportBody? Report);

/// <summary>Reports of a monitor.</summary>
/// <param name="Reports">Newest first.</param>
public sealed record ReportListView(IReadOnlyList<ReportView> Reports);

/// <summary>Alerts.</summary>
/// <param name="Alerts">Newest first.</param>
public sealed record AlertListView(IReadOnlyList<AlertView> Alerts);

/// <summary>Adds a webhook.</summary>
/// <param name="Name">Unique name.</param>
/// <param name="Url">An http(s) URL.</param>
public sealed record WebhookBody(string? Name, string? Url);

/// <summary>A webhook; its URL is shown without path or query (they may hold a secret).</summary>
/// <param name="Name">Name.</param>
/// <param name="Url">Scheme, host and port only.</param>
/// <param name="CreatedBy">Who added it.</param>
/// <param name="CreatedAt">When.</param>
public sealed record WebhookView(string Name, string Url, string CreatedBy, string CreatedAt);

/// <summary>Webhooks.</summary>
/// <param name="Webhooks">By name.</param>
public sealed record WebhookListView(IReadOnlyList<WebhookView> Webhooks);

/// <summary>One delivery attempt.</summary>
/// <param name="AlertId">The alert.</param>
/// <param name="Webhook">The webhook's name.</param>
/// <param name="Event">opened or resolved.</param>
/// <param name="Attempt">1, 2, ...</param>
/// <param name="At">When it finished.</param>
/// <param name="Succeeded">Whether the receiver answered 2xx.</param>
/// <param name="StatusCode">The receiver's status.</param>
/// <param name="Error">What went wrong.</param>
public sealed record DeliveryView(
    Guid AlertId,
    string Webhook,
    string Event,
    int Attempt,
    string At,
    bool Succeeded,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? StatusCode,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

/// <summary>Delivery attempts.</summary>
/// <param name="Deliveries">Newest first.</param>
public sealed record DeliveryListView(IReadOnlyList<DeliveryView> Deliveries);

/// <summary>An alert as the API and webhooks show it. Times are ISO 8601 UTC.</summary>
/// <param name="Id">Alert id.</param>
/// <param name="Monitor">Monitor name.</param>
/// <param name="Endpoint">Endpoint name.</param>
/// <param name="Check">Check key.</param>
/// <param name="Status">open or resolved.</param>
/// <param name="Message">What failed.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="LastSeenAt">The latest failing run.</param>
/// <param name="ResolvedAt">When it was resolved.</param>
/// <param name="Occurrences">Failing runs while open.</param>
/// <param name="ReportId">The latest report that touched it.</param>
public sealed record AlertView(
    Guid Id,
    string Monitor,
    string Endpoint,
    string Check,
    string Status,
    string Message,
    string OpenedAt,
    string LastSeenAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ResolvedAt,
    int Occurrences,
    Guid ReportId)
{
    /// <summary>The view of an alert.</summary>
    public static AlertView From(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new AlertView(alert.Id, alert.MonitorName, alert.EndpointName, alert.CheckKey, alert.Status, alert.Message,
            Iso(alert.OpenedAt), Iso(alert.LastSeenAt), alert.ResolvedAt is { } r ? Iso(r) : null, alert.Occurrences, alert.LastReportId);
    }

    /// <summary>Epoch ms as ISO 8601 UTC.</summary>
    public static string Iso(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
