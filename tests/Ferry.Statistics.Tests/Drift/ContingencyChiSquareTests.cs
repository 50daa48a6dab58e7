using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

/// <summary>
/// The chi-square test of homogeneity monitors use on categories, against scipy 1.10:
/// <c>scipy.stats.chi2_contingency(table, correction=False)</c> (statistic, p-value, dof printed with repr).
/// </summary>
public sealed class ContingencyChiSquareTests
{
    [Fact]
    public void SevenCategories_MatchScipy()
    {
        // chi2_contingency([[380,220,120,100,60,70,50],[200,101,70,40,35,30,24]], correction=False)
        var result = ContingencyChiSquare.Test([380, 220, 120, 100, 60, 70, 50], [200, 101, 70, 40, 35, 30, 24]);
        Assert.Equal(4.3840463074226665, result.Statistic, 1e-12);
        Assert.Equal(0.6248534569592354, result.PValue, 1e-12);
        Assert.Equal(6, result.DegreesOfFreedom);
    }

    [Fact]
    public void CategoryUnseenInReference_KeepsStatisticFinite_AndMatchesScipy()
    {
        // chi2_contingency([[30,0,70],[10,5,85]], correction=False)
        var result = ContingencyChiSquare.Test([30, 0, 70], [10, 5, 85]);
        Assert.Equal(16.451612903225808, result.Statistic, 1e-12);
        Assert.Equal(1.0, result.PValue / 0.0002676564101636414, 1e-9);
        Assert.Equal(2, result.DegreesOfFreedom);
    }

    [Fact]
    public void CategoriesEmptyInBothRows_AreLeftOut()
    {
        // chi2_contingency([[30,70],[10,85]], correction=False) = 11.33085738539898, p 0.0007622969733162414, dof 1
        var result = ContingencyChiSquare.Test([30, 0, 70], [10, 0, 85]);
        Assert.Equal(11.33085738539898, result.Statistic, 1e-12);
        Assert.Equal(1.0, result.PValue / 0.0007622969733162414, 1e-9);
        Assert.Equal(1, result.DegreesOfFreedom);
    }
}
