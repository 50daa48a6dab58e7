using CreditRisk.Data;
using Ferry.Core.Monitoring;
using Ferry.Statistics.Drift;
using Xunit;

namespace Ferry.Core.Tests.Monitoring;

/// <summary>
/// Drift checks on the credit-risk generator: undrifted windows raise no more alarms than the false-alarm rate allows,
/// and an economic shock with a new loan purpose flags exactly the features it shifts (income, and debt-to-income
/// through it, and purpose).
/// </summary>
public sealed class CreditRiskDriftTests
{
    private static readonly string[] Shifted = ["debt_to_income", "income", "purpose"];
    private static readonly MonitorSpec DriftOnly = new() { MinRows = 1, Quality = null, Drift = new DriftCheckSpec { Prediction = false } };

    [Fact]
    public void SmallReference_UsesPValueTests_And100UndriftedWindowsStayWithin5PercentFalseAlarmRate()
    {
        var reference = CreditRiskProfiles.Reference(CreditRiskGenerator.Generate(1_000, PopulationOptions.Baseline(seed: 1)));
        var featureAlarms = 0;
        var datasetAlarms = 0;
        var tests = 0;
        for (var window = 0; window < 100; window++)
        {
            var current = CreditRiskProfiles.Window(reference, CreditRiskGenerator.Generate(500, PopulationOptions.Baseline(seed: 1_000 + window)));
            var drift = MonitorEvaluator.Evaluate(DriftOnly, "credit", 1, reference, current, null).Drift!.Features;
            Assert.All(drift.Columns, c => Assert.True(c.Method is DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquare or DriftMethod.ZTest, $"{c.Column}: {c.Method}"));
            tests += drift.Columns.Count;
            featureAlarms += drift.DriftedColumns;
            datasetAlarms += drift.Drifted ? 1 : 0;
        }

        // 1,200 tests at p < 0.05: 60 false alarms expected; allow the binomial mean + 3 standard deviations (≈ 82.6).
        Assert.Equal(1_200, tests);
        Assert.InRange(featureAlarms, 0, (int)(60 + (3 * Math.Sqrt(1_200 * 0.05 * 0.95))));
        // Half the columns drifting at once by chance: P ≈ 2e-5 per window.
        Assert.Equal(0, datasetAlarms);
    }

    [Fact]
    public void LargeReference_UsesDistances_And100UndriftedWindowsOf5000RowsRaiseNoAlarm()
    {
        var reference = CreditRiskProfiles.Reference(CreditRiskGenerator.Generate(10_000, PopulationOptions.Baseline(seed: 2)));
        var alarms = new List<string>();
        for (var window = 0; window < 100; window++)
        {
            var current = CreditRiskProfiles.Window(reference, CreditRiskGenerator.Generate(5_000, PopulationOptions.Baseline(seed: 5_000 + window)));
            var drift = MonitorEvaluator.Evaluate(DriftOnly, "credit", 1, reference, current, null).Drift!.Features;
            Assert.All(drift.Columns, c => Assert.True(c.Method is DriftMethod.Wasserstein or DriftMethod.JensenShannon, $"{c.Column}: {c.Method}"));
            alarms.AddRange(drift.Columns.Where(c => c.Drifted).Select(c => $"window {window}: {c.Column} {c.Score}"));
        }

        Assert.Empty(alarms);
    }

    [Fact]
    public void LargeReference_FlagsExactlyTheShiftedFeatures_UnderIncomeShockAndNewPurpose()
    {
        var reference = CreditRiskProfiles.Reference(CreditRiskGenerator.Generate(10_000, PopulationOptions.Baseline(seed: 2)));
        var shock = new PopulationOptions { Seed = 77, IncomeFactor = 0.7, NewPurposeShare = 0.25 };
        var current = CreditRiskProfiles.Window(reference, CreditRiskGenerator.Generate(2_000, shock));

        var report = MonitorEvaluator.Evaluate(DriftOnly, "credit", 1, reference, current, null);

        var drift = report.Drift!.Features;
        Assert.Equal(Shifted, drift.Columns.Where(c => c.Drifted).Select(c => c.Column).Order(StringComparer.Ordinal));
        Assert.Equal(3, drift.DriftedColumns);
        Assert.False(drift.Drifted); // 3 of 12 < 50%
        Assert.Contains(report.Checks, c => c.Key == "drift:income" && !c.Passed && c.Message.Contains("income drifted", StringComparison.Ordinal));
        Assert.Contains(report.Checks, c => c.Key == "drift:age" && c.Passed);
    }

    [Fact]
    public void SmallReference_FlagsEveryShiftedFeature_WithTinyPValue()
    {
        var reference = CreditRiskProfiles.Reference(CreditRiskGenerator.Generate(1_000, PopulationOptions.Baseline(seed: 1)));
        var shock = new PopulationOptions { Seed = 78, IncomeFactor = 0.7, NewPurposeShare = 0.25 };
        var current = CreditRiskProfiles.Window(reference, CreditRiskGenerator.Generate(500, shock));

        var drift = MonitorEvaluator.Evaluate(DriftOnly, "credit", 1, reference, current, null).Drift!.Features;

        foreach (var column in Shifted)
        {
            var result = drift.Columns.Single(c => c.Column == column);
            Assert.True(result.Drifted, column);
            Assert.True(result.PValue < 1e-6, $"{column}: p = {result.PValue}");
        }
    }

    [Fact]
    public void UnseenPurpose_IsDataQualityFailure_WithItsRate()
    {
        var reference = CreditRiskProfiles.Reference(CreditRiskGenerator.Generate(2_000, PopulationOptions.Baseline(seed: 3)));
        var current = CreditRiskProfiles.Window(reference, CreditRiskGenerator.Generate(1_000, PopulationOptions.NewLoanPurpose(seed: 9)));

        var report = MonitorEvaluator.Evaluate(new MonitorSpec { MinRows = 1, Drift = null }, "credit", 1, reference, current, null);

        var unseen = report.Checks.Single(c => c.Key == "quality:unseen:purpose");
        Assert.False(unseen.Passed);
        var count = report.Quality!.Single(q => q.Column == "purpose").UnseenCategories;
        Assert.Equal(count / 1_000.0, unseen.Value, 12);
        Assert.InRange(unseen.Value, 0.2, 0.3); // NewLoanPurpose: 25% of applications
        Assert.True(report.Checks.Single(c => c.Key == "quality:unseen:region").Passed);
    }
}
