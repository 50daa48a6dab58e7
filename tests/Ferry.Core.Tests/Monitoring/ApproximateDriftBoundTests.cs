using Ferry.Core.Monitoring;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;
using Xunit;

namespace Ferry.Core.Tests.Monitoring;

/// <summary>The error bounds of drift from profiles hold the exact statistics computed from the raw values.</summary>
public sealed class ApproximateDriftBoundTests
{
    public static TheoryData<string, int> Shapes => new()
    {
        { "narrow far from zero", 1 },
        { "lognormal", 2 },
        { "both signs with zeros", 3 },
        { "few distinct values", 4 },
        { "narrow far from zero", 5 },
        { "lognormal", 6 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void KolmogorovSmirnovAndWasserstein_ExactValuesLieWithinTheBound(string shape, int seed)
    {
        var random = new Random(seed);
        var reference = Sample(shape, random, 900, shift: 0);
        var current = Sample(shape, random, 700, shift: 0.04);
        var profile = ReferenceProfile.Build([new ReferenceColumnData("x", ColumnKind.Numeric, reference, null)]);
        var window = DatasetProfile.Empty(profile.Schema);
        foreach (var value in current)
        {
            window.Columns["x"].AddNumber(value);
        }

        foreach (var method in new[] { DriftMethod.KolmogorovSmirnov, DriftMethod.Wasserstein })
        {
            var options = new DriftTestOptions { Method = method };
            var approximate = ApproximateDrift.Test(profile, window.Columns["x"], options);
            var exact = ExactDrift.TestNumeric("x", reference, current, profile.Schema.Columns[0].BinEdges, options);
            Assert.Equal(method, approximate.Method);
            Assert.False(approximate.Exact);
            var bound = approximate.ErrorBound!;
            Assert.InRange(exact.Score, bound.ScoreLow!.Value - 1e-12, bound.ScoreHigh!.Value + 1e-12);
            if (method == DriftMethod.KolmogorovSmirnov)
            {
                Assert.InRange(exact.PValue!.Value, (bound.PValueLow!.Value * (1 - 1e-9)) - 1e-300, (bound.PValueHigh!.Value * (1 + 1e-9)) + 1e-300);
            }
        }
    }

    private static double[] Sample(string shape, Random random, int n, double shift)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = shape switch
            {
                "narrow far from zero" => 700 + (50 * (normal + shift)),
                "lognormal" => Math.Exp(normal + shift),
                "both signs with zeros" => i % 17 == 0 ? 0 : normal + shift,
                _ => Math.Round(3 + normal + shift),
            };
        }

        return values;
    }
}
