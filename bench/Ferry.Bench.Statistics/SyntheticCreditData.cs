using Ferry.Statistics.Profiles;

namespace Ferry.Bench.Statistics;

/// <summary>In-memory credit-like columns for the micro-benchmarks (the end-to-end run reads bench/monitoring's CSV).</summary>
internal static class SyntheticCreditData
{
    private static readonly string[] Purposes = ["car", "home", "education", "debt_consolidation", "business"];
    private static readonly string[] Ownership = ["rent", "own", "mortgage"];

    public static (ReferenceColumnData[] Reference, ReferenceColumnData[] Current) Generate(int referenceRows, int currentRows, int seed)
    {
        var random = new Random(seed);
        return (Columns(random, referenceRows, shift: 0), Columns(random, currentRows, shift: 1));
    }

    public static DatasetProfile[] FoldIntoBuckets(ProfileSchema schema, ReferenceColumnData[] columns, int buckets)
    {
        var rows = columns[0].Kind == ColumnKind.Numeric ? columns[0].Numbers!.Length : columns[0].Categories!.Length;
        var profiles = Enumerable.Range(0, buckets).Select(_ => DatasetProfile.Empty(schema)).ToArray();
        foreach (var column in columns)
        {
            for (var row = 0; row < rows; row++)
            {
                var target = profiles[(long)row * buckets / rows].Columns[column.Name];
                if (column.Kind == ColumnKind.Numeric)
                {
                    target.AddNumber(column.Numbers![row]);
                }
                else
                {
                    target.AddCategory(column.Categories![row]);
                }
            }
        }

        for (var bucket = 0; bucket < buckets; bucket++)
        {
            profiles[bucket].AddRowCount(((long)(bucket + 1) * rows / buckets) - ((long)bucket * rows / buckets));
        }

        return profiles;
    }

    private static ReferenceColumnData[] Columns(Random random, int rows, double shift)
    {
        ReferenceColumnData Numeric(string name, Func<double> next) =>
            new(name, ColumnKind.Numeric, [.. Enumerable.Range(0, rows).Select(_ => next())], null);
        ReferenceColumnData Categorical(string name, Func<string> next) =>
            new(name, ColumnKind.Categorical, null, [.. Enumerable.Range(0, rows).Select(_ => next())]);
        double Normal() => Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

        return
        [
            Numeric("age", () => Math.Round(Math.Clamp(40 + (12 * Normal()), 18, 90))),
            Numeric("income", () => 50_000 * Math.Exp((0.5 * Normal()) - (0.1 * shift))),
            Numeric("employment_years", () => -6 * Math.Log(1 - random.NextDouble())),
            Numeric("debt_to_income", () => Math.Clamp(0.3 + (0.05 * shift) + (0.1 * Normal()), 0, 1)),
            Numeric("credit_utilisation", () => random.NextDouble()),
            Numeric("open_accounts", () => Math.Round(Math.Max(0, 6 + (3 * Normal())))),
            Numeric("delinquencies", () => Math.Floor(-Math.Log(1 - random.NextDouble()) / 1.5)),
            Numeric("loan_amount", () => 12_000 * Math.Exp(0.6 * Normal())),
            Categorical("term", () => random.NextDouble() < 0.7 ? "36" : "60"),
            Categorical("purpose", () => Purposes[random.Next(Purposes.Length)]),
            Categorical("home_ownership", () => Ownership[random.Next(Ownership.Length)]),
            Categorical("region", () => $"r{random.Next(10)}"),
        ];
    }
}
