using System.Text.Json;

namespace Ferry.Server.Endpoints.Models;

/// <summary>One registered model in the list.</summary>
/// <param name="Name">Name.</param>
/// <param name="Description">Description.</param>
/// <param name="LatestVersion">The highest non-deleted version number, if any.</param>
/// <param name="Aliases">Alias → version.</param>
/// <param name="LastUpdatedAt">Last change.</param>
public sealed record ModelSummaryView(string Name, string Description, int? LatestVersion, IReadOnlyDictionary<string, int> Aliases, DateTimeOffset LastUpdatedAt);

/// <summary>The registered models.</summary>
/// <param name="Models">By name.</param>
public sealed record ModelListView(IReadOnlyList<ModelSummaryView> Models);

/// <summary>One version in a model's list.</summary>
/// <param name="Version">Number.</param>
/// <param name="Stage">Legacy stage.</param>
/// <param name="Flavor">"onnx", "mlnet" or null.</param>
/// <param name="Source">Source URI.</param>
/// <param name="RunId">Source run.</param>
/// <param name="Aliases">Aliases pointing here.</param>
/// <param name="UserId">Who registered it (token name).</param>
/// <param name="RegisteredAt">When.</param>
public sealed record VersionSummaryView(int Version, string Stage, string? Flavor, string Source, string? RunId, IReadOnlyList<string> Aliases, string UserId, DateTimeOffset RegisteredAt);

/// <summary>A registered model with its versions.</summary>
/// <param name="Name">Name.</param>
/// <param name="Description">Description.</param>
/// <param name="UserId">Who created it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="LastUpdatedAt">Last change.</param>
/// <param name="Tags">Tags.</param>
/// <param name="Aliases">Alias → version.</param>
/// <param name="Versions">Non-deleted versions, newest first.</param>
public sealed record ModelView(
    string Name,
    string Description,
    string UserId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, int> Aliases,
    IReadOnlyList<VersionSummaryView> Versions);

/// <summary>A dataset the source run consumed.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="Digest">Content digest.</param>
/// <param name="SourceType">Source type.</param>
/// <param name="Tags">Input tags (e.g. <c>mlflow.data.context</c>).</param>
public sealed record DatasetInputView(string Name, string Digest, string SourceType, JsonElement Tags);

/// <summary>The run that produced a version.</summary>
/// <param name="Id">Run id.</param>
/// <param name="Name">Run name.</param>
/// <param name="Status">Run status.</param>
/// <param name="ExperimentId">Owning experiment.</param>
/// <param name="Metrics">Latest value per metric key.</param>
/// <param name="Params">Parameters.</param>
/// <param name="Datasets">Input datasets with their digests.</param>
public sealed record SourceRunView(
    string Id,
    string Name,
    string Status,
    string ExperimentId,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyList<DatasetInputView> Datasets);

/// <summary>Everything Ferry knows about a version: schema, lineage, pointers and provenance.</summary>
public sealed record ModelVersionView
{
    /// <summary>Model name.</summary>
    public required string Name { get; init; }

    /// <summary>Number.</summary>
    public int Version { get; init; }

    /// <summary>Legacy stage.</summary>
    public required string Stage { get; init; }

    /// <summary>Description.</summary>
    public required string Description { get; init; }

    /// <summary>"onnx", "mlnet" or null.</summary>
    public string? Flavor { get; init; }

    /// <summary>The typed input/output schema (Ferry's signature JSON), or null.</summary>
    public JsonElement? Signature { get; init; }

    /// <summary>The source URI the client gave.</summary>
    public required string Source { get; init; }

    /// <summary>Where the files are in Ferry's artifact store.</summary>
    public string? ArtifactPath { get; init; }

    /// <summary>The source run, when it is known to Ferry.</summary>
    public SourceRunView? SourceRun { get; init; }

    /// <summary>The source run id (also when the run is not known).</summary>
    public string? RunId { get; init; }

    /// <summary>Aliases pointing here.</summary>
    public required IReadOnlyList<string> Aliases { get; init; }

    /// <summary>Tags.</summary>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// <summary>Who registered it (token name).</summary>
    public required string UserId { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>Last change.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }
}
