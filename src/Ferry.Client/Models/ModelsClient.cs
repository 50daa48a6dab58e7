using System.Text.Json;
using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Models;

/// <summary>
/// Ferry's own views of the registry (<c>/api/v1/models</c>): what MLflow's answers leave out, such as a version's
/// flavor and signature. Needs a viewer token.
/// </summary>
public sealed class ModelsClient
{
    private const string Path = "api/v1/models";
    private readonly FerryHttp _http;

    internal ModelsClient(FerryHttp http) => _http = http;

    /// <summary>Every registered model.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public async Task<IReadOnlyList<ModelView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var json = await _http.GetAsync<JsonElement>(Path, cancellationToken);
        var items = json.ValueKind switch
        {
            JsonValueKind.Array => json,
            JsonValueKind.Object when json.TryGetProperty("models", out var models) => models,
            JsonValueKind.Object when json.TryGetProperty("items", out var items2) => items2,
            _ => default,
        };
        return items.ValueKind == JsonValueKind.Array ? [.. items.EnumerateArray().Select(m => new ModelView(m))] : [];
    }

    /// <summary>One registered model with its versions and aliases.</summary>
    /// <exception cref="FerryApiException">No such model (404), or the server refused.</exception>
    public async Task<ModelView> GetAsync(string name, CancellationToken cancellationToken = default) =>
        new(await _http.GetAsync<JsonElement>($"{Path}/{Uri.EscapeDataString(name)}", cancellationToken));

    /// <summary>One version, with its flavor and signature.</summary>
    /// <exception cref="FerryApiException">No such model or version (404), or the server refused.</exception>
    public async Task<ModelVersionView> GetVersionAsync(string name, int version, CancellationToken cancellationToken = default) =>
        new(await _http.GetAsync<JsonElement>($"{Path}/{Uri.EscapeDataString(name)}/versions/{version}", cancellationToken));

    /// <summary>A version's model card: its editable fields and the whole card as Markdown.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">No such model or version (404), or the server refused.</exception>
    public Task<ModelCardView> GetCardAsync(string name, int version, CancellationToken cancellationToken = default) =>
        _http.GetAsync<ModelCardView>(CardPath(name, version) + "?format=json", cancellationToken);

    /// <summary>A version's model card as a document: Markdown, or a self-contained HTML page.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version.</param>
    /// <param name="format"><c>markdown</c> or <c>html</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The body as the server sent it.</returns>
    /// <exception cref="ArgumentException"><paramref name="format"/> is neither markdown nor html.</exception>
    /// <exception cref="FerryApiException">No such model or version (404), or the server refused.</exception>
    public Task<string> GetCardTextAsync(string name, int version, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        var normalized = format.Trim().ToLowerInvariant();
        if (normalized is not ("markdown" or "html"))
        {
            throw new ArgumentException($"The card's format is markdown or html, not '{format}'.", nameof(format));
        }

        return _http.GetTextAsync(CardPath(name, version) + "?format=" + normalized, cancellationToken);
    }

    /// <summary>Replaces a version's editable card fields (needs a scientist token) and returns the card rendered with them.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version.</param>
    /// <param name="fields">The fields as they should be (all of them): fetch the card first to change only some.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">No such model or version (404), a field was refused (400), or the server refused.</exception>
    public Task<ModelCardView> SetCardAsync(string name, int version, ModelCardFields fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return _http.PutAsync<ModelCardFields, ModelCardView>(CardPath(name, version), fields, cancellationToken);
    }

    /// <summary>A version's technical documentation (EU AI Act Annex IV), assembled by the server: Markdown or a self-contained HTML page.</summary>
    /// <param name="name">The registered model.</param>
    /// <param name="version">The version.</param>
    /// <param name="format"><c>md</c> or <c>html</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The body as the server sent it.</returns>
    /// <exception cref="ArgumentException"><paramref name="format"/> is neither md nor html.</exception>
    /// <exception cref="FerryApiException">No such model or version (404), or the server refused.</exception>
    public Task<string> GetDocumentationTextAsync(string name, int version, string format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var normalized = format.Trim().ToLowerInvariant();
        if (normalized is not ("md" or "html"))
        {
            throw new ArgumentException($"The documentation's format is md or html, not '{format}'.", nameof(format));
        }

        return _http.GetTextAsync($"{Path}/{Uri.EscapeDataString(name)}/versions/{version}/documentation?format={normalized}", cancellationToken);
    }

    private static string CardPath(string name, int version)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return $"{Path}/{Uri.EscapeDataString(name)}/versions/{version}/card";
    }
}
