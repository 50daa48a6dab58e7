using Ferry.Core.Errors;

namespace Ferry.Core.Artifacts;

/// <summary>An artifact path that is empty, absolute, or would leave the store's root.</summary>
public sealed class InvalidArtifactPathException(string path, string reason)
    : FerryException($"Artifact path '{Sanitize(path)}' is refused: {reason}.")
{
    /// <summary>The offending path, with control characters made visible.</summary>
    public string Path { get; } = Sanitize(path);

    /// <summary>Why it was refused.</summary>
    public string Reason { get; } = reason;

    private static string Sanitize(string path) =>
        string.Concat((path ?? string.Empty).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
