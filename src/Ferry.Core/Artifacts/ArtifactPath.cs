using System.Text;

namespace Ferry.Core.Artifacts;

/// <summary>
/// Validates artifact paths before any store touches a filesystem or a bucket with them. A valid path is
/// relative, '/'-separated, and made only of plain names: nothing in it can climb out of the store's root,
/// name a drive or a server, or smuggle a separator or a dot through percent-encoding.
/// </summary>
/// <remarks>
/// Validation refuses rather than repairs: a path that needs fixing is a caller bug or an attack, and
/// silently rewriting it would make two different strings name the same artifact.
/// </remarks>
public static class ArtifactPath
{
    /// <summary>The longest accepted path, in characters.</summary>
    public const int MaxLength = 1024;

    /// <summary>The longest accepted segment, in UTF-8 bytes (the usual filesystem limit on a name).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>The first segment reserved for the store's own metadata (temp files, hashes).</summary>
    public const string ReservedSegment = ".ferry";

    // Throws on lone surrogates, which no filesystem name can hold faithfully.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Checks the path of a file and returns it in canonical form.</summary>
    /// <param name="path">A relative path such as <c>runs/42/model.onnx</c>.</param>
    /// <returns>The path, unchanged: valid paths have exactly one spelling.</returns>
    /// <exception cref="InvalidArtifactPathException">The path is empty, absolute, or otherwise unsafe; the reason says which.</exception>
    public static string Normalize(string path) => Check(path);

    /// <summary>
    /// Checks the path of a directory: like <see cref="Normalize"/>, but <c>""</c> names the root and one
    /// trailing '/' is allowed (and dropped).
    /// </summary>
    /// <param name="path">A relative directory path, or <c>""</c> for the root.</param>
    /// <returns>The path without a trailing '/'; <c>""</c> for the root.</returns>
    /// <exception cref="InvalidArtifactPathException">The path is absolute or otherwise unsafe; the reason says which.</exception>
    public static string NormalizeDirectory(string path)
    {
        if (path is { Length: > 1 } && path[^1] == '/')
        {
            path = path[..^1];
        }

        return path is "" ? "" : Check(path);
    }

    private static string Check(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new InvalidArtifactPathException(path ?? "", path is null ? "it is null" : "it is empty");
        }

        if (path.Length > MaxLength)
        {
            throw new InvalidArtifactPathException(path[..64] + "…", $"it is longer than {MaxLength} characters");
        }

        // '/x', '\x', '\\server\share', 'C:\x' and the drive-relative 'C:x'.
        if (path[0] is '/' or '\\' || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
        {
            throw new InvalidArtifactPathException(path, "it is absolute; artifact paths are relative to the store's root");
        }

        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                throw new InvalidArtifactPathException(path, "it contains a control character");
            }

            if (c == '\\')
            {
                throw new InvalidArtifactPathException(path, "it contains '\\'; only '/' separates segments");
            }

            // Refused anywhere, not just after a drive letter: on Windows 'name:x' opens an alternate data stream.
            if (c == ':')
            {
                throw new InvalidArtifactPathException(path, "it contains ':'");
            }
        }

        CheckPercentEncoding(path);

        var segments = path.Split('/');
        foreach (var segment in segments)
        {
            CheckSegment(path, segment);
        }

        if (segments[0].Equals(ReservedSegment, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidArtifactPathException(path, $"'{ReservedSegment}' is reserved for the store's metadata");
        }

        return path;
    }

    private static void CheckSegment(string path, string segment)
    {
        if (segment.Length == 0)
        {
            throw new InvalidArtifactPathException(path, "it has an empty segment (a doubled, leading or trailing '/')");
        }

        if (segment is "." or "..")
        {
            throw new InvalidArtifactPathException(path, $"it has a '{segment}' segment");
        }

        // Windows drops trailing dots and spaces, so 'a.' would silently become 'a'.
        if (segment[^1] is '.' or ' ')
        {
            throw new InvalidArtifactPathException(path, $"segment '{segment}' ends with a dot or a space");
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(segment);
        }
        catch (ArgumentException)
        {
            throw new InvalidArtifactPathException(path, "it is not valid Unicode (a lone surrogate)");
        }

        if (bytes > MaxSegmentBytes)
        {
            throw new InvalidArtifactPathException(path, $"a segment is longer than {MaxSegmentBytes} bytes in UTF-8");
        }
    }

    // Some layer (a proxy, a URL decoder, a later store) may decode '%2e%2e%2f' into '../' after we have
    // checked the path. '%25' is refused too, so that a second decoding cannot produce any of them either.
    private static void CheckPercentEncoding(string path)
    {
        for (var i = path.IndexOf('%'); i >= 0 && i + 2 < path.Length; i = path.IndexOf('%', i + 1))
        {
            if (!char.IsAsciiHexDigit(path[i + 1]) || !char.IsAsciiHexDigit(path[i + 2]))
            {
                continue;
            }

            var decoded = (char)Convert.ToByte(path.Substring(i + 1, 2), 16);
            if (decoded is '.' or '/' or '\\' or ':' or '%' || char.IsControl(decoded))
            {
                throw new InvalidArtifactPathException(path, $"it contains the percent-encoded character '{path.Substring(i, 3)}'");
            }
        }
    }
}
