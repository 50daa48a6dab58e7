using Ferry.Testing;
using Microsoft.Playwright;

namespace Ferry.Dashboard.Tests;

/// <summary>Saves screenshots to the repository's <c>docs/images/</c> (the README shows them).</summary>
public static class Screenshots
{
    /// <summary>The folder, found by walking up from the test binaries to the solution file.</summary>
    public static string Folder { get; } = Find();

    /// <summary>Saves the visible part of the page (the viewport) as <c>docs/images/{name}.png</c>.</summary>
    public static Task SaveAsync(IPage page, string name, bool fullPage = false) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, name + ".png"), FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });

    private static string Find()
    {
        var folder = RepositoryRoot.TryFind() is { } root ? Path.Combine(root, "docs", "images") : Path.Combine(Path.GetTempPath(), "ferry-screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
