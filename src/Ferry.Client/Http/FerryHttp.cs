using System.Net.Http.Json;

namespace Ferry.Client.Http;

/// <summary>
/// The few request shapes every sub-client needs: JSON in, JSON out, problem+json turned into
/// <see cref="FerryApiException"/>. Paths are relative (no leading '/') so a base address with a path works.
/// </summary>
internal sealed class FerryHttp(HttpClient http)
{
    /// <summary>GET a JSON resource.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Relative(path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>POST a JSON body and read a JSON answer.</summary>
    public async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(Relative(path), body, FerryJson.Options, cancellationToken);
        return await ReadAsync<TResponse>(response, cancellationToken);
    }

    /// <summary>PUT a JSON body and read a JSON answer.</summary>
    public async Task<TResponse> PutAsync<TRequest, TResponse>(string path, TRequest body, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync(Relative(path), body, FerryJson.Options, cancellationToken);
        return await ReadAsync<TResponse>(response, cancellationToken);
    }

    /// <summary>GET a resource and read its body as text (Markdown, HTML).</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Relative(path), cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>DELETE a resource and read a JSON answer.</summary>
    public async Task<T> DeleteAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(Relative(path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>DELETE a resource whose answer has no body (204).</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(Relative(path), cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>GET and report only whether the answer was a success status.</summary>
    public async Task<bool> SucceedsAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(Relative(path), cancellationToken);
        return response.IsSuccessStatusCode;
    }

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        var value = await response.Content.ReadFromJsonAsync<T>(FerryJson.Options, cancellationToken);
        return value ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
    }
}
