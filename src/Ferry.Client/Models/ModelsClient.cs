using System.Text.Json;
using Ferry.Client.Http;

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
}
