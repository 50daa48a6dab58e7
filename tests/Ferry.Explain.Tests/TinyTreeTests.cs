using Ferry.Explain.Shap;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Tests;

/// <summary>
/// A two-feature tree worked by hand:
/// <code>
///   node 0: x0 &lt; 0.5 (cover 10; NaN goes left)
///     node 1: x1 &lt; 0.5 (cover 6)
///       node 3: leaf 1 (cover 2)
///       node 4: leaf 3 (cover 4)
///     node 2: leaf 6 (cover 4)
/// </code>
/// Row x = (0, 1) lands in node 4 (f = 3).
/// Path-dependent values: v(∅) = 0.6·(⅓·1 + ⅔·3) + 0.4·6 = 1.4 + 2.4 = 3.8; v({0}) = ⅓·1 + ⅔·3 = 7/3;
/// v({1}) = 0.6·3 + 0.4·6 = 4.2; v({0,1}) = 3.
/// φ0 = ½[(7/3 − 3.8) + (3 − 4.2)] = −4/3; φ1 = ½[(4.2 − 3.8) + (3 − 7/3)] = 8/15; 3.8 − 4/3 + 8/15 = 3.
/// Interventional, one background row b = (1, 0) (f(b) = 6): v(∅) = 6, v({0}) = f(0, 0) = 1, v({1}) = f(1, 1) = 6,
/// v({0,1}) = 3; φ0 = ½[(1 − 6) + (3 − 6)] = −4; φ1 = ½[(6 − 6) + (3 − 1)] = 1; 6 − 4 + 1 = 3.
/// </summary>
public sealed class TinyTreeTests
{
    private static readonly TreeEnsemble Tiny = new(
        [
            new DecisionTree(
                leftChildren: [1, 3, -1, -1, -1],
                rightChildren: [2, 4, -1, -1, -1],
                splitFeatures: [0, 1, 0, 0, 0],
                thresholds: [0.5, 0.5, 0, 0, 0],
                rules: [SplitRule.LessThan, SplitRule.LessThan, SplitRule.LessThan, SplitRule.LessThan, SplitRule.LessThan],
                missingGoesLeft: [true, false, false, false, false],
                leafValues: [0, 0, 6, 1, 3],
                covers: [10, 6, 4, 2, 4]),
        ],
        featureCount: 2,
        baseValues: [0]);

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)] // NaN follows the missing direction (left), like 0
    public void PathDependent_MatchesHandWorkedValues(double x0)
    {
        var e = new PathDependentTreeShap(Tiny).Explain([x0, 1]);
        Assert.Equal(3.8, e.BaseValue, 12);
        Assert.Equal(3.0, e.Output, 12);
        Assert.Equal(-4.0 / 3, e.Attributions[0], 12);
        Assert.Equal(8.0 / 15, e.Attributions[1], 12);
        Assert.Equal(ExplanationMethods.TreePathDependent, e.Method);
        Assert.Equal(ExplanationSpaces.Value, e.Space);
    }

    [Fact]
    public void Interventional_MatchesHandWorkedValues()
    {
        var e = new InterventionalTreeShap(Tiny, [[1, 0]]).Explain([0, 1]);
        Assert.Equal(6, e.BaseValue, 12);
        Assert.Equal(3, e.Output, 12);
        Assert.Equal(-4, e.Attributions[0], 12);
        Assert.Equal(1, e.Attributions[1], 12);
    }

    [Fact]
    public void CoversEstimatedFromRows_CountRowsThroughEachNode()
    {
        var rows = new[] { new double[] { 0, 0 }, [0, 1], [0, 1], [1, 0], [double.NaN, 0] };
        var withCovers = CoverEstimator.WithCovers(Tiny, rows);
        Assert.Equal([5, 4, 1, 2, 2], withCovers.Trees[0].Covers!);
    }

    [Fact]
    public void PathDependent_NeedsCovers()
    {
        var bare = Tiny.WithTrees([Tiny.Trees[0].WithCovers(null!)]);
        Assert.Throws<ArgumentException>(() => new PathDependentTreeShap(bare));
    }

    [Fact]
    public void TreeThatIsNotATree_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new DecisionTree([1, 1, -1], [2, 2, -1], [0, 0, 0], [0, 0, 0],
            [SplitRule.LessThan, SplitRule.LessThan, SplitRule.LessThan], [false, false, false], [0, 0, 0]));
    }
}
