namespace CreditRisk.Data;

/// <summary>
/// The documented logistic model that decides defaults. With <c>z</c> the sum below, the probability of default is
/// <c>1 / (1 + e^-z)</c>:
/// <code>
/// z = -2.6
///     - 0.02 * (age - 40)
///     - 0.9  * ln(income / 55000)
///     - 0.05 * min(employment_years, 20)
///     + 3.0  * (debt_to_income - 0.30)
///     + 2.0  * (credit_utilization - 0.35)
///     + 0.03 * (open_accounts - 8)
///     + 0.5  * delinquencies
///     + 0.3  * ln(loan_amount / 15000)
///     + 0.35 * [term = 60]
///     + purpose effect  (debt_consolidation 0.15, credit_card 0.1, home_improvement -0.15, car -0.1,
///                        small_business 0.55, medical 0.25, education 0.2, crypto_investment 0.9)
///     + home effect     (rent 0.2, mortgage -0.1, own -0.3)
///     + region effect   (north -0.1, south 0.1, east 0, west -0.05)
/// </code>
/// The baseline population defaults at roughly 10–15%.
/// </summary>
public static class GroundTruth
{
    private static readonly Dictionary<string, double> PurposeEffect = new(StringComparer.Ordinal)
    {
        ["debt_consolidation"] = 0.15,
        ["credit_card"] = 0.1,
        ["home_improvement"] = -0.15,
        ["car"] = -0.1,
        ["small_business"] = 0.55,
        ["medical"] = 0.25,
        ["education"] = 0.2,
        [Categories.NewPurpose] = 0.9,
    };

    private static readonly Dictionary<string, double> HomeEffect = new(StringComparer.Ordinal)
    {
        ["rent"] = 0.2,
        ["mortgage"] = -0.1,
        ["own"] = -0.3,
    };

    private static readonly Dictionary<string, double> RegionEffect = new(StringComparer.Ordinal)
    {
        ["north"] = -0.1,
        ["south"] = 0.1,
        ["east"] = 0,
        ["west"] = -0.05,
    };

    /// <summary>The log-odds of default for an application (the <c>z</c> above).</summary>
    public static double LogOdds(LoanApplication a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return -2.6
            - (0.02 * (a.Age - 40))
            - (0.9 * Math.Log(a.Income / 55000.0))
            - (0.05 * Math.Min(a.EmploymentYears, 20))
            + (3.0 * (a.DebtToIncome - 0.30))
            + (2.0 * (a.CreditUtilization - 0.35))
            + (0.03 * (a.OpenAccounts - 8))
            + (0.5 * a.Delinquencies)
            + (0.3 * Math.Log(a.LoanAmount / 15000.0))
            + (a.Term >= 60 ? 0.35 : 0)
            + PurposeEffect.GetValueOrDefault(a.Purpose)
            + HomeEffect.GetValueOrDefault(a.HomeOwnership)
            + RegionEffect.GetValueOrDefault(a.Region);
    }

    /// <summary>The probability of default, <c>1 / (1 + e^-z)</c>.</summary>
    public static double DefaultProbability(LoanApplication application) => 1.0 / (1.0 + Math.Exp(-LogOdds(application)));
}
