using System.Globalization;
using System.Net.Http.Json;
using Ferry.Client.Http;
using Ferry.Core.Contracts;
using Ferry.Core.Oversight;

namespace Ferry.Client.Oversight;

/// <summary>
/// Human reviews of logged predictions and an endpoint's review settings. Reviewing and changing settings need an
/// approver token; reading needs a viewer.
/// </summary>
public sealed class ReviewsClient
{
    private const string Path = "api/v1/endpoints";
    private readonly HttpClient _http;

    internal ReviewsClient(HttpClient http) => _http = http;

    /// <summary>Records a review (<c>confirm</c>, <c>override</c> with an outcome, or <c>escalate</c>) of a logged prediction.</summary>
    /// <exception cref="FerryApiException">Refused (400 naming the field), not an approver (403), or no such prediction (404).</exception>
    public Task<ReviewView> ReviewAsync(string endpoint, Guid predictionId, ReviewRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ReviewView>(HttpMethod.Post, $"{Named(endpoint)}/predictions/{predictionId}/review", request, cancellationToken);

    /// <summary>Every review of a prediction, oldest first.</summary>
    /// <exception cref="FerryApiException">No such prediction (404).</exception>
    public async Task<IReadOnlyList<ReviewView>> ListAsync(string endpoint, Guid predictionId, CancellationToken cancellationToken = default) =>
        (await SendAsync<ReviewListView>(HttpMethod.Get, $"{Named(endpoint)}/predictions/{predictionId}/reviews", null, cancellationToken)).Reviews;

    /// <summary>The endpoint's oversight settings.</summary>
    /// <exception cref="FerryApiException">No such endpoint (404).</exception>
    public Task<EndpointOversight> GetOversightAsync(string endpoint, CancellationToken cancellationToken = default) =>
        SendAsync<EndpointOversight>(HttpMethod.Get, $"{Named(endpoint)}/oversight", null, cancellationToken);

    /// <summary>Replaces the endpoint's review settings (absent fields are cleared).</summary>
    /// <exception cref="FerryApiException">Out of range (400), not an approver (403), or no such endpoint (404).</exception>
    public Task<EndpointOversight> SetReviewSettingsAsync(string endpoint, ReviewSettingsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<EndpointOversight>(HttpMethod.Put, $"{Named(endpoint)}/review-settings", request, cancellationToken);

    /// <summary>Override counts per version over [from, to) (default: the server's override-rate window, ending now).</summary>
    /// <exception cref="FerryApiException">No such endpoint (404).</exception>
    public Task<OverridesView> GetOverridesAsync(string endpoint, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default) =>
        SendAsync<OverridesView>(HttpMethod.Get, $"{Named(endpoint)}/overrides{Query(("from", Time(from)), ("to", Time(to)))}", null, cancellationToken);

    /// <summary>The review queue: unreviewed predictions in the endpoint's review band, oldest first.</summary>
    /// <exception cref="FerryApiException">No review band (400), or no such endpoint (404).</exception>
    public Task<ReviewQueueView> GetQueueAsync(string endpoint, int? limit = null, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default) =>
        SendAsync<ReviewQueueView>(HttpMethod.Get, $"{Named(endpoint)}/review-queue{Query(("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("from", Time(from)), ("to", Time(to)))}", null, cancellationToken);

    private static string Named(string endpoint) => $"{Path}/{Uri.EscapeDataString(endpoint)}";

    private static string? Time(DateTimeOffset? time) => time?.ToString("O", CultureInfo.InvariantCulture);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? string.Empty : "?" + string.Join("&", given);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: FerryJson.Options);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(FerryJson.Options, cancellationToken)
            ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
    }
}
