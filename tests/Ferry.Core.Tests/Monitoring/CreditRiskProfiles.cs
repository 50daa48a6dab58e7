using CreditRisk.Data;
using Ferry.Statistics.Profiles;

namespace Ferry.Core.Tests.Monitoring;

/// <summary>Credit-risk applications as reference data and as window profiles (features only).</summary>
internal static class CreditRiskProfiles
{
    private static readonly string[] Categorical = ["purpose", "home_ownership", "region"];

    public static ReferenceProfile Reference(IReadOnlyList<LoanApplication> rows) =>
        ReferenceProfile.Build([.. LoanApplication.FeatureNames.Select(name => Categorical.Contains(name)
            ? new ReferenceColumnData(name, ColumnKind.Categorical, null, [.. rows.Select(r => (string?)r.ToRecord()[name])])
            : new ReferenceColumnData(name, ColumnKind.Numeric, [.. rows.Select(r => (double)r.ToRecord()[name]!)], null))]);

    public static DatasetProfile Window(ReferenceProfile reference, IEnumerable<LoanApplication> rows)
    {
        var profile = DatasetProfile.Empty(reference.Schema);
        long count = 0;
        foreach (var row in rows)
        {
            foreach (var (name, value) in row.ToRecord())
            {
                var column = profile.Columns[name];
                if (value is string text)
                {
                    column.AddCategory(text);
                }
                else
                {
                    column.AddNumber((double)value!);
                }
            }

            count++;
        }

        profile.AddRowCount(count);
        return profile;
    }
}
