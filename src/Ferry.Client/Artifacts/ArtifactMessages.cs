namespace Ferry.Client.Artifacts;

/// <summary>One entry of an artifact directory listing.</summary>
/// <param name="Path">The entry's name (its basename, as MLflow's artifact proxy answers).</param>
/// <param name="IsDir">True for a directory.</param>
/// <param name="FileSize">Size in bytes, for files.</param>
public sealed record ArtifactFile(string Path, bool IsDir, long? FileSize = null);

internal sealed record ListArtifactsResponse(IReadOnlyList<ArtifactFile>? Files);
