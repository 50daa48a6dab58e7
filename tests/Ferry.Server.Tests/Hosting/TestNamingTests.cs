using System.Text.RegularExpressions;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>One naming style for every test in the repository: <c>Subject_Condition_Result</c>, each segment PascalCase.</summary>
public sealed partial class TestNamingTests
{
    [Fact]
    public void EveryTest_IsNamed_SubjectConditionResult()
    {
        var tests = Path.Combine(RepositoryRoot.Find(), "tests");
        var offenders = new List<string>();
        var seen = 0;
        foreach (var file in Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in TestMethod().Matches(File.ReadAllText(file)))
            {
                seen++;
                var name = match.Groups["name"].Value;
                if (!HouseStyle().IsMatch(name))
                {
                    offenders.Add($"{Path.GetRelativePath(tests, file)}: {name}");
                }
            }
        }

        Assert.True(seen > 500, $"only {seen} tests found under {tests}: the scan is broken");
        Assert.True(offenders.Count == 0, "tests not named Subject_Condition_Result (PascalCase segments):\n" + string.Join('\n', offenders));
    }

    [Theory]
    [InlineData("Pick_FollowsWeights_ByTicket", true)]
    [InlineData("Secret_IsStoredOnlyAsItsHash", true)]
    [InlineData("ProfileKs_OnLargeSamples_IsWithin0Point01OfRawStatistic", true)]
    [InlineData("A_page_without_a_session_redirects", false)]
    [InlineData("UpdateRenameAndTags", false)]
    [InlineData("camelCase_Start", false)]
    public void HouseStyle_AcceptsPascalSegments_AndRefusesSentences(string name, bool accepted) =>
        Assert.Equal(accepted, HouseStyle().IsMatch(name));

    // A [Fact]/[Theory] (plain or skippable), any further attributes, then the method's name.
    [GeneratedRegex(@"\[(Skippable)?(Fact|Theory)[^\]]*\]\s*(\[[^\]]*\]\s*)*(public|internal|private)\s+(static\s+)?(async\s+)?[\w<>]+\s+(?<name>\w+)\s*\(")]
    private static partial Regex TestMethod();

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*(_[A-Z0-9][A-Za-z0-9]*)+$")]
    private static partial Regex HouseStyle();
}
