using System.Net.Http.Json;
using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Oversight;

/// <summary>
/// Data-subject rights (<c>/api/v1/subjects</c>, <c>/api/v1/endpoints/{name}/subject-field</c>): name the input field
/// that carries a subject's key, export a subject's decisions (approver) and erase their personal inputs (admin). Keys
/// travel only in request bodies.
/// </summary>
public sealed class SubjectsClient
{
    private readonly HttpClient _http;

    internal SubjectsClient(HttpClient http) => _http = http;

    /// <summary>Sets the endpoint's subject field (null stops hashing keys).</summary>
    /// <exception cref="FerryApiException">No such endpoint (404), a bad name (400), or not an approver (403).</exception>
    public Task<SubjectFieldView> SetFieldAsync(string endpoint, string? field, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        return SendAsync<SubjectFieldView>(HttpMethod.Put, $"api/v1/endpoints/{Uri.EscapeDataString(endpoint)}/subject-field", new SubjectFieldRequest(field), cancellationToken);
    }

    /// <summary>Every decision about the subject, with explanations, reviews and ground truth.</summary>
    /// <exception cref="FerryApiException">No key (400), or not an approver (403).</exception>
    public Task<SubjectExportView> ExportAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync<SubjectExportView>(HttpMethod.Post, "api/v1/subjects/export", new SubjectKeyRequest(key), cancellationToken);

    /// <summary>Erases the subject's personal inputs, keeping each decision's record.</summary>
    /// <exception cref="FerryApiException">No key (400), or not an admin (403).</exception>
    public Task<SubjectErasureView> EraseAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync<SubjectErasureView>(HttpMethod.Post, "api/v1/subjects/erase", new SubjectKeyRequest(key), cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = JsonContent.Create(body, body.GetType(), options: FerryJson.Options),
        };
        using var response = await _http.SendAsync(request, cancellationToken);
        await ProblemReader.EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(FerryJson.Options, cancellationToken)
            ?? throw new FerryApiException(response.StatusCode, "Empty response", "the server answered with an empty body where JSON was expected");
    }
}
