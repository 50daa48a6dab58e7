using CreditRisk.Data;

namespace Ferry.Client.Tests;

/// <summary>The synthetic generator: deterministic per seed, documented ground truth, drifted populations that drift.</summary>
public sealed class CreditRiskDataTests
{
    [Fact]
    public void SameSeed_GivesSameRows_AndAnotherSeedOtherRows()
    {
        var first = CreditRiskGenerator.Generate(500, PopulationOptions.Baseline(7));
        var again = CreditRiskGenerator.Generate(500, PopulationOptions.Baseline(7));
        var other = CreditRiskGenerator.Generate(500, PopulationOptions.Baseline(8));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(first.Take(100), CreditRiskGenerator.Generate(100, PopulationOptions.Baseline(7)));
    }

    [Fact]
    public void Features_StayInRange_AndDefaultRateIsPlausible()
    {
        var rows = CreditRiskGenerator.Generate(20_000);

        Assert.All(rows, r =>
        {
            Assert.InRange(r.Age, 21, 80);
            Assert.InRange(r.CreditUtilization, 0, 1);
            Assert.Contains(r.Term, new[] { 36f, 60f });
            Assert.Contains(r.Purpose, Categories.Purposes);
            Assert.Equal(GroundTruth.DefaultProbability(r), r.DefaultProbability, 12);
        });
        Assert.InRange(rows.Count(r => r.Default) / (double)rows.Count, 0.05, 0.25);
        Assert.Equal(12, LoanApplication.FeatureNames.Count);
    }

    [Fact]
    public void EconomicShock_CutsIncomesBy30Percent_AndRaisesDebtToIncomeAndDefaults()
    {
        var baseline = CreditRiskGenerator.Generate(5_000, PopulationOptions.Baseline(3));
        var shock = CreditRiskGenerator.Generate(5_000, PopulationOptions.EconomicShock(3));

        Assert.Equal(0.7, shock.Average(r => r.Income) / baseline.Average(r => r.Income), 2);
        Assert.True(shock.Average(r => r.DebtToIncome) > baseline.Average(r => r.DebtToIncome) * 1.3);
        Assert.True(shock.Average(r => r.DefaultProbability) > baseline.Average(r => r.DefaultProbability));
    }

    [Fact]
    public void NewLoanPurpose_AppearsOnly_InDriftedPopulation()
    {
        var baseline = CreditRiskGenerator.Generate(5_000, PopulationOptions.Baseline(5));
        var drifted = CreditRiskGenerator.Generate(5_000, PopulationOptions.NewLoanPurpose(5));

        Assert.DoesNotContain(baseline, r => r.Purpose == Categories.NewPurpose);
        Assert.InRange(drifted.Count(r => r.Purpose == Categories.NewPurpose) / 5_000.0, 0.22, 0.28);
    }
}
