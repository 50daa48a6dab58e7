using System.Net.Http.Json;
using System.Text.Json;

namespace Ferry.Client.Http;

/// <summary>Turns a failed response into a <see cref="FerryApiException"/>.</summary>
internal static class ProblemReader
{
    /// <summary>Throws a <see cref="FerryApiException"/> unless the response succeeded.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        throw await ReadAsync(response, cancellationToken);
    }

    /// <summary>Reads the problem in a failed response; falls back to the status line when the body is not a problem.</summary>
    public static async Task<FerryApiException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var problem = await TryReadProblemAsync(response, cancellationToken);
        if (problem is { Title: { Length: > 0 } title })
        {
            return new FerryApiException(response.StatusCode, title, problem.Detail, problem.Errors, problem.TraceId);
        }

        return new FerryApiException(response.StatusCode, StatusLine(response), problem?.Detail);
    }

    private static async Task<ProblemDocument?> TryReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<ProblemDocument>(FerryJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string StatusLine(HttpResponseMessage response) =>
        string.IsNullOrWhiteSpace(response.ReasonPhrase)
            ? $"HTTP {(int)response.StatusCode}"
            : response.ReasonPhrase;
}
