using System.Text.Json;
using Ferry.Statistics.Metrics;
using Ferry.Statistics.Numerics;
using Xunit;

namespace Ferry.Statistics.Tests.Metrics;

/// <summary>
/// The challenger evaluation's paired tests against reference/challenger_cases.json (reference/challenger_reference.py:
/// a numpy/scipy fast DeLong after Sun and Xu 2014, sklearn's roc_auc_score, scipy's binomtest and chi2), and the
/// seeded paired bootstrap's determinism and coverage.
/// </summary>
public sealed class ChallengerTestsTests
{
    private static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Metrics", "reference", "challenger_cases.json"))).RootElement;

    public static TheoryData<string> DeLongCases() => [.. Cases.GetProperty("delong").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(DeLongCases))]
    public void DeLongCompare_ReferenceCase_MatchesFastDeLongAndScikitLearn(string name)
    {
        var c = Cases.GetProperty("delong").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        bool[] labels = [.. c.GetProperty("labels").EnumerateArray().Select(e => e.GetBoolean())];
        double[] a = [.. c.GetProperty("a").EnumerateArray().Select(e => e.GetDouble())];
        double[] b = [.. c.GetProperty("b").EnumerateArray().Select(e => e.GetDouble())];

        var result = DeLong.Compare(labels, a, b);

        Approx.Equal(c.GetProperty("auc_a").GetDouble(), result.AucA);
        Approx.Equal(c.GetProperty("auc_b").GetDouble(), result.AucB);
        Approx.Equal(c.GetProperty("var_a").GetDouble(), result.VarianceA);
        Approx.Equal(c.GetProperty("var_b").GetDouble(), result.VarianceB);
        Approx.Equal(c.GetProperty("cov").GetDouble(), result.Covariance);
        Approx.Equal(c.GetProperty("p_two_sided").GetDouble(), result.TwoSidedPValue());
        Approx.Equal(c.GetProperty("auc_a").GetDouble(), BinaryClassificationMetrics.Compute(labels, a).RocAuc);
    }

    [Fact]
    public void DeLongTwoSidedPValue_IdenticalScores_IsOne()
    {
        bool[] labels = [true, false, true, false, true];
        double[] scores = [0.9, 0.2, 0.4, 0.5, 0.7];

        Assert.Equal(1.0, DeLong.Compare(labels, scores, scores).TwoSidedPValue());
    }

    public static TheoryData<int, int> McNemarCases()
    {
        var data = new TheoryData<int, int>();
        foreach (var c in Cases.GetProperty("mcnemar").EnumerateArray())
        {
            data.Add(c.GetProperty("b").GetInt32(), c.GetProperty("c").GetInt32());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(McNemarCases))]
    public void McNemarTest_DiscordantCounts_MatchScipy(int onlyA, int onlyB)
    {
        var c = Cases.GetProperty("mcnemar").EnumerateArray().Single(e => e.GetProperty("b").GetInt32() == onlyA && e.GetProperty("c").GetInt32() == onlyB);

        var result = McNemar.Test(onlyA, onlyB);

        Assert.Equal(c.GetProperty("exact").GetBoolean(), result.Exact);
        Approx.Equal(c.GetProperty("statistic").GetDouble(), result.Statistic);
        Approx.Equal(c.GetProperty("p").GetDouble(), result.PValue);
    }

    [Fact]
    public void McNemarTest_CorrectnessVectors_CountsOnlyDiscordantRows()
    {
        bool[] a = [true, true, true, false, false, true, true];
        bool[] b = [true, false, false, true, false, true, false];

        var result = McNemar.Test(a, b);

        Assert.Equal((3, 1), (result.OnlyA, result.OnlyB));
        Approx.Equal(0.625, result.PValue); // binomtest(3, 4): 2 × (1 + 4) / 16
    }

    [Fact]
    public void PairedDifferenceBootstrap_SameSeed_SameIntervalAndOtherSeedDiffers()
    {
        var (a, b) = Correctness(400, 0.80, 0.75, 5);
        DifferenceInterval Run(ulong seed) => PairedDifference.Bootstrap(a.Length, rows => Mean(a, rows), rows => Mean(b, rows), higherIsBetter: true, 500, 0.95, seed);

        var first = Run(17);
        var again = Run(17);
        var other = Run(18);

        Assert.Equal(first, again);
        Assert.NotEqual((first.Low, first.High), (other.Low, other.High));
        Assert.Equal(Mean(a, [.. Enumerable.Range(0, a.Length)]) - Mean(b, [.. Enumerable.Range(0, b.Length)]), first.Difference, 1e-15);
        Assert.True(first.Low < first.Difference && first.Difference < first.High, first.ToString());
        Assert.Equal(500, first.Used);
    }

    [Fact]
    public void PairedDifferenceBootstrap_LowerIsBetter_OrientsSoPositiveIsBetter()
    {
        double[] challengerLoss = [0.1, 0.2, 0.1, 0.3, 0.2, 0.1];
        double[] championLoss = [0.4, 0.5, 0.3, 0.6, 0.5, 0.4];

        var result = PairedDifference.Bootstrap(6, rows => Mean(challengerLoss, rows), rows => Mean(championLoss, rows), higherIsBetter: false, 200, 0.9, 3);

        Assert.True(result.Difference > 0 && result.Low > 0, result.ToString());
    }

    [Fact]
    public void PairedDifferenceBootstrap_SimulatedDifference_CoversTheTruthAtAboutItsLevel()
    {
        // 200 simulated test sets of 300 rows: A right with probability 0.80, B with 0.72 (independently), so the true
        // accuracy difference is 0.08. A 90 % interval should hold it in about 90 % of them.
        const int sets = 200;
        var covered = 0;
        for (var s = 0; s < sets; s++)
        {
            var (a, b) = Correctness(300, 0.80, 0.72, (ulong)(1000 + s));
            var result = PairedDifference.Bootstrap(a.Length, rows => Mean(a, rows), rows => Mean(b, rows), higherIsBetter: true, 400, 0.90, (ulong)s);
            covered += result.Low <= 0.08 && 0.08 <= result.High ? 1 : 0;
        }

        var coverage = covered / (double)sets;
        Assert.InRange(coverage, 0.84, 0.95);
    }

    private static (double[] A, double[] B) Correctness(int n, double pA, double pB, ulong seed)
    {
        var random = new SplitMix64(seed);
        var a = new double[n];
        var b = new double[n];
        for (var i = 0; i < n; i++)
        {
            a[i] = random.NextDouble() < pA ? 1 : 0;
            b[i] = random.NextDouble() < pB ? 1 : 0;
        }

        return (a, b);
    }

    private static double Mean(double[] values, int[] rows)
    {
        var sum = 0.0;
        foreach (var r in rows)
        {
            sum += values[r];
        }

        return sum / rows.Length;
    }
}
