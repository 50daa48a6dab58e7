using System.Text.Json.Serialization;

namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>MLflow's <c>FileInfo</c>: <c>is_dir</c> always, <c>file_size</c> for files only.</summary>
/// <param name="Path">The entry's basename (artifact proxy) or run-relative path (<c>artifacts/list</c>).</param>
/// <param name="IsDir">True for a directory.</param>
/// <param name="FileSize">Size in bytes; null (omitted) for a directory.</param>
internal sealed record ArtifactFileInfo(string Path, bool IsDir, long? FileSize);

/// <summary>The proxy's listing; <see cref="Files"/> is null (omitted, so the body is <c>{}</c>) when there is nothing to list.</summary>
/// <param name="Files">The entries, or null.</param>
internal sealed record ListArtifactsResponse(IReadOnlyList<ArtifactFileInfo>? Files);

/// <summary>The tracking API's run listing (<c>GET /mlflow/artifacts/list</c>).</summary>
/// <param name="RootUri">The run's artifact URI.</param>
/// <param name="Files">The entries, paths relative to the run's root, or null when there are none.</param>
internal sealed record RunArtifactsResponse(string RootUri, IReadOnlyList<ArtifactFileInfo>? Files);

/// <summary>Source-generated JSON for the artifact messages, in MLflow's conventions (snake_case, nulls omitted).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ListArtifactsResponse))]
[JsonSerializable(typeof(RunArtifactsResponse))]
internal sealed partial class ArtifactsJsonContext : JsonSerializerContext;
