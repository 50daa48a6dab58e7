using Ferry.Statistics.Profiles;

namespace Ferry.Testing;

/// <summary>Dataset profiles of one numeric column, <c>income</c>, for tests of how profiles are stored and merged.</summary>
public static class IncomeProfiles
{
    /// <summary>A layout of the one column with <paramref name="edges"/> as its bin edges (none: a layout without bins).</summary>
    public static ProfileSchema Layout(params double[] edges) =>
        new([ColumnSchema.Numeric("income", edges, edges.Length == 0 ? double.NaN : edges[0], edges.Length == 0 ? double.NaN : edges[^1])]);

    /// <summary>A profile of <paramref name="schema"/> holding one row per income.</summary>
    public static DatasetProfile Profile(ProfileSchema schema, params double[] incomes)
    {
        var profile = DatasetProfile.Empty(schema);
        foreach (var income in incomes)
        {
            profile.Columns["income"].AddNumber(income);
        }

        profile.AddRowCount(incomes.Length);
        return profile;
    }
}
