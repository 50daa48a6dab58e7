using Ferry.Explain.Shap;

namespace Ferry.Explain.Tests;

/// <summary>Brute-force Shapley values on games whose values are known in closed form.</summary>
public sealed class ExactShapleyTests
{
    [Fact]
    public void UnanimityGame_SplitsEqually_AmongItsCarriers()
    {
        // v(S) = 1 iff {0, 2} ⊆ S: players 0 and 2 get ½ each, the others 0.
        var phi = ExactShapley.Values(4, mask => (mask & 0b0101) == 0b0101 ? 1 : 0);
        Assert.Equal([0.5, 0, 0.5, 0], phi);
    }

    [Fact]
    public void GloveGame_MatchesItsTextbookValues()
    {
        // One left glove (player 0), two right gloves (1, 2); a pair is worth 1: φ = (2/3, 1/6, 1/6).
        var phi = ExactShapley.Values(3, mask => (mask & 1) != 0 && (mask & 0b110) != 0 ? 1 : 0);
        Assert.Equal(2.0 / 3, phi[0], 12);
        Assert.Equal(1.0 / 6, phi[1], 12);
        Assert.Equal(1.0 / 6, phi[2], 12);
    }

    [Fact]
    public void AdditiveGames_GiveEachPlayerItsOwnTerm()
    {
        double[] w = [1.5, -2, 0.25];
        var e = ExactShapley.Explain(3, mask => Enumerable.Range(0, 3).Sum(i => (mask & (1UL << i)) != 0 ? w[i] : 0) + 10, "value");
        Assert.Equal(w, e.Attributions);
        Assert.Equal(10, e.BaseValue);
        Assert.Equal(9.75, e.Output);
    }
}
