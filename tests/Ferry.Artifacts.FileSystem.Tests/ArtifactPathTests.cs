using Ferry.Core.Artifacts;

namespace Ferry.Artifacts.FileSystem.Tests;

public sealed class ArtifactPathTests
{
    public static TheoryData<string> BadPaths() =>
    [
        // empty
        "",
        // climbing out, and dot segments
        "..",
        "../x",
        "a/../../x",
        "a/..",
        "a/../b",
        ".",
        "./a",
        "a/./b",
        "a/.",
        // absolute: Unix, Windows drive, drive-relative, UNC, rooted
        "/etc/passwd",
        "/",
        "C:\\x",
        "C:/x",
        "C:x",
        "c:",
        "\\\\server\\share\\x",
        "\\x",
        // separators and stream names that are not '/'
        "a\\b",
        "..\\x",
        "a/b:stream",
        // control characters
        "a\0b",
        "a\0",
        "a\nb",
        "a\tb",
        "\u007f",
        "a\u0085b",
        // percent-encoded dots, separators, NUL, and double encoding
        "%2e%2e/x",
        "%2E%2E%2Fx",
        "%2e",
        "a%2fb",
        "a%5cb",
        "a%00b",
        "a%0ab",
        "a%3ab",
        "%252e%252e/x",
        "a%25b",
        // empty segments
        "a//b",
        "a/",
        "//server/share",
        // trailing dots and spaces
        "a/ ",
        " ",
        "a.",
        "a /b",
        "a/b...",
        // reserved metadata directory, in any case
        ".ferry",
        ".ferry/tmp/x",
        ".FERRY/sha256/x",
        ".Ferry/x",
        // too long: whole path, one segment (in UTF-8 bytes)
        new string('a', 1025),
        string.Join('/', Enumerable.Repeat("abcdefghi", 103)),
        new string('b', 256),
        "x/" + new string('é', 128),
    ];

    [Theory]
    [MemberData(nameof(BadPaths))]
    public void Normalize_BadPath_Throws(string path)
    {
        var error = Assert.Throws<InvalidArtifactPathException>(() => ArtifactPath.Normalize(path));

        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.DoesNotContain(error.Message, char.IsControl);
    }

    [Theory]
    [MemberData(nameof(BadPaths))]
    public void NormalizeDirectory_BadPathOtherThanRoot_Throws(string path)
    {
        if (path is "" or "a/")
        {
            return; // the root, and a directory written with its trailing slash, are valid directories
        }

        Assert.Throws<InvalidArtifactPathException>(() => ArtifactPath.NormalizeDirectory(path));
    }

    // Not theory data: xunit's serialisation of theory arguments would turn the lone surrogate into U+FFFD.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Normalize_LoneSurrogate_Throws(int which)
    {
        var path = which == 0 ? "a" + '\ud800' + "b" : "a/" + '\udc00';

        var error = Assert.Throws<InvalidArtifactPathException>(() => ArtifactPath.Normalize(path));

        Assert.Contains("Unicode", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_Null_Throws()
    {
        Assert.Throws<InvalidArtifactPathException>(() => ArtifactPath.Normalize(null!));
        Assert.Throws<InvalidArtifactPathException>(() => ArtifactPath.NormalizeDirectory(null!));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a.txt")]
    [InlineData("runs/42/model.onnx")]
    [InlineData(".hidden")]
    [InlineData("a/.ferry")]
    [InlineData("a/.ferry/x")]
    [InlineData(".ferryx")]
    [InlineData("..a")]
    [InlineData("a..b")]
    [InlineData("...a")]
    [InlineData(" leading-space")]
    [InlineData("with space/and-dash_under+plus=eq,comma")]
    [InlineData("100%")]
    [InlineData("50% off")]
    [InlineData("a%20b")]
    [InlineData("a%41b")]
    [InlineData("a%2")]
    [InlineData("a%zz")]
    [InlineData("données/模型/😀.bin")]
    [InlineData("~/x")]
    public void Normalize_GoodPath_ReturnsItUnchanged(string path)
    {
        Assert.Equal(path, ArtifactPath.Normalize(path));
    }

    [Fact]
    public void Normalize_AtTheLimits_IsAccepted()
    {
        var segment = new string('a', 255);
        var longest = string.Join('/', segment, segment, segment, new string('a', 254), "b");
        Assert.Equal(1024, longest.Length);
        Assert.Equal(longest, ArtifactPath.Normalize(longest));

        var multiByte = new string('é', 127) + "a"; // 255 bytes in UTF-8
        Assert.Equal(multiByte, ArtifactPath.Normalize(multiByte));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("a", "a")]
    [InlineData("a/", "a")]
    [InlineData("a/b/", "a/b")]
    [InlineData("a/b", "a/b")]
    public void NormalizeDirectory_GoodPath_ReturnsCanonicalForm(string path, string expected)
    {
        Assert.Equal(expected, ArtifactPath.NormalizeDirectory(path));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("a//")]
    [InlineData(".ferry/")]
    public void NormalizeDirectory_BadTrailingSlashForms_Throw(string path)
    {
        Assert.Throws<InvalidArtifactPathException>(() => ArtifactPath.NormalizeDirectory(path));
    }

    [Fact]
    public void Exception_ShowsControlCharactersEscaped()
    {
        var error = Assert.Throws<InvalidArtifactPathException>(() => ArtifactPath.Normalize("a\0b"));

        Assert.Equal("a\\u0000b", error.Path);
        Assert.Contains("control character", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x", "'..'")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("a\\b", "'\\'")]
    [InlineData("%2e%2e/x", "percent-encoded")]
    [InlineData(".ferry/x", "reserved")]
    [InlineData("a//b", "empty segment")]
    public void Normalize_BadPath_SaysWhy(string path, string reasonPart)
    {
        var error = Assert.Throws<InvalidArtifactPathException>(() => ArtifactPath.Normalize(path));

        Assert.Contains(reasonPart, error.Reason, StringComparison.Ordinal);
    }
}
