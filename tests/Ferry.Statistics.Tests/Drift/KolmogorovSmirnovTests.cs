using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Statistics.Tests.Drift;

public sealed class KolmogorovSmirnovTests
{
    // stats.ks_2samp(a, b) with method='auto' for the named data sets of reference_values.py: sizes up to 10,000 take
    // scipy's exact path, larger ones the asymptotic kstwo.sf(D, round(n1 n2 / (n1 + n2))) path.
    [Theory]
    [InlineData("equal_sizes", 0.175, 0.5786001416508443, true)]
    [InlineData("unequal_sizes", 0.2222222222222222, 0.13872209324195223, true)]
    [InlineData("ties", 0.16666666666666666, 0.7831248516571795, true)]
    [InlineData("large_exact", 0.03233333333333333, 0.16016767571418392, true)]
    [InlineData("tiny", 0.6666666666666666, 0.6, true)]
    [InlineData("asymp_small_en_dmtw", 0.05349999999999999, 0.9249128618651772, false)]
    [InlineData("asymp_small_en_pomeranz", 0.15366666666666662, 0.016579059568200976, false)]
    [InlineData("asymp_small_en_smirnov", 0.3035833333333333, 1.3598939751942657e-08, false)]
    [InlineData("asymp_large_en_pelzgood", 0.013666666666666716, 0.4812280877721664, false)]
    [InlineData("asymp_large_en_smirnov", 0.05166666666666675, 3.8589748398934935e-09, false)]
    public void TwoSample_MatchesScipyKs2samp(string name, double statistic, double pValue, bool exact)
    {
        var (a, b) = Samples(name);
        var result = KolmogorovSmirnov.TwoSample(a, b);
        Approx.Equal(statistic, result.Statistic);
        Approx.Equal(pValue, result.PValue);
        Assert.Equal(exact, result.Exact);
    }

    [Fact]
    public void WeightedSamples_MatchScipy_OnExpandedArrays()
    {
        // stats.ks_2samp(np.repeat([0.5,1.5,2.5,3.5],[3,5,2,4]), np.repeat([1,1.5,3,4],[4,1,6,2]))
        var result = KolmogorovSmirnov.TwoSample(
            [(3.5, 4L), (0.5, 3L), (1.5, 5L), (2.5, 2L)],
            [(1.0, 4L), (1.5, 1L), (3.0, 6L), (4.0, 2L), (9.0, 0L)]);
        Approx.Equal(0.32967032967032966, result.Statistic);
        Approx.Equal(0.37074054132204615, result.PValue);
    }

    [Fact]
    public void IdenticalSamples_HaveStatisticZero_AndPOne()
    {
        var a = TestData.Grid(50, 7, 101);
        var result = KolmogorovSmirnov.TwoSample(a, a);
        Assert.Equal(0.0, result.Statistic);
        Assert.Equal(1.0, result.PValue);
    }

    [Fact]
    public void DisjointEqualSamples_ByHand()
    {
        // D = 1; exact p = 2 / C(2n, n) for n = 3: 2 / 20.
        var result = KolmogorovSmirnov.TwoSample([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]);
        Assert.Equal(1.0, result.Statistic);
        Approx.Equal(0.1, result.PValue, 1e-14);
    }

    [Fact]
    public void EmptyOrNanSamples_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([], [1.0]));
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([double.NaN], [1.0]));
    }

    private static (double[] A, double[] B) Samples(string name) => name switch
    {
        "equal_sizes" => (TestData.Grid(40, 7, 101), TestData.Grid(40, 13, 103, 1.0, 0.1)),
        "unequal_sizes" => (TestData.Grid(60, 7, 101), TestData.Grid(45, 11, 97, 1.2, 0.05)),
        "ties" => (TestData.Grid(30, 3, 7, 7.0), TestData.Grid(25, 2, 5, 5.0, 1.0)),
        "large_exact" => (TestData.Grid(3000, 7919, 10007), TestData.Grid(2000, 104729, 10009, 1.0, 0.03)),
        "tiny" => ([1.0, 2.0, 3.0], [2.5, 4.0]),
        "asymp_small_en_dmtw" => (TestData.Grid(12000, 7919, 10007), TestData.Grid(100, 37, 101, 1.0, 0.05)),
        "asymp_small_en_pomeranz" => (TestData.Grid(12000, 7919, 10007), TestData.Grid(100, 37, 101, 1.0, 0.15)),
        "asymp_small_en_smirnov" => (TestData.Grid(12000, 7919, 10007), TestData.Grid(100, 37, 101, 1.0, 0.3)),
        "asymp_large_en_pelzgood" => (TestData.Grid(15000, 7919, 10007), TestData.Grid(5000, 104729, 10009, 1.0, 0.012)),
        "asymp_large_en_smirnov" => (TestData.Grid(15000, 7919, 10007), TestData.Grid(5000, 104729, 10009, 1.0, 0.05)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
