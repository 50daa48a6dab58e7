using BenchmarkDotNet.Running;
using Ferry.Bench.Explain;

// Two modes:
//   dotnet run -c Release --project bench/Ferry.Bench.Explain -- xgboost DIR
//       the Ferry side of bench/explain/run.sh: TreeSHAP per row on the model and rows xgboost_contribs.py wrote to DIR
//   dotnet run -c Release --project bench/Ferry.Bench.Explain -- [BenchmarkDotNet arguments, e.g. --filter *]
//       BenchmarkDotNet micro-benchmarks of TreeSHAP per row on a synthetic ensemble
if (args is ["xgboost", var directory])
{
    return XgboostComparison.Run(directory);
}

BenchmarkSwitcher.FromAssembly(typeof(TreeShapBenchmarks).Assembly).Run(args);
return 0;
