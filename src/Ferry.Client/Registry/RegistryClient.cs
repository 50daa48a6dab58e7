using System.Globalization;
using System.Text.Json;
using Ferry.Client.Http;
using Ferry.Client.Mlflow;
using Ferry.Client.Tracking;

namespace Ferry.Client.Registry;

/// <summary>
/// The model registry over MLflow's REST API: registered models, versions and aliases. Reads need a viewer token,
/// writes a scientist; moving or deleting the <c>champion</c> alias needs an approver. Failures raise
/// <see cref="FerryApiException"/> with MLflow's <see cref="FerryApiException.ErrorCode"/>.
/// </summary>
public sealed class RegistryClient
{
    private const string Api = MlflowHttp.Api;
    private readonly MlflowHttp _http;
    private readonly TrackingClient _tracking;

    internal RegistryClient(MlflowHttp http, TrackingClient tracking)
    {
        _http = http;
        _tracking = tracking;
    }

    /// <summary>Creates a registered model; when one with that name exists already, returns it instead (as <c>mlflow.register_model</c> does).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="description">Free text (only used when it is created).</param>
    /// <param name="tags">Tags (only used when it is created).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">An invalid name (400), or the server refused.</exception>
    public async Task<RegisteredModel> CreateRegisteredModelAsync(string name, string? description = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            var request = new CreateRegisteredModelRequest(name, description, tags?.Select(t => new Tag(t.Key, t.Value)).ToArray());
            return (await _http.PostAsync<CreateRegisteredModelRequest, RegisteredModelResponse>(Api + "registered-models/create", request, cancellationToken)).RegisteredModel;
        }
        catch (FerryApiException e) when (MlflowErrorCodes.Is(e, MlflowErrorCodes.ResourceAlreadyExists) || MlflowErrorCodes.Is(e, "ALREADY_EXISTS"))
        {
            return await GetRegisteredModelAsync(name, cancellationToken);
        }
    }

    /// <summary>The registered model named <paramref name="name"/>, with its latest versions and aliases.</summary>
    /// <exception cref="FerryApiException">RESOURCE_DOES_NOT_EXIST (404), or the server refused.</exception>
    public async Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<RegisteredModelResponse>(Api + "registered-models/get", new QueryString().Add("name", name), cancellationToken)).RegisteredModel;

    /// <summary>The registered model named <paramref name="name"/>, or null when there is none.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public async Task<RegisteredModel?> FindRegisteredModelAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetRegisteredModelAsync(name, cancellationToken);
        }
        catch (FerryApiException e) when (MlflowErrorCodes.Is(e, MlflowErrorCodes.ResourceDoesNotExist))
        {
            return null;
        }
    }

    /// <summary>Deletes a registered model with all its versions and aliases.</summary>
    /// <exception cref="FerryApiException">RESOURCE_DOES_NOT_EXIST (404), or the server refused.</exception>
    public Task DeleteRegisteredModelAsync(string name, CancellationToken cancellationToken = default) =>
        _http.SendAsync<NameRequest, JsonElement>(HttpMethod.Delete, Api + "registered-models/delete", new NameRequest(name), cancellationToken);

    /// <summary>Creates the next version of a registered model from files already uploaded.</summary>
    /// <param name="name">The registered model (it must exist; see <see cref="CreateRegisteredModelAsync"/>).</param>
    /// <param name="source">Where the files are, e.g. <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts/model</c>.</param>
    /// <param name="runId">The run that produced it, if any.</param>
    /// <param name="description">Free text.</param>
    /// <param name="tags">Version tags.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">No such model (404), an unreadable model file (400), or the server refused.</exception>
    public async Task<ModelVersion> CreateModelVersionAsync(
        string name,
        string source,
        string? runId = null,
        string? description = null,
        IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(source);
        var request = new CreateModelVersionRequest(name, source, runId, description, tags?.Select(t => new Tag(t.Key, t.Value)).ToArray());
        return (await _http.PostAsync<CreateModelVersionRequest, ModelVersionResponse>(Api + "model-versions/create", request, cancellationToken)).ModelVersion;
    }

    /// <summary>
    /// Registers a run's artifact directory as a new version, as <c>mlflow.register_model("runs:/&lt;run&gt;/&lt;path&gt;", name)</c>
    /// does: creates the registered model when missing, resolves the run's artifact URI and creates a version whose
    /// source is <c>&lt;artifact_uri&gt;/&lt;artifactPath&gt;</c>.
    /// </summary>
    /// <param name="runId">The run whose artifacts hold the model.</param>
    /// <param name="artifactPath">The model's path under the run's artifacts (e.g. <c>model</c> or <c>model/model.zip</c>).</param>
    /// <param name="name">The registered model's name.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <exception cref="FerryApiException">No such run (404), an unreadable model (400), or the server refused.</exception>
    public async Task<ModelVersion> RegisterModelAsync(string runId, string artifactPath, string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        await CreateRegisteredModelAsync(name, cancellationToken: cancellationToken);
        var run = await _tracking.GetRunAsync(runId, cancellationToken);
        var root = run.Info.ArtifactUri
            ?? throw new FerryApiException(System.Net.HttpStatusCode.OK, "Unexpected response", $"run {runId} has no artifact_uri");
        var source = root.TrimEnd('/') + "/" + artifactPath.Trim('/');
        return await CreateModelVersionAsync(name, source, runId, cancellationToken: cancellationToken);
    }

    /// <summary>One version of a registered model.</summary>
    /// <exception cref="FerryApiException">RESOURCE_DOES_NOT_EXIST (404), or the server refused.</exception>
    public async Task<ModelVersion> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<ModelVersionResponse>(Api + "model-versions/get", new QueryString().Add("name", name).Add("version", version), cancellationToken)).ModelVersion;

    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/>, moving it if it pointed elsewhere.</summary>
    /// <exception cref="FerryApiException">No such version (404), a reserved alias (400), a protected alias without an approver (403), or the server refused.</exception>
    public Task SetAliasAsync(string name, string alias, string version, CancellationToken cancellationToken = default) =>
        _http.PostAsync(Api + "registered-models/alias", new SetAliasRequest(name, alias, version), cancellationToken);

    /// <inheritdoc cref="SetAliasAsync(string, string, string, CancellationToken)" />
    public Task SetAliasAsync(string name, string alias, int version, CancellationToken cancellationToken = default) =>
        SetAliasAsync(name, alias, version.ToString(CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Removes an alias.</summary>
    /// <exception cref="FerryApiException">No such alias or model (404), or the server refused.</exception>
    public Task DeleteAliasAsync(string name, string alias, CancellationToken cancellationToken = default) =>
        _http.SendAsync<DeleteAliasRequest, JsonElement>(HttpMethod.Delete, Api + "registered-models/alias", new DeleteAliasRequest(name, alias), cancellationToken);

    /// <summary>The version an alias points at.</summary>
    /// <exception cref="FerryApiException">RESOURCE_DOES_NOT_EXIST (404) for an unknown alias, or the server refused.</exception>
    public async Task<ModelVersion> GetByAliasAsync(string name, string alias, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<ModelVersionResponse>(Api + "registered-models/alias", new QueryString().Add("name", name).Add("alias", alias), cancellationToken)).ModelVersion;

    /// <summary>A page of model versions (<c>model-versions/search</c>).</summary>
    /// <param name="filter">MLflow filter, e.g. <c>name = 'credit-risk'</c>; null for all.</param>
    /// <param name="maxResults">Page size (server default when null).</param>
    /// <param name="orderBy">Sort keys, e.g. <c>version_number DESC</c>.</param>
    /// <param name="pageToken">The previous page's <see cref="ModelVersionsPage.NextPageToken"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">An invalid filter (400), or the server refused.</exception>
    public async Task<ModelVersionsPage> SearchModelVersionsAsync(
        string? filter = null,
        long? maxResults = null,
        IReadOnlyList<string>? orderBy = null,
        string? pageToken = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryString().Add("filter", filter).Add("max_results", maxResults).Add("page_token", pageToken);
        foreach (var key in orderBy ?? [])
        {
            query.Add("order_by", key);
        }

        var page = await _http.GetAsync<SearchModelVersionsResponse>(Api + "model-versions/search", query, cancellationToken);
        return new ModelVersionsPage(page.ModelVersions ?? [], string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken);
    }
}
