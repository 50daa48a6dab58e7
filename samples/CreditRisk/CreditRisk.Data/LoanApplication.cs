namespace CreditRisk.Data;

/// <summary>One synthetic loan application with its (simulated) outcome.</summary>
/// <param name="Age">Applicant age in years (21–80).</param>
/// <param name="Income">Yearly income.</param>
/// <param name="EmploymentYears">Years with the current employer.</param>
/// <param name="DebtToIncome">Monthly debt payments over monthly income (0.01–1.5).</param>
/// <param name="CreditUtilization">Revolving balance over revolving limit (0–1).</param>
/// <param name="OpenAccounts">Open credit lines.</param>
/// <param name="Delinquencies">Delinquencies in the last two years.</param>
/// <param name="LoanAmount">Requested amount.</param>
/// <param name="Term">Term in months: 36 or 60.</param>
/// <param name="Purpose">One of <see cref="Categories.Purposes"/> (or <see cref="Categories.NewPurpose"/> in a drifted population).</param>
/// <param name="HomeOwnership">One of <see cref="Categories.HomeOwnerships"/>.</param>
/// <param name="Region">One of <see cref="Categories.Regions"/>.</param>
/// <param name="DefaultProbability">The ground-truth probability of default (<see cref="GroundTruth"/>).</param>
/// <param name="Default">The outcome drawn from <paramref name="DefaultProbability"/>.</param>
public sealed record LoanApplication(
    float Age,
    float Income,
    float EmploymentYears,
    float DebtToIncome,
    float CreditUtilization,
    float OpenAccounts,
    float Delinquencies,
    float LoanAmount,
    float Term,
    string Purpose,
    string HomeOwnership,
    string Region,
    double DefaultProbability,
    bool Default)
{
    /// <summary>The 12 features as a request record (feature name → value), as Ferry's predict route takes it.</summary>
    public IReadOnlyDictionary<string, object?> ToRecord() => new Dictionary<string, object?>(12, StringComparer.Ordinal)
    {
        ["age"] = (double)Age,
        ["income"] = (double)Income,
        ["employment_years"] = (double)EmploymentYears,
        ["debt_to_income"] = (double)DebtToIncome,
        ["credit_utilization"] = (double)CreditUtilization,
        ["open_accounts"] = (double)OpenAccounts,
        ["delinquencies"] = (double)Delinquencies,
        ["loan_amount"] = (double)LoanAmount,
        ["term"] = (double)Term,
        ["purpose"] = Purpose,
        ["home_ownership"] = HomeOwnership,
        ["region"] = Region,
    };

    /// <summary>The outcome as the served model's label: <c>true</c> (defaulted) or <c>false</c>.</summary>
    public string OutcomeLabel => Default ? "true" : "false";

    /// <summary>The 12 feature names, in order, as a served model's signature lists them.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "age", "income", "employment_years", "debt_to_income", "credit_utilization", "open_accounts",
        "delinquencies", "loan_amount", "term", "purpose", "home_ownership", "region",
    ];
}

/// <summary>The values of the categorical features.</summary>
public static class Categories
{
    /// <summary>Loan purposes of the baseline population.</summary>
    public static IReadOnlyList<string> Purposes { get; } =
        ["debt_consolidation", "credit_card", "home_improvement", "car", "small_business", "medical", "education"];

    /// <summary>How often each baseline purpose occurs (same order as <see cref="Purposes"/>).</summary>
    public static IReadOnlyList<double> PurposeWeights { get; } = [0.38, 0.22, 0.12, 0.1, 0.06, 0.07, 0.05];

    /// <summary>The purpose that appears only in the "new loan purpose" drifted population.</summary>
    public const string NewPurpose = "crypto_investment";

    /// <summary>Home ownership values.</summary>
    public static IReadOnlyList<string> HomeOwnerships { get; } = ["rent", "mortgage", "own"];

    /// <summary>How often each home ownership value occurs.</summary>
    public static IReadOnlyList<double> HomeOwnershipWeights { get; } = [0.4, 0.45, 0.15];

    /// <summary>Regions.</summary>
    public static IReadOnlyList<string> Regions { get; } = ["north", "south", "east", "west"];

    /// <summary>How often each region occurs.</summary>
    public static IReadOnlyList<double> RegionWeights { get; } = [0.3, 0.25, 0.25, 0.2];
}
