namespace Ferry.Core.Registry;

/// <summary>A model version together with what its answers need from its model: the model's name and the version's aliases.</summary>
/// <param name="ModelName">The registered model's name.</param>
/// <param name="Version">The version row.</param>
/// <param name="Aliases">Aliases pointing at this version, sorted.</param>
public sealed record RegistryVersion(string ModelName, ModelVersion Version, IReadOnlyList<string> Aliases);

/// <summary>What a caller asks for when registering a model.</summary>
/// <param name="Name">Unique name.</param>
/// <param name="Description">Free text.</param>
/// <param name="Tags">Initial tags.</param>
public sealed record NewRegisteredModel(string Name, string? Description, IReadOnlyList<KeyValuePair<string, string>> Tags);

/// <summary>What a caller asks for when registering a version, plus what Ferry learnt from its files.</summary>
public sealed record NewModelVersion
{
    /// <summary>The registered model's name.</summary>
    public required string ModelName { get; init; }

    /// <summary>The source URI, as the client gave it.</summary>
    public required string Source { get; init; }

    /// <summary>The run that produced it.</summary>
    public string? RunId { get; init; }

    /// <summary>A link to the run.</summary>
    public string? RunLink { get; init; }

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>MLflow 3's logged-model id.</summary>
    public string? MlflowModelId { get; init; }

    /// <summary>Initial tags.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    /// <summary>Where the files are in Ferry's artifact store, when the source resolved into it.</summary>
    public string? ArtifactPath { get; init; }

    /// <summary>The flavor read from the model file ("onnx", "mlnet"), or null.</summary>
    public string? Flavor { get; init; }

    /// <summary>The signature as JSON, or null.</summary>
    public string? SignatureJson { get; init; }
}

/// <summary>Who is changing the registry and whether they may touch protected state (the champion alias, Production).</summary>
/// <param name="Actor">The token name, recorded in the audit trail.</param>
/// <param name="MayChangeProtected">True for approvers and admins.</param>
public sealed record RegistryCaller(string Actor, bool MayChangeProtected);

/// <summary>One page of search results.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items on this page.</param>
/// <param name="NextPageToken">The token for the next page; null on the last one.</param>
public sealed record RegistryPage<T>(IReadOnlyList<T> Items, string? NextPageToken);

/// <summary>A search request: filter text, order-by items, page size and token.</summary>
/// <param name="Filter">The filter (grammar of MLflow's registry searches); null or empty matches everything.</param>
/// <param name="OrderBy">Order-by items such as <c>name ASC</c>.</param>
/// <param name="MaxResults">Page size.</param>
/// <param name="PageToken">Token from the previous page.</param>
public sealed record RegistrySearch(string? Filter, IReadOnlyList<string> OrderBy, int MaxResults, string? PageToken);
