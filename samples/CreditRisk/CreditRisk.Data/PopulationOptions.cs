namespace CreditRisk.Data;

/// <summary>Which population to draw: the baseline, or a drifted one. The same options and seed always give the same rows.</summary>
public sealed record PopulationOptions
{
    /// <summary>The random seed.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Multiplies every income (1 = baseline; 0.7 = an economic shock). Debt payments stay, so debt-to-income rises.</summary>
    public double IncomeFactor { get; init; } = 1.0;

    /// <summary>Share of applications with the purpose <see cref="Categories.NewPurpose"/>, unseen in the baseline (0 = baseline).</summary>
    public double NewPurposeShare { get; init; }

    /// <summary>The training population.</summary>
    public static PopulationOptions Baseline(int seed = 42) => new() { Seed = seed };

    /// <summary>An economic shock: every income 30% lower (debt payments unchanged).</summary>
    public static PopulationOptions EconomicShock(int seed = 42) => new() { Seed = seed, IncomeFactor = 0.7 };

    /// <summary>A new loan purpose (<see cref="Categories.NewPurpose"/>) taking 25% of applications.</summary>
    public static PopulationOptions NewLoanPurpose(int seed = 42) => new() { Seed = seed, NewPurposeShare = 0.25 };
}
