using Ferry.Client.Tracking;

namespace Ferry.Client.Registry;

/// <summary>An alias (e.g. <c>champion</c>) and the version it points at.</summary>
/// <param name="Alias">The alias.</param>
/// <param name="Version">The version number, as text ("1", "2", ...).</param>
public sealed record AliasRef(string Alias, string Version);

/// <summary>A registered model as MLflow's registry shows it. Times are Unix epoch milliseconds.</summary>
/// <param name="Name">The unique name.</param>
/// <param name="CreationTimestamp">Created, epoch ms.</param>
/// <param name="LastUpdatedTimestamp">Last changed, epoch ms.</param>
/// <param name="Description">Free text.</param>
/// <param name="LatestVersions">The newest version per stage.</param>
/// <param name="Tags">Its tags.</param>
/// <param name="Aliases">Its aliases.</param>
public sealed record RegisteredModel(
    string Name,
    long? CreationTimestamp = null,
    long? LastUpdatedTimestamp = null,
    string? Description = null,
    IReadOnlyList<ModelVersion>? LatestVersions = null,
    IReadOnlyList<Tag>? Tags = null,
    IReadOnlyList<AliasRef>? Aliases = null);

/// <summary>A model version as MLflow's registry shows it. Times are Unix epoch milliseconds.</summary>
/// <param name="Name">The registered model's name.</param>
/// <param name="Version">The version number, as text ("1", "2", ...).</param>
/// <param name="Source">Where its files are, e.g. <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts/model</c>.</param>
/// <param name="RunId">The run that produced it, if any.</param>
/// <param name="Status">READY once registered.</param>
/// <param name="CurrentStage">Legacy stage: None, Staging, Production or Archived.</param>
/// <param name="CreationTimestamp">Created, epoch ms.</param>
/// <param name="LastUpdatedTimestamp">Last changed, epoch ms.</param>
/// <param name="Description">Free text.</param>
/// <param name="UserId">Who registered it.</param>
/// <param name="Tags">Its tags.</param>
/// <param name="Aliases">The aliases pointing at it.</param>
public sealed record ModelVersion(
    string Name,
    string Version,
    string? Source = null,
    string? RunId = null,
    string? Status = null,
    string? CurrentStage = null,
    long? CreationTimestamp = null,
    long? LastUpdatedTimestamp = null,
    string? Description = null,
    string? UserId = null,
    IReadOnlyList<Tag>? Tags = null,
    IReadOnlyList<string>? Aliases = null);

/// <summary>One page of a model-version search.</summary>
/// <param name="ModelVersions">The versions on this page.</param>
/// <param name="NextPageToken">Pass it back for the next page; null on the last page.</param>
public sealed record ModelVersionsPage(IReadOnlyList<ModelVersion> ModelVersions, string? NextPageToken);
