using Ferry.Client.Tracking;

namespace Ferry.Client.Registry;

// The request and response bodies of MLflow's registry routes (mlflow-rest.md §5), named as on the wire.
internal sealed record CreateRegisteredModelRequest(string Name, string? Description, IReadOnlyList<Tag>? Tags);

internal sealed record RegisteredModelResponse(RegisteredModel RegisteredModel);

internal sealed record NameRequest(string Name);

internal sealed record CreateModelVersionRequest(string Name, string Source, string? RunId, string? Description, IReadOnlyList<Tag>? Tags);

internal sealed record ModelVersionResponse(ModelVersion ModelVersion);

internal sealed record SetAliasRequest(string Name, string Alias, string Version);

internal sealed record DeleteAliasRequest(string Name, string Alias);

internal sealed record SearchModelVersionsResponse(IReadOnlyList<ModelVersion>? ModelVersions, string? NextPageToken);
