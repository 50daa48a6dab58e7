using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Pipelines;

/// <summary>Canary ramps (<c>/api/v1/rollouts</c>, <c>/api/v1/endpoints/{name}/rollouts</c>): start one by hand, list, show, cancel.</summary>
public sealed class RolloutsClient
{
    private static readonly JsonSerializerOptions Json = CreateOptions();
    private readonly HttpClient _http;

    internal RolloutsClient(HttpClient http) => _http = http;

    /// <summary>Starts a guarded canary ramp of <see cref="StartRolloutRequest.Version"/> on <paramref name="endpoint"/>.</summary>
    /// <exception cref="FerryApiException">Refused: bad steps or guards, a ramp in progress, a governed model.</exception>
    public Task<RolloutView> StartAsync(string endpoint, StartRolloutRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return SendAsync<RolloutView>(HttpMethod.Post, $"api/v1/endpoints/{Uri.EscapeDataString(endpoint)}/rollouts", request, cancellationToken);
    }

    /// <summary>Ramps, newest first, optionally of one endpoint and/or only those ramping.</summary>
    public async Task<IReadOnlyList<RolloutView>> ListAsync(string? endpoint = null, bool activeOnly = false, int limit = 100, CancellationToken cancellationToken = default)
    {
        var query = $"api/v1/rollouts?limit={limit.ToString(CultureInfo.InvariantCulture)}" + (activeOnly ? "&active=true" : string.Empty)
            + (endpoint is null ? string.Empty : $"&endpoint={Uri.EscapeDataString(endpoint)}");
        return (await SendAsync<RolloutListView>(HttpMethod.Get, query, null, cancellationToken)).Rollouts;
    }

    /// <summary>One ramp with its events.</summary>
    public Task<RolloutView> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<RolloutView>(HttpMethod.Get, $"api/v1/rollouts/{id}", null, cancellationToken);

    /// <summary>Cancels a ramp: the endpoint goes back to its baseline routes.</summary>
    public Task<RolloutView> CancelAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<RolloutView>(HttpMethod.Post, $"api/v1/rollouts/{id}/cancel", null, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly();
        return options;
    }
}
