using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Client.Http;

namespace Ferry.Client.Mlflow;

/// <summary>
/// Requests to MLflow's routes: snake_case JSON in and out (<see cref="MlflowJson"/>), JSON bodies on DELETE as
/// MLflow sends them, and <c>{"error_code", "message"}</c> answers turned into <see cref="FerryApiException"/>.
/// </summary>
internal sealed class MlflowHttp(HttpClient http)
{
    /// <summary>MLflow's tracking and registry routes.</summary>
    public const string Api = "api/2.0/mlflow/";

    /// <summary>The artifact proxy.</summary>
    public const string Artifacts = "api/2.0/mlflow-artifacts/artifacts";

    /// <summary>GET <paramref name="path"/> with a query and read the JSON answer.</summary>
    public async Task<T> GetAsync<T>(string path, QueryString query, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Relative(query.AppendTo(path)), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>Send a JSON body with <paramref name="method"/> and read the JSON answer.</summary>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Relative(path))
        {
            Content = JsonContent.Create(body, options: MlflowJson.Options),
        };
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync<TResponse>(response, cancellationToken);
    }

    /// <summary>POST a JSON body and read the JSON answer.</summary>
    public Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, CancellationToken cancellationToken) =>
        SendAsync<TRequest, TResponse>(HttpMethod.Post, path, body, cancellationToken);

    /// <summary>POST a JSON body whose answer is <c>{}</c>.</summary>
    public Task PostAsync<TRequest>(string path, TRequest body, CancellationToken cancellationToken) =>
        SendAsync<TRequest, JsonElement>(HttpMethod.Post, path, body, cancellationToken);

    /// <summary>Send any request (artifact bytes) and hand back the response once its headers arrived.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A path relative to the base address (no leading '/', so a base path is kept).</summary>
    public static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);

    /// <summary>Throws a <see cref="FerryApiException"/> with MLflow's error code unless the response succeeded.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        if (await TryReadMlflowErrorAsync(response, cancellationToken) is { } error)
        {
            throw error;
        }

        throw await ProblemReader.ReadAsync(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        try
        {
            var value = await response.Content.ReadFromJsonAsync<T>(MlflowJson.Options, cancellationToken);
            return value ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
        }
        catch (JsonException e)
        {
            throw new FerryApiException(response.StatusCode, "Unexpected response", $"the server's JSON did not have the expected shape: {e.Message}");
        }
    }

    private static async Task<FerryApiException?> TryReadMlflowErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var error = await response.Content.ReadFromJsonAsync<MlflowError>(MlflowJson.Options, cancellationToken);
            return error is { ErrorCode: { Length: > 0 } code }
                ? FerryApiException.FromMlflowError(response.StatusCode, code, error.Message ?? string.Empty)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record MlflowError(string? ErrorCode, string? Message);
}
