namespace CreditRisk.Data;

/// <summary>
/// Draws synthetic loan applications. Deterministic: the same <see cref="PopulationOptions"/> (seed included) and
/// count give the same rows, and the first <c>n</c> rows of a longer draw equal a draw of <c>n</c>.
/// </summary>
public static class CreditRiskGenerator
{
    /// <summary>Draws <paramref name="count"/> applications.</summary>
    public static IReadOnlyList<LoanApplication> Generate(int count, PopulationOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return [.. Stream(options).Take(count)];
    }

    /// <summary>An endless, deterministic stream of applications.</summary>
    public static IEnumerable<LoanApplication> Stream(PopulationOptions? options = null)
    {
        options ??= PopulationOptions.Baseline();
#pragma warning disable CA5394 // Synthetic data, not security: a seeded System.Random is exactly what is wanted.
        var random = new Random(options.Seed);
        while (true)
        {
            yield return Next(random, options);
        }
#pragma warning restore CA5394
    }

#pragma warning disable CA5394
    private static LoanApplication Next(Random random, PopulationOptions options)
    {
        var age = (float)Math.Round(Clamp(Normal(random, 42, 12), 21, 80));
        var baseIncome = Math.Exp(Normal(random, Math.Log(55000), 0.45)) * (0.8 + (0.01 * Math.Min(age - 21, 25)));
        var income = (float)Math.Round(Clamp(baseIncome, 12000, 400000) * options.IncomeFactor, 0);
        var employment = (float)Math.Round(Clamp(Normal(random, (age - 21) * 0.3, 3.5), 0, age - 18), 1);
        // Debt payments are drawn against the income before any shock, so a shock raises debt-to-income.
        var baseDti = Clamp(Normal(random, 0.30, 0.12), 0.01, 0.95);
        var dti = (float)Math.Round(Math.Min(baseDti / options.IncomeFactor, 1.5), 3);
        var utilization = (float)Math.Round(Clamp(Normal(random, 0.35, 0.2), 0, 1), 3);
        var openAccounts = (float)Math.Round(Clamp(Normal(random, 8, 3), 0, 30));
        var delinquencies = 0f;
        while (delinquencies < 10 && random.NextDouble() < 0.22)
        {
            delinquencies++;
        }

        var loanAmount = (float)(Math.Round(Clamp(Math.Exp(Normal(random, Math.Log(15000), 0.6)), 1000, 100000) / 100) * 100);
        var term = random.NextDouble() < 0.7 ? 36f : 60f;
        var purpose = random.NextDouble() < options.NewPurposeShare
            ? Categories.NewPurpose
            : Pick(random, Categories.Purposes, Categories.PurposeWeights);
        var home = Pick(random, Categories.HomeOwnerships, Categories.HomeOwnershipWeights);
        var region = Pick(random, Categories.Regions, Categories.RegionWeights);

        var application = new LoanApplication(age, income, employment, dti, utilization, openAccounts, delinquencies,
            loanAmount, term, purpose, home, region, 0, false);
        var probability = GroundTruth.DefaultProbability(application);
        return application with { DefaultProbability = probability, Default = random.NextDouble() < probability };
    }

    private static double Normal(Random random, double mean, double sd)
    {
        // Box–Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + (sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    private static string Pick(Random random, IReadOnlyList<string> values, IReadOnlyList<double> weights)
    {
        var x = random.NextDouble() * weights.Sum();
        for (var i = 0; i < values.Count; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return values[i];
            }
        }

        return values[^1];
    }
#pragma warning restore CA5394

    private static double Clamp(double value, double min, double max) => Math.Max(min, Math.Min(max, value));
}
