using Ferry.Cli.Quickstart;
using Ferry.Cli.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Cli.Tests.Quickstart;

/// <summary>The quickstart's data directory rules, its clock and its traffic shape.</summary>
public sealed class QuickstartPiecesTests
{
    [Fact]
    public void DirectoryWithFilesTheQuickstartDidNotMake_IsRefused_AndLeftAlone()
    {
        using var directory = new TempDirectory("quickstart-foreign");
        var precious = Path.Combine(directory.Path, "thesis.tex");
        File.WriteAllText(precious, "years of work");
        var refused = Assert.Throws<CliException>(() => QuickstartDirectory.Prepare(directory.Path));
        Assert.Equal(ExitCodes.InvalidArguments, refused.ExitCode);
        Assert.Contains("not made by the quickstart", refused.Message, StringComparison.Ordinal);
        Assert.Equal("years of work", File.ReadAllText(precious));
    }

    [Fact]
    public void QuickstartsOwnDirectory_IsEmptied_AndMarkedAgain()
    {
        using var directory = new TempDirectory("quickstart-own");
        QuickstartDirectory.Prepare(directory.Path);
        Directory.CreateDirectory(Path.Combine(directory.Path, "artifacts", "1"));
        File.WriteAllText(Path.Combine(directory.Path, "ferry.db"), "old");
        QuickstartDirectory.Prepare(directory.Path);
        Assert.Equal([QuickstartDirectory.MarkerFile], Directory.EnumerateFileSystemEntries(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Clock_MovesForwardFromWhereItWasSet_AndNeverBack()
    {
        var system = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero));
        var clock = new SimulatedClock(system);
        var start = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
        clock.JumpTo(start);
        Assert.Equal(start, clock.GetUtcNow());
        system.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal(start.AddSeconds(90), clock.GetUtcNow());
        Assert.Throws<InvalidOperationException>(() => clock.JumpTo(start.AddSeconds(-1)));
        clock.JumpTo(start.AddHours(3));
        Assert.Equal(start.AddHours(3), clock.GetUtcNow());
        clock.FollowSystem();
        Assert.Equal(system.GetUtcNow(), clock.GetUtcNow());
    }

    [Fact]
    public void DayOfTraffic_PeaksAtMidday_AndTotals6480Applications()
    {
        var hours = Enumerable.Range(0, QuickstartScenario.Hours).Select(QuickstartScenario.ApplicationsIn).ToList();
        Assert.Equal(6_480, hours.Sum());
        Assert.Equal(hours.Max(), hours[11]);
        Assert.True(hours[0] < hours[11] / 2);
    }
}
