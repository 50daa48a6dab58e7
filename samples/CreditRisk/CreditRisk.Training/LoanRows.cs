using CreditRisk.Data;
using Microsoft.ML.Data;

namespace CreditRisk.Training;

/// <summary>The 12 features as ML.NET columns, named as the served model's signature lists them.</summary>
public class LoanFeatures
{
    /// <summary>Age in years.</summary>
    [ColumnName("age")]
    public float Age { get; set; }

    /// <summary>Yearly income.</summary>
    [ColumnName("income")]
    public float Income { get; set; }

    /// <summary>Years with the current employer.</summary>
    [ColumnName("employment_years")]
    public float EmploymentYears { get; set; }

    /// <summary>Debt payments over income.</summary>
    [ColumnName("debt_to_income")]
    public float DebtToIncome { get; set; }

    /// <summary>Revolving balance over limit.</summary>
    [ColumnName("credit_utilization")]
    public float CreditUtilization { get; set; }

    /// <summary>Open credit lines.</summary>
    [ColumnName("open_accounts")]
    public float OpenAccounts { get; set; }

    /// <summary>Recent delinquencies.</summary>
    [ColumnName("delinquencies")]
    public float Delinquencies { get; set; }

    /// <summary>Requested amount.</summary>
    [ColumnName("loan_amount")]
    public float LoanAmount { get; set; }

    /// <summary>Term in months.</summary>
    [ColumnName("term")]
    public float Term { get; set; }

    /// <summary>Loan purpose.</summary>
    [ColumnName("purpose")]
    public string Purpose { get; set; } = string.Empty;

    /// <summary>Home ownership.</summary>
    [ColumnName("home_ownership")]
    public string HomeOwnership { get; set; } = string.Empty;

    /// <summary>Region.</summary>
    [ColumnName("region")]
    public string Region { get; set; } = string.Empty;
}

/// <summary>A training row: the features and the label.</summary>
public sealed class LoanRow : LoanFeatures
{
    /// <summary>True when the loan defaulted.</summary>
    [ColumnName("default")]
    public bool Default { get; set; }

    /// <summary>The same row with another outcome.</summary>
    public LoanRow WithDefault(bool value)
    {
        var copy = (LoanRow)MemberwiseClone();
        copy.Default = value;
        return copy;
    }

    /// <summary>The features as the endpoint receives them (the record a client sends).</summary>
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

    /// <summary>Copies a generated application.</summary>
    public static LoanRow From(LoanApplication a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new LoanRow
        {
            Age = a.Age,
            Income = a.Income,
            EmploymentYears = a.EmploymentYears,
            DebtToIncome = a.DebtToIncome,
            CreditUtilization = a.CreditUtilization,
            OpenAccounts = a.OpenAccounts,
            Delinquencies = a.Delinquencies,
            LoanAmount = a.LoanAmount,
            Term = a.Term,
            Purpose = a.Purpose,
            HomeOwnership = a.HomeOwnership,
            Region = a.Region,
            Default = a.Default,
        };
    }
}
