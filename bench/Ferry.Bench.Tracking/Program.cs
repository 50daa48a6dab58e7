using System.Globalization;
using Ferry.Bench.Tracking;
using Ferry.Testing;

// dotnet run -c Release --project bench/Ferry.Bench.Tracking -- [runs=100000] [batch-iterations=20] [search-iterations=10]
// SQLite always; PostgreSQL too when FERRY_TEST_POSTGRES holds an admin connection string.
var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var batchIterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var searchIterations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;

var kinds = new List<DatabaseKind> { DatabaseKind.Sqlite };
if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)))
{
    kinds.Add(DatabaseKind.PostgreSql);
}

var summary = new List<string>();
foreach (var kind in kinds)
{
    Console.WriteLine($"== {kind}");
    await using var server = await FerryTestServer.StartAsync(kind);
    var (batchMs, healthMs) = await LogBatchBenchmark.RunAsync(server.Address, server.AdminToken, batchIterations);
    Console.WriteLine($"  log-batch (1,000 metrics) median {Stats.Ms(batchMs)} ms; /healthz median {Stats.Ms(healthMs)} ms; ratio {batchMs / healthMs:F1}x");
    var (searchMs, seedSeconds) = await SearchBenchmark.RunAsync(server, runs, searchIterations);
    Console.WriteLine($"  runs/search over {runs:N0} runs median {Stats.Ms(searchMs)} ms; ratio to /healthz {searchMs / healthMs:F1}x");
    summary.Add(string.Create(CultureInfo.InvariantCulture,
        $"RESULT {kind} log_batch_ms={batchMs:F3} healthz_ms={healthMs:F3} batch_ratio={batchMs / healthMs:F1} search_ms={searchMs:F3} search_ratio={searchMs / healthMs:F1} seed_s={seedSeconds:F1}"));
}

summary.ForEach(Console.WriteLine);
