using BenchmarkDotNet.Running;
using Ferry.Bench.Statistics;

// Two entry points:
//   dotnet Ferry.Bench.Statistics.dll report REFERENCE.csv CURRENT.csv [REPEATS]   (bench/monitoring/run.sh)
//   dotnet Ferry.Bench.Statistics.dll [BenchmarkDotNet switcher arguments]         (micro-benchmarks)
if (args.Length > 0 && args[0] == "report")
{
    return MonitoringReport.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(IngestionBenchmarks).Assembly).Run(args);
return 0;
