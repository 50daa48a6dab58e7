using BenchmarkDotNet.Attributes;
using Ferry.Statistics.Profiles;

namespace Ferry.Bench.Statistics;

/// <summary>Cost per value of folding values into a column profile (the per-prediction monitoring cost).</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class IngestionBenchmarks
{
    private const int Values = 4096;
    private double[] _numbers = [];
    private string[] _categories = [];
    private ColumnProfile _numeric = null!;
    private ColumnProfile _categorical = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var reference = Enumerable.Range(0, 10_000).Select(_ => 50_000 * Math.Exp(0.5 * Normal(random))).ToArray();
        var purposes = new[] { "car", "home", "education", "debt_consolidation", "business", "medical", "wedding", "travel" };
        var built = ReferenceProfile.Build(
        [
            new ReferenceColumnData("income", ColumnKind.Numeric, reference, null),
            new ReferenceColumnData("purpose", ColumnKind.Categorical, null, [.. Enumerable.Range(0, 10_000).Select(i => purposes[i % purposes.Length])]),
        ]);
        _numeric = ColumnProfile.Empty(built.Schema["income"]);
        _categorical = ColumnProfile.Empty(built.Schema["purpose"]);
        _numbers = [.. Enumerable.Range(0, Values).Select(_ => 45_000 * Math.Exp(0.5 * Normal(random)))];
        // Fresh string instances, as parsed from a request body, not the interned literals of the reference.
        _categories = [.. Enumerable.Range(0, Values).Select(i => new string(purposes[random.Next(purposes.Length)].AsSpan()))];
    }

    /// <summary>AddNumber on a numeric column with 10 bins, range checks, moments and a DDSketch.</summary>
    [Benchmark(OperationsPerInvoke = Values)]
    public void AddNumber()
    {
        var profile = _numeric;
        foreach (var value in _numbers)
        {
            profile.AddNumber(value);
        }
    }

    /// <summary>AddCategory on a categorical column with 8 reference categories (all already seen).</summary>
    [Benchmark(OperationsPerInvoke = Values)]
    public void AddCategory()
    {
        var profile = _categorical;
        foreach (var value in _categories)
        {
            profile.AddCategory(value);
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
