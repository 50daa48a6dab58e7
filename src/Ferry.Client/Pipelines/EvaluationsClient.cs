using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Ferry.Client.Http;

namespace Ferry.Client.Pipelines;

/// <summary>
/// Challenger evaluations (<c>/api/v1/evaluations</c>, <c>/api/v1/endpoints/{name}/evaluations</c>): the loop's
/// backtests and shadow comparisons, and evaluations of any two versions by hand.
/// </summary>
public sealed class EvaluationsClient
{
    private readonly HttpClient _http;

    internal EvaluationsClient(HttpClient http) => _http = http;

    /// <summary>The JSON settings of evaluations (web defaults, NaN allowed as text).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>Evaluations, newest first, optionally of one endpoint.</summary>
    public async Task<IReadOnlyList<EvaluationView>> ListAsync(string? endpoint = null, int limit = 50, CancellationToken cancellationToken = default)
    {
        var query = $"/api/v1/evaluations?limit={limit}" + (endpoint is null ? string.Empty : $"&endpoint={Uri.EscapeDataString(endpoint)}");
        return (await SendAsync<EvaluationListView>(HttpMethod.Get, query, null, cancellationToken)).Evaluations;
    }

    /// <summary>One evaluation.</summary>
    /// <exception cref="FerryApiException">404 when there is none.</exception>
    public Task<EvaluationView> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<EvaluationView>(HttpMethod.Get, $"/api/v1/evaluations/{id}", null, cancellationToken);

    /// <summary>Compares two versions on a labelled window of an endpoint's log and stores the result.</summary>
    public Task<EvaluationView> EvaluateAsync(string endpoint, EvaluateRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<EvaluationView>(HttpMethod.Post, $"/api/v1/endpoints/{Uri.EscapeDataString(endpoint)}/evaluations", request, cancellationToken);

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
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>A version named in a request.</summary>
/// <param name="Model">Registered model.</param>
/// <param name="Version">Version.</param>
public sealed record VersionRef(string? Model, int? Version);

/// <summary>What to compare by hand (see <c>docs/loop/evaluation.md</c>).</summary>
public sealed record EvaluateRequest(
    VersionRef Challenger, VersionRef? Champion, DateTimeOffset From, DateTimeOffset To, string? Metric = null, double? Margin = null,
    int? BootstrapSamples = null, double? Confidence = null, int? Seed = null, string? FairnessAttribute = null);

/// <summary>A challenger evaluation as the server shows it; detail fields are JSON.</summary>
public sealed record EvaluationView(
    Guid Id,
    Guid? PipelineRunId,
    string Endpoint,
    string Model,
    int ChampionVersion,
    int ChallengerVersion,
    string WindowFrom,
    string WindowTo,
    int Rows,
    string Metric,
    double ChampionValue,
    double ChallengerValue,
    double DifferenceLow,
    double DifferenceHigh,
    string PairedTest,
    double PValue,
    string Verdict,
    string Summary,
    JsonElement Metrics,
    JsonElement Curves,
    JsonElement Fairness,
    JsonElement Drift,
    JsonElement? Shadow,
    string? ShadowStartedAt,
    string CreatedAt,
    string? CompletedAt);

/// <summary>A list of evaluations.</summary>
/// <param name="Evaluations">Newest first.</param>
public sealed record EvaluationListView(IReadOnlyList<EvaluationView> Evaluations);
