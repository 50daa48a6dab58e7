using System.Globalization;
using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Pipelines;

/// <summary>
/// Trigger firings (<c>/api/v1/pipelines/{name}/firings</c>, <c>/api/v1/firings</c>): every time a schedule, an alert,
/// new labels or a user fired a pipeline, with the outcome (started, cooldown, busy, disabled) and why. Viewer token.
/// </summary>
public sealed class PipelineFiringsClient
{
    private readonly FerryHttp _http;

    internal PipelineFiringsClient(FerryHttp http) => _http = http;

    /// <summary>A pipeline's firings, newest first.</summary>
    /// <param name="pipeline">The pipeline's name.</param>
    /// <param name="limit">Most firings to return (server default 100, at most 1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">No such pipeline (404), a bad limit (400), or the server refused.</exception>
    public async Task<IReadOnlyList<FiringView>> ListAsync(string pipeline, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipeline);
        return (await _http.GetAsync<FiringListView>($"api/v1/pipelines/{Uri.EscapeDataString(pipeline)}/firings{Query(limit)}", cancellationToken)).Firings;
    }

    /// <summary>Every pipeline's firings, newest first.</summary>
    /// <param name="limit">Most firings to return (server default 100, at most 1000).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<FiringView>> ListAllAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<FiringListView>($"api/v1/firings{Query(limit)}", cancellationToken)).Firings;

    private static string Query(int? limit) => limit is { } n ? "?limit=" + n.ToString(CultureInfo.InvariantCulture) : string.Empty;
}
