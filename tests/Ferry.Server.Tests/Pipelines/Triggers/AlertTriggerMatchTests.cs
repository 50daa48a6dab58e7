using Ferry.Server.Pipelines.Triggers;
using Xunit;

namespace Ferry.Server.Tests.Pipelines.Triggers;

/// <summary>Which alert check keys (as the monitor evaluator, oversight and the loop write them) a pipeline's alert prefixes select.</summary>
public sealed class AlertTriggerMatchTests
{
    [Theory]
    [InlineData("drift", "drift:income", true)]
    [InlineData("drift", "drift:dataset", true)]
    [InlineData("drift", "drift:prediction", true)]
    [InlineData("DRIFT", "drift:income", true)]
    [InlineData("drift:", "drift:income", true)]
    [InlineData("drift:income", "drift:income", true)]
    [InlineData("drift:income", "drift:income_band", false)]
    [InlineData("drift:income", "drift:age", false)]
    [InlineData("dri", "drift:income", false)]
    [InlineData("drift", "quality:missing:income", false)]
    [InlineData("quality", "quality:out_of_range:age", true)]
    [InlineData("quality:missing", "quality:missing:age", true)]
    [InlineData("quality:missing", "quality:invalid:age", false)]
    [InlineData("performance", "performance:roc_auc", true)]
    [InlineData("performance", "estimated:roc_auc", false)]
    [InlineData("cbpe", "estimated:roc_auc", true)]
    [InlineData("estimated", "estimated:accuracy", true)]
    [InlineData("cbpe", "performance:roc_auc", false)]
    [InlineData("", "drift:income", false)]
    [InlineData("  ", "drift:income", false)]
    [InlineData("suspended", "suspended:credit", true)]
    public void Matches_PrefixAndCheckKey_SelectsByWholeParts(string prefix, string checkKey, bool expected) =>
        Assert.Equal(expected, AlertTriggerMatch.Matches(prefix, checkKey));

    [Fact]
    public void FirstMatch_NoPrefixes_MatchesNothing()
    {
        Assert.Null(AlertTriggerMatch.FirstMatch([], "drift:income"));
        Assert.Null(AlertTriggerMatch.FirstMatch(null, "drift:income"));
        Assert.Equal("drift", AlertTriggerMatch.FirstMatch(["quality", "drift"], "drift:income"));
    }
}
