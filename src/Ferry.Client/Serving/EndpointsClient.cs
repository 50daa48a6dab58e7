using System.Net.Http.Json;
using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Serving;

/// <summary>
/// Endpoint management (<c>/api/v1/endpoints</c>): deploy a policy of weighted routes and shadows, roll back, tune
/// batching, delete. Reading needs a viewer token, changing a scientist.
/// </summary>
public sealed class EndpointsClient
{
    private const string Path = "api/v1/endpoints";
    private readonly HttpClient _http;

    internal EndpointsClient(HttpClient http) => _http = http;

    /// <summary>Creates the endpoint or switches it to a new policy revision.</summary>
    /// <param name="name">Endpoint name: lower-case letters, digits and '-'.</param>
    /// <param name="request">The routes, and whether to skip the compatibility check.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The endpoint as it now is.</returns>
    /// <exception cref="FerryApiException">Refused (400 naming each route, e.g. "incompatible: ..."), or not allowed (403).</exception>
    public Task<EndpointView> DeployAsync(string name, DeployRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<EndpointView>(HttpMethod.Put, Named(name), request, cancellationToken);

    /// <summary>Re-activates the revision before the active one, as a new revision.</summary>
    /// <exception cref="FerryApiException">No such endpoint (404), or nothing to roll back to (409).</exception>
    public Task<EndpointView> RollbackAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<EndpointView>(HttpMethod.Post, Named(name) + "/rollback", null, cancellationToken);

    /// <summary>Sets adaptive batching (a batch size of 1 turns it off).</summary>
    /// <exception cref="FerryApiException">No such endpoint (404), or values out of range (400).</exception>
    public Task<EndpointView> SetBatchingAsync(string name, int maxBatchSize, int maxDelayMicros, CancellationToken cancellationToken = default) =>
        SendAsync<EndpointView>(HttpMethod.Put, Named(name) + "/batching", new BatchingRequest(maxBatchSize, maxDelayMicros), cancellationToken);

    /// <summary>Sets prediction-log durability: "buffered" (answer once queued) or "durable" (answer once committed).</summary>
    /// <exception cref="FerryApiException">No such endpoint (404), or an unknown mode (400).</exception>
    public Task<EndpointView> SetDurabilityAsync(string name, string durability, CancellationToken cancellationToken = default) =>
        SendAsync<EndpointView>(HttpMethod.Put, Named(name) + "/durability", new DurabilityRequest(durability), cancellationToken);

    /// <summary>Sets how many days the endpoint keeps its predictions (null: the server's default); needs an approver.</summary>
    /// <exception cref="FerryApiException">No such endpoint (404), out of range (400), or below a served model's retention floor (409).</exception>
    public Task<RetentionView> SetRetentionAsync(string name, int? days, CancellationToken cancellationToken = default) =>
        SendAsync<RetentionView>(HttpMethod.Put, Named(name) + "/retention", new RetentionUpdate { Days = days }, cancellationToken);

    /// <summary>Sets what the endpoint's MLflow scoring route (<c>/invocations</c>) answers: "predict", "predict_proba" or "outputs".</summary>
    /// <exception cref="FerryApiException">No such endpoint (404), or an unknown choice (400).</exception>
    public Task<EndpointView> SetInvocationsOutputAsync(string name, string output, CancellationToken cancellationToken = default) =>
        SendAsync<EndpointView>(HttpMethod.Put, Named(name) + "/invocations-output", new InvocationsOutputRequest(output), cancellationToken);

    /// <summary>
    /// Suspends the endpoint (approver): until resumed, every record gets <paramref name="fallback"/> (a JSON object;
    /// null keeps the configured one, by default <c>{"outcome":"refer","reason":"suspended"}</c>) instead of a score.
    /// </summary>
    /// <exception cref="FerryApiException">No reason or a bad fallback (400), not allowed (403), no such endpoint (404), already suspended (409).</exception>
    public Task<SuspensionView> SuspendAsync(string name, string reason, System.Text.Json.JsonElement? fallback = null, CancellationToken cancellationToken = default) =>
        SendAsync<SuspensionView>(HttpMethod.Post, Named(name) + "/suspend", new SuspendRequest(reason, fallback), cancellationToken);

    /// <summary>Resumes a suspended endpoint (approver): its model answers again.</summary>
    /// <exception cref="FerryApiException">No reason (400), not allowed (403), no such endpoint (404), not suspended (409).</exception>
    public Task<SuspensionView> ResumeAsync(string name, string reason, CancellationToken cancellationToken = default) =>
        SendAsync<SuspensionView>(HttpMethod.Post, Named(name) + "/resume", new ResumeRequest(reason), cancellationToken);

    /// <summary>One endpoint with its history.</summary>
    /// <exception cref="FerryApiException">No such endpoint (404).</exception>
    public Task<EndpointView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<EndpointView>(HttpMethod.Get, Named(name), null, cancellationToken);

    /// <summary>Every endpoint, by name.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public async Task<IReadOnlyList<EndpointSummaryView>> ListAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<EndpointListView>(HttpMethod.Get, Path, null, cancellationToken)).Endpoints;

    /// <summary>Deletes an endpoint (its prediction log stays).</summary>
    /// <exception cref="FerryApiException">No such endpoint (404).</exception>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync(new Uri(Named(name), UriKind.Relative), cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
    }

    private static string Named(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return $"{Path}/{Uri.EscapeDataString(name)}";
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
