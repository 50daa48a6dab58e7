using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ferry.Client.Http;
using Ferry.Core.Contracts;
using Ferry.Core.Monitoring;

namespace Ferry.Client.Monitoring;

/// <summary>
/// Monitoring (<c>/api/v1/models/…/reference</c>, <c>/api/v1/monitors</c>, <c>/api/v1/alerts</c>,
/// <c>/api/v1/webhooks</c>): reference profiles, monitors and their reports, alerts and webhooks.
/// </summary>
public sealed class MonitoringClient
{
    private readonly HttpClient _http;

    internal MonitoringClient(HttpClient http) => _http = http;

    /// <summary>The JSON settings of monitoring (web defaults, enums as text, NaN allowed as text).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>Longest wait of one job poll, in seconds (the server answers sooner when the job changes).</summary>
    public const int JobPollSeconds = 10;

    /// <summary>
    /// Computes a version's reference profile from its training rows (and labels, for CBPE): queues the build and waits
    /// until it is done.
    /// </summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version.</param>
    /// <param name="records">Rows as feature name → value.</param>
    /// <param name="labels">One label per row (optional).</param>
    /// <param name="positiveLabel">The positive class (optional; by default the class the score is the probability of).</param>
    /// <param name="source">Where the rows come from, for the record.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">The upload was refused, or the job failed (its error is the message).</exception>
    public async Task<ReferenceView> SetReferenceAsync(string model, int version, IReadOnlyList<IReadOnlyDictionary<string, object?>> records,
        IReadOnlyList<string?>? labels = null, string? positiveLabel = null, string? source = null, CancellationToken cancellationToken = default)
    {
        var job = await StartReferenceAsync(model, version, records, labels, positiveLabel, source, cancellationToken);
        var done = await WaitForReferenceAsync(job, null, cancellationToken);
        return done.Reference ?? throw new FerryApiException(System.Net.HttpStatusCode.InternalServerError, "Reference job without a reference", $"job {done.Id} succeeded but the server sent no reference");
    }

    /// <summary>Uploads a version's training rows and queues the build of its reference; answers at once with the job.</summary>
    /// <exception cref="FerryApiException">The upload was refused (bad rows, labels, unknown version).</exception>
    public Task<ReferenceJobView> StartReferenceAsync(string model, int version, IReadOnlyList<IReadOnlyDictionary<string, object?>> records,
        IReadOnlyList<string?>? labels = null, string? positiveLabel = null, string? source = null, CancellationToken cancellationToken = default) =>
        SendAsync<ReferenceJobView>(HttpMethod.Put, ReferencePath(model, version), new ReferenceUpload(records, labels, positiveLabel, source), cancellationToken);

    /// <summary>The version's newest reference job; with <paramref name="waitSeconds"/>, answered at its next change (or after that long).</summary>
    public Task<ReferenceJobView> GetReferenceJobAsync(string model, int version, int waitSeconds = 0, CancellationToken cancellationToken = default) =>
        SendAsync<ReferenceJobView>(HttpMethod.Get, ReferencePath(model, version) + "/job" + (waitSeconds > 0 ? $"?wait={waitSeconds}" : string.Empty), null, cancellationToken);

    /// <summary>Follows a reference job until it ends, telling <paramref name="progress"/> each change; returns the succeeded job (with its reference).</summary>
    /// <exception cref="FerryApiException">The job failed (its error is the message).</exception>
    public async Task<ReferenceJobView> WaitForReferenceAsync(ReferenceJobView job, IProgress<ReferenceJobView>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        progress?.Report(job);
        while (job.IsActive)
        {
            job = await GetReferenceJobAsync(job.Model, job.Version, JobPollSeconds, cancellationToken);
            progress?.Report(job);
        }

        if (job.State != ReferenceJob.Succeeded)
        {
            throw new FerryApiException(System.Net.HttpStatusCode.UnprocessableEntity, "The reference job failed", job.Error ?? $"job {job.Id} ended {job.State}");
        }

        return job;
    }

    /// <summary>A version's reference profile.</summary>
    public Task<ReferenceView> GetReferenceAsync(string model, int version, CancellationToken cancellationToken = default) =>
        SendAsync<ReferenceView>(HttpMethod.Get, ReferencePath(model, version), null, cancellationToken);

    /// <summary>Creates or replaces a monitor.</summary>
    public Task<MonitorView> SaveMonitorAsync(string name, string endpoint, MonitorSpec spec, CancellationToken cancellationToken = default) =>
        SendAsync<MonitorView>(HttpMethod.Put, Monitor(name), new MonitorBody(endpoint, spec), cancellationToken);

    /// <summary>One monitor.</summary>
    public Task<MonitorView> GetMonitorAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<MonitorView>(HttpMethod.Get, Monitor(name), null, cancellationToken);

    /// <summary>Every monitor.</summary>
    public async Task<IReadOnlyList<MonitorView>> ListMonitorsAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<MonitorListView>(HttpMethod.Get, "api/v1/monitors", null, cancellationToken)).Monitors;

    /// <summary>Runs a monitor now over the window ending at <paramref name="end"/> (default now) and returns its report.</summary>
    public Task<ReportView> RunMonitorAsync(string name, DateTimeOffset? end = null, CancellationToken cancellationToken = default) =>
        SendAsync<ReportView>(HttpMethod.Post, Monitor(name) + "/run" + (end is { } e ? $"?end={e.ToUnixTimeMilliseconds()}" : string.Empty), null, cancellationToken);

    /// <summary>A monitor's latest reports (summaries), newest first.</summary>
    public async Task<IReadOnlyList<ReportView>> ListReportsAsync(string name, int limit = 50, CancellationToken cancellationToken = default) =>
        (await SendAsync<ReportListView>(HttpMethod.Get, Monitor(name) + $"/reports?limit={limit}", null, cancellationToken)).Reports;

    /// <summary>One full report.</summary>
    public Task<ReportView> GetReportAsync(string name, Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<ReportView>(HttpMethod.Get, Monitor(name) + $"/reports/{id}", null, cancellationToken);

    /// <summary>Deletes a monitor.</summary>
    public async Task DeleteMonitorAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync(new Uri(Monitor(name), UriKind.Relative), cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Alerts, newest first (status: open or resolved; null = both).</summary>
    public async Task<IReadOnlyList<AlertView>> ListAlertsAsync(string? status = null, string? monitor = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var query = $"api/v1/alerts?limit={limit}" + (status is null ? string.Empty : $"&status={Uri.EscapeDataString(status)}")
            + (monitor is null ? string.Empty : $"&monitor={Uri.EscapeDataString(monitor)}");
        return (await SendAsync<AlertListView>(HttpMethod.Get, query, null, cancellationToken)).Alerts;
    }

    /// <summary>Adds a webhook (admin).</summary>
    public Task<WebhookView> AddWebhookAsync(string name, Uri url, CancellationToken cancellationToken = default) =>
        SendAsync<WebhookView>(HttpMethod.Post, "api/v1/webhooks", new WebhookBody(name, url?.AbsoluteUri), cancellationToken);

    /// <summary>Every webhook (URLs redacted).</summary>
    public async Task<IReadOnlyList<WebhookView>> ListWebhooksAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<WebhookListView>(HttpMethod.Get, "api/v1/webhooks", null, cancellationToken)).Webhooks;

    /// <summary>Removes a webhook (admin).</summary>
    public async Task RemoveWebhookAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync(new Uri($"api/v1/webhooks/{Uri.EscapeDataString(name)}", UriKind.Relative), cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Delivery attempts, newest first, optionally of one alert.</summary>
    public async Task<IReadOnlyList<DeliveryView>> ListDeliveriesAsync(Guid? alert = null, int limit = 100, CancellationToken cancellationToken = default) =>
        (await SendAsync<DeliveryListView>(HttpMethod.Get, $"api/v1/webhooks/deliveries?limit={limit}" + (alert is { } a ? $"&alert={a}" : string.Empty), null, cancellationToken)).Deliveries;

    private static string ReferencePath(string model, int version) => $"api/v1/models/{Uri.EscapeDataString(model)}/versions/{version}/reference";

    private static string Monitor(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return $"api/v1/monitors/{Uri.EscapeDataString(name)}";
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: JsonOptions);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(JsonOptions, cancellationToken)
            ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    private sealed record ReferenceUpload(
        IReadOnlyList<IReadOnlyDictionary<string, object?>> Records,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string?>? Labels,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PositiveLabel,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Source);
}
