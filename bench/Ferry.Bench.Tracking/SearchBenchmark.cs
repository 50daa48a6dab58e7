using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ferry.Core.Tracking;
using Ferry.Storage;
using Ferry.Storage.Audit;
using Ferry.Storage.PostgreSql;
using Ferry.Storage.Sqlite;
using Ferry.Storage.Tracking;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Bench.Tracking;

/// <summary>(b) POST runs/search over seeded runs with a metric and a param filter, sorted by the metric.</summary>
internal static class SearchBenchmark
{
    public const string Filter = "metrics.auc > 0.9 and params.model = 'gbm'";
    public const string OrderBy = "metrics.auc DESC";

    public static async Task<(double SearchMs, double SeedSeconds)> RunAsync(FerryTestServer server, int runs, int iterations)
    {
        var seedWatch = System.Diagnostics.Stopwatch.StartNew();
        var experimentId = await RunSeeder.SeedAsync(server.Database.CreateContext, runs, seed: 1);
        var seedSeconds = seedWatch.Elapsed.TotalSeconds;
        Console.WriteLine($"  seeded {runs:N0} runs in experiment {experimentId} in {seedSeconds:F1} s");
        await AnalyzeAsync(server);

        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminToken);
        var body = JsonSerializer.Serialize(new
        {
            experiment_ids = new[] { experimentId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            filter = Filter,
            order_by = new[] { OrderBy },
            max_results = 100,
        });
        JsonElement last = default;
        var times = await Stats.TimeAsync(2, iterations, async _ =>
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/api/2.0/mlflow/runs/search", UriKind.Relative), content);
            response.EnsureSuccessStatusCode();
            last = await response.Content.ReadFromJsonAsync<JsonElement>();
        });
        Check(last);
        Console.WriteLine($"  search    runs (ms): {string.Join(", ", times.Select(Stats.Ms))}");
        await PrintPlanAsync(server, experimentId);
        return (Stats.Median(times), seedSeconds);
    }

    private static void Check(JsonElement answer)
    {
        var aucs = answer.GetProperty("runs").EnumerateArray()
            .Select(r => r.GetProperty("data").GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("key").GetString() == "auc").GetProperty("value").GetDouble())
            .ToArray();
        if (aucs.Length is 0 or > 100 || aucs.Any(a => a <= 0.9) || !aucs.SequenceEqual(aucs.OrderDescending()))
        {
            throw new InvalidOperationException($"runs/search answered {aucs.Length} runs, not up to 100 gbm runs with auc > 0.9 in descending order");
        }
    }

    private static async Task AnalyzeAsync(FerryTestServer server)
    {
        // Fresh statistics, as a long-running database would have (PostgreSQL autovacuum; SQLite's optimize).
        await using var db = server.Database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
    }

    /// <summary>Runs the store's own search on a context that records its SQL, then asks the database for the plan of that SQL.</summary>
    private static async Task PrintPlanAsync(FerryTestServer server, long experimentId)
    {
        var capture = new PlanCapture();
        var options = new DbContextOptionsBuilder<FerryDbContext>();
        if (server.Database.Kind == DatabaseKind.Sqlite)
        {
            options.UseFerrySqlite(server.Database.ConnectionString);
        }
        else
        {
            options.UseFerryPostgreSql(server.Database.ConnectionString);
        }

        await using var db = new FerryDbContext(options.AddInterceptors(capture).Options);
        await using var scope = server.Services.CreateAsyncScope();
        var store = new TrackingStore(db, scope.ServiceProvider.GetRequiredService<AuditedWriter>(), TimeProvider.System, scope.ServiceProvider.GetRequiredService<ISqlDialect>());
        await store.SearchRunsAsync(new RunSearchQuery([experimentId], Filter, ViewType.ActiveOnly, 100, [OrderBy], null));
        if (capture.Sql is null)
        {
            Console.WriteLine("  plan: the search SQL was not captured");
            return;
        }

        Console.WriteLine("  search SQL (as EF Core sends it):");
        Console.WriteLine("    " + capture.Sql.Replace("\n", "\n    ", StringComparison.Ordinal));
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = (server.Database.Kind == DatabaseKind.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS) ") + capture.Sql;
        foreach (var (name, value) in capture.Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        Console.WriteLine("  plan:");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Console.WriteLine("    " + reader.GetValue(reader.FieldCount - 1));
        }
    }
}
