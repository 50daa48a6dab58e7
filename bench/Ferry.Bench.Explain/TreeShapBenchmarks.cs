using BenchmarkDotNet.Attributes;
using Ferry.Explain.Shap;

namespace Ferry.Bench.Explain;

/// <summary>TreeSHAP for one row: 100 full depth-6 trees over 12 features (6,400 leaves).</summary>
[MemoryDiagnoser]
public class TreeShapBenchmarks
{
    private PathDependentTreeShap _pathDependent = null!;
    private InterventionalTreeShap _interventional = null!;
    private double[][] _rows = null!;
    private double[] _phi = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var ensemble = SyntheticForest.Build(trees: 100, depth: 6, features: 12, seed: 1);
        _rows = SyntheticForest.Rows(256, 12, seed: 2);
        _pathDependent = new PathDependentTreeShap(ensemble);
        _interventional = new InterventionalTreeShap(ensemble, SyntheticForest.Rows(100, 12, seed: 3));
        _phi = new double[12];
    }

    [Benchmark(Baseline = true)]
    public double[] PathDependentRow()
    {
        _pathDependent.Contributions(_rows[_next++ & 255], _phi);
        return _phi;
    }

    [Benchmark]
    public Ferry.Explain.Explanation PathDependentExplanation() => _pathDependent.Explain(_rows[_next++ & 255]);

    [Benchmark]
    public double[] InterventionalRow100Background()
    {
        _interventional.Contributions(_rows[_next++ & 255], _phi);
        return _phi;
    }
}
