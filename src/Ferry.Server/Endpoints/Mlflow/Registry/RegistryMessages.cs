using System.Text.Json.Serialization;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>
/// The body of every registry POST/PATCH/DELETE: one message with every field any of them uses (the client sends
/// only the ones its call needs; unknown fields are ignored).
/// </summary>
public sealed class RegistryRequest
{
    /// <summary>Registered model name.</summary>
    public string? Name { get; set; }

    /// <summary>New name (rename).</summary>
    public string? NewName { get; set; }

    /// <summary>Description.</summary>
    public string? Description { get; set; }

    /// <summary>Tags (create calls).</summary>
    public List<MlflowTag>? Tags { get; set; }

    /// <summary>Tag key.</summary>
    public string? Key { get; set; }

    /// <summary>Tag value.</summary>
    public string? Value { get; set; }

    /// <summary>Alias name.</summary>
    public string? Alias { get; set; }

    /// <summary>A comment (transition requests).</summary>
    public string? Comment { get; set; }

    /// <summary>Version number (a string on the wire; numbers accepted).</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Version { get; set; }

    /// <summary>Stages (get-latest-versions).</summary>
    public List<string>? Stages { get; set; }

    /// <summary>Target stage (transition-stage).</summary>
    public string? Stage { get; set; }

    /// <summary>Archive versions already in the target stage.</summary>
    public bool? ArchiveExistingVersions { get; set; }

    /// <summary>Model source URI (model-versions/create).</summary>
    public string? Source { get; set; }

    /// <summary>Source run.</summary>
    public string? RunId { get; set; }

    /// <summary>Link to the run.</summary>
    public string? RunLink { get; set; }

    /// <summary>MLflow 3's logged-model id.</summary>
    public string? ModelId { get; set; }
}

/// <summary>A key/value tag.</summary>
public sealed class MlflowTag
{
    /// <summary>Key.</summary>
    public string? Key { get; set; }

    /// <summary>Value.</summary>
    public string? Value { get; set; }
}

/// <summary>An alias on a registered model.</summary>
/// <param name="Alias">Alias name.</param>
/// <param name="Version">Version number as a string.</param>
public sealed record MlflowAlias(string Alias, string Version);

/// <summary>MLflow's ModelVersion message (spec §2.6); <c>status</c> is always READY.</summary>
public sealed record MlflowModelVersion
{
    /// <summary>Model name.</summary>
    public required string Name { get; init; }

    /// <summary>Version number as a string.</summary>
    public required string Version { get; init; }

    /// <summary>Epoch ms.</summary>
    public long CreationTimestamp { get; init; }

    /// <summary>Epoch ms.</summary>
    public long LastUpdatedTimestamp { get; init; }

    /// <summary>Who registered it.</summary>
    public required string UserId { get; init; }

    /// <summary>Canonical stage.</summary>
    public required string CurrentStage { get; init; }

    /// <summary>Description.</summary>
    public required string Description { get; init; }

    /// <summary>Source URI.</summary>
    public required string Source { get; init; }

    /// <summary>Source run, when known.</summary>
    public string? RunId { get; init; }

    /// <summary>Always READY: Ferry registers synchronously.</summary>
    public string Status { get; init; } = "READY";

    /// <summary>Status detail.</summary>
    public string StatusMessage { get; init; } = string.Empty;

    /// <summary>Tags.</summary>
    public required IReadOnlyList<MlflowTag> Tags { get; init; }

    /// <summary>Run link.</summary>
    public required string RunLink { get; init; }

    /// <summary>Aliases pointing here.</summary>
    public required IReadOnlyList<string> Aliases { get; init; }

    /// <summary>MLflow 3's logged-model id, echoed.</summary>
    public string? ModelId { get; init; }
}

/// <summary>MLflow's RegisteredModel message (spec §2.5).</summary>
public sealed record MlflowRegisteredModel
{
    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Epoch ms.</summary>
    public long CreationTimestamp { get; init; }

    /// <summary>Epoch ms.</summary>
    public long LastUpdatedTimestamp { get; init; }

    /// <summary>Who created it.</summary>
    public required string UserId { get; init; }

    /// <summary>Description.</summary>
    public required string Description { get; init; }

    /// <summary>The newest non-deleted version per stage.</summary>
    public required IReadOnlyList<MlflowModelVersion> LatestVersions { get; init; }

    /// <summary>Tags.</summary>
    public required IReadOnlyList<MlflowTag> Tags { get; init; }

    /// <summary>Aliases.</summary>
    public required IReadOnlyList<MlflowAlias> Aliases { get; init; }
}

/// <summary><c>{"registered_model": ...}</c>.</summary>
/// <param name="RegisteredModel">The model.</param>
public sealed record RegisteredModelResponse(MlflowRegisteredModel RegisteredModel);

/// <summary><c>{"registered_models": [...], "next_page_token"?}</c>.</summary>
/// <param name="RegisteredModels">The page.</param>
/// <param name="NextPageToken">Next page, if any.</param>
public sealed record RegisteredModelsResponse(IReadOnlyList<MlflowRegisteredModel> RegisteredModels, string? NextPageToken);

/// <summary><c>{"model_version": ...}</c>.</summary>
/// <param name="ModelVersion">The version.</param>
public sealed record ModelVersionResponse(MlflowModelVersion ModelVersion);

/// <summary><c>{"model_versions": [...], "next_page_token"?}</c>.</summary>
/// <param name="ModelVersions">The versions.</param>
/// <param name="NextPageToken">Next page, if any.</param>
public sealed record ModelVersionsResponse(IReadOnlyList<MlflowModelVersion> ModelVersions, string? NextPageToken);

/// <summary><c>{"artifact_uri": ...}</c>.</summary>
/// <param name="ArtifactUri">Where the version's files are.</param>
public sealed record DownloadUriResponse(string ArtifactUri);
