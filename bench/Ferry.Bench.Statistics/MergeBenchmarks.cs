using BenchmarkDotNet.Attributes;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;

namespace Ferry.Bench.Statistics;

/// <summary>Cost of merging hourly profiles of a 12-column model and of the drift report on the merged profile.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class MergeBenchmarks
{
    private ReferenceProfile _reference = null!;
    private DatasetProfile[] _hours = [];
    private DatasetProfile _merged = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (reference, current) = SyntheticCreditData.Generate(referenceRows: 20_000, currentRows: 24 * 2_000, seed: 3);
        _reference = ReferenceProfile.Build(reference);
        _hours = SyntheticCreditData.FoldIntoBuckets(_reference.Schema, current, buckets: 24);
        _merged = DatasetProfile.Merge(_hours);
    }

    /// <summary>Merge two hourly 12-column profiles into a new one.</summary>
    [Benchmark]
    public DatasetProfile MergeTwoHours() => DatasetProfile.Merge(_hours[0], _hours[1]);

    /// <summary>Merge 24 hourly profiles (a day) into one.</summary>
    [Benchmark]
    public DatasetProfile MergeDay() => DatasetProfile.Merge(_hours);

    /// <summary>Drift report (automatic methods) from an already merged profile.</summary>
    [Benchmark]
    public DatasetDriftResult DriftReport() => DriftDetector.Test(_reference, _merged, new DriftOptions());
}
