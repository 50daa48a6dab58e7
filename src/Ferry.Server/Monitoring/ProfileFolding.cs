using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Statistics.Profiles;

namespace Ferry.Server.Monitoring;

/// <summary>Folds served rows (the validated batch and the model's answer) into a profile.</summary>
public static class ProfileFolding
{
    /// <summary>A boolean as a category.</summary>
    public static string Text(bool value) => value ? "true" : "false";

    /// <summary>A layout for a version without a reference: column kinds only (one numeric bin, no known categories).</summary>
    public static ProfileSchema KindsOnly(IReadOnlyList<FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var columns = new List<ReferenceColumnData>();
        foreach (var feature in features)
        {
            columns.Add(feature.Kind is FeatureKind.Text or FeatureKind.Boolean
                ? new ReferenceColumnData(feature.Name, ColumnKind.Categorical, null, [])
                : new ReferenceColumnData(feature.Name, ColumnKind.Numeric, [], null));
        }

        columns.Add(new ReferenceColumnData(ProfileColumns.Score, ColumnKind.Numeric, [], null));
        columns.Add(new ReferenceColumnData(ProfileColumns.Label, ColumnKind.Categorical, null, []));
        return ReferenceProfile.Build(columns).Schema;
    }

    /// <summary>Adds every row of <paramref name="batch"/> and its answer to <paramref name="profile"/>.</summary>
    public static void Fold(DatasetProfile profile, FeatureBatch batch, InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(result);
        foreach (var (name, values) in batch.Columns)
        {
            if (profile.Columns.TryGetValue(name, out var column))
            {
                FoldColumn(column, values);
            }
        }

        if (profile.Columns.TryGetValue(ProfileColumns.Score, out var score))
        {
            foreach (var row in result.Rows)
            {
                if (row.Score is { } s)
                {
                    score.AddNumber(s);
                }
            }
        }

        if (profile.Columns.TryGetValue(ProfileColumns.Label, out var label))
        {
            foreach (var row in result.Rows)
            {
                if (row.Label is { } l)
                {
                    label.AddCategory(l);
                }
            }
        }

        profile.AddRowCount(batch.RowCount);
    }

    private static void FoldColumn(ColumnProfile column, Array values)
    {
        var numeric = column.Kind == ColumnKind.Numeric;
        switch (values)
        {
            case double[] numbers when numeric:
                foreach (var v in numbers)
                {
                    column.AddNumber(v);
                }

                break;
            case long[] whole when numeric:
                foreach (var v in whole)
                {
                    column.AddNumber(v);
                }

                break;
            case string[] text when !numeric:
                foreach (var v in text)
                {
                    column.AddCategory(v);
                }

                break;
            case bool[] flags when !numeric:
                foreach (var v in flags)
                {
                    column.AddCategory(Text(v));
                }

                break;
            default:
                // The served type does not match the reference's kind: every value is a schema violation.
                for (var i = 0; i < values.Length; i++)
                {
                    column.AddInvalid();
                }

                break;
        }
    }
}
