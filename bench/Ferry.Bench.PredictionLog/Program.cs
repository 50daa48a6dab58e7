using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ferry.Core.Serving;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// dotnet Ferry.Bench.PredictionLog.dll [rows=1000000] [request-rows=100]
// Feeds the running server's prediction log (the buffer the router enqueues into) with test.csv's rows, logged as the
// router logs them, as fast as it accepts them, and reports rows/s written, refusals, bytes per stored row, and the
// latency of a lookup by id and of a 1,000-row window page. SQLite always; PostgreSQL too when FERRY_TEST_POSTGRES is set.
var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var perRequest = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var rows = CreditRows();
// As the router logs since 2026-12-07: inputs kept as the served values and outputs as the model's answer, both typed
// straight into the log; BENCH_LOG_TEXT=1 logs them as JSON text, as the router did before.
var served = Environment.GetEnvironmentVariable("BENCH_LOG_TEXT") == "1" ? null : ServedCredit();
var kinds = new List<DatabaseKind> { DatabaseKind.Sqlite };
if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)))
{
    kinds.Add(DatabaseKind.PostgreSql);
}

var summary = new List<string>();
foreach (var kind in kinds)
{
    await using var server = await FerryTestServer.StartAsync(kind);
    var log = server.Services.GetRequiredService<PredictionLog>();
    var endpoint = "bench-credit";
    var clock = TimeProvider.System;
    var start = clock.GetUtcNow().ToUnixTimeMilliseconds();
    var refused = 0L;
    var watch = Stopwatch.StartNew();
    var encode = TimeSpan.Zero;
    for (var sent = 0; sent < total; sent += perRequest)
    {
        var batch = new PredictionRecord[Math.Min(perRequest, total - sent)];
        for (var i = 0; i < batch.Length; i++)
        {
            var (inputs, outputs, answer) = rows[(sent + i) % rows.Count];
            // As the router makes them: the id's embedded time is the row's timestamp (lookups by id read it).
            var at = DateTimeOffset.FromUnixTimeMilliseconds(start + ((sent + i) / 100));
            batch[i] = new PredictionRecord
            {
                Id = Guid.CreateVersion7(at),
                EndpointName = endpoint,
                ModelName = "credit-gbc",
                ModelVersion = 1,
                Timestamp = start + ((sent + i) / 100),
                Served = served,
                ServedRow = (sent + i) % rows.Count,
                Answer = served is null ? null : answer,
                LatencyMicros = 900,
            };
            if (served is null)
            {
                batch[i].InputsJson = inputs;
                batch[i].OutputsJson = outputs;
            }
        }

        if (await log.EnqueueAsync(batch, completed: null, durable: false) is null)
        {
            refused += batch.Length;
        }
    }

    while (log.Count > 0)
    {
        await Task.Delay(5);
    }

    var seconds = watch.Elapsed.TotalSeconds;
    var written = log.Written;
    await using var db = server.Database.CreateContext();
    var stored = await db.Set<PredictionRecord>().LongCountAsync(p => p.EndpointName == endpoint);
    var bytes = await StoredBytesAsync(db, kind);
    if (kind == DatabaseKind.PostgreSql && Environment.GetEnvironmentVariable("BENCH_ANALYZE") != "0")
    {
        // What autovacuum does by itself within a minute of a partition's first rows: without statistics the planner
        // sorts the whole day for a 1,000-row page.
        await db.Database.ExecuteSqlRawAsync("ANALYZE predictions");
    }

    var sample = await db.Set<PredictionRecord>().AsNoTracking().Where(p => p.EndpointName == endpoint).OrderBy(p => p.Timestamp).Skip((int)(stored / 2)).Select(p => p.Id).FirstAsync();
    await using var scope = server.Services.CreateAsyncScope();
    var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
    var lookupMs = Median(50, () => store.FindAsync(endpoint, sample));
    var windowMs = Median(10, () => store.ListAsync(new PredictionQuery { EndpointName = endpoint, From = start + 1000, Limit = 1000 }));
    var blocks = await BlocksAsync(db, endpoint);
    var line = string.Create(CultureInfo.InvariantCulture,
        $"RESULT {kind} rows={written} stored={stored} refused={refused} seconds={seconds:F1} rows_per_s={written / seconds:F0} bytes_per_row={bytes / (double)stored:F1} lookup_ms={lookupMs:F2} window1000_ms={windowMs:F1} {blocks}");
    Console.WriteLine(line);
    summary.Add(line);
}

summary.ForEach(Console.WriteLine);
return;

static double Median<T>(int times, Func<Task<T>> action)
{
    var ms = new List<double>();
    for (var i = 0; i < times; i++)
    {
        var watch = Stopwatch.StartNew();
        action().GetAwaiter().GetResult();
        ms.Add(watch.Elapsed.TotalMilliseconds);
    }

    ms.Sort();
    return ms[ms.Count / 2];
}

// The first 100,000 stored rows (their payload blobs as the log stored them) packed as the per-batch log would pack
// them: blocks of 1,000 rows (PredictionBlock). Reports the blocks' bytes per row (the payload alone; a block's own
// row in a table adds a few dozen bytes per block) and the time to encode and to decode them, per row.
static async Task<string> BlocksAsync(Microsoft.EntityFrameworkCore.DbContext db, string endpoint)
{
    var connection = db.Database.GetDbConnection();
    await db.Database.OpenConnectionAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT id, \"timestamp\", latency_micros, inputs, outputs FROM predictions WHERE endpoint_name = @endpoint ORDER BY \"timestamp\", id LIMIT 100000";
    var name = command.CreateParameter();
    name.ParameterName = "@endpoint";
    name.Value = endpoint;
    command.Parameters.Add(name);
    var rows = new List<Ferry.Storage.Serving.Log.EncodedPrediction>();
    await using (var reader = await command.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
        {
            var record = new PredictionRecord
            {
                Id = reader.GetFieldValue<object>(0) is Guid g ? g : Guid.Parse(reader.GetString(0)),
                EndpointName = endpoint,
                ModelName = "credit-gbc",
                ModelVersion = 1,
                Timestamp = reader.GetInt64(1),
                LatencyMicros = reader.GetInt64(2),
            };
            rows.Add(new Ferry.Storage.Serving.Log.EncodedPrediction(record, (byte[])reader[3], (byte[])reader[4], null));
        }
    }

    var encoded = new List<byte[]>();
    var watch = Stopwatch.StartNew();
    foreach (var chunk in rows.Chunk(1000))
    {
        encoded.Add(Ferry.Storage.Serving.Log.PredictionBlock.Encode(chunk));
    }

    var encodeUs = watch.Elapsed.TotalMicroseconds / rows.Count;
    watch.Restart();
    var decoded = encoded.Sum(block => Ferry.Storage.Serving.Log.PredictionBlock.Decode(block, endpoint, "credit-gbc", 1).Length);
    var decodeUs = watch.Elapsed.TotalMicroseconds / rows.Count;
    if (decoded != rows.Count)
    {
        throw new InvalidOperationException($"{decoded} rows decoded from blocks of {rows.Count}");
    }

    return string.Create(CultureInfo.InvariantCulture,
        $"block_bytes_per_row={encoded.Sum(b => (long)b.Length) / (double)rows.Count:F1} block_encode_us_per_row={encodeUs:F2} block_decode_us_per_row={decodeUs:F2}");
}

static async Task<long> StoredBytesAsync(Microsoft.EntityFrameworkCore.DbContext db, DatabaseKind kind)
{
    var connection = db.Database.GetDbConnection();
    await db.Database.OpenConnectionAsync();
    await using var command = connection.CreateCommand();
    if (kind == DatabaseKind.PostgreSql)
    {
        // The log is partitioned by day: the parent holds nothing, its partitions (and their indexes) hold the rows.
        command.CommandText = "SELECT sum(pg_total_relation_size(relid))::bigint FROM pg_partition_tree('predictions')";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    // The table and its indexes, from SQLite's own page accounting (dbstat is not in every build: checkpoint the WAL
    // and measure the whole file, which holds little else).
    command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
    await command.ExecuteNonQueryAsync();
    command.CommandText = "PRAGMA page_count";
    var pages = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    command.CommandText = "PRAGMA page_size";
    return pages * Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

// test.csv's rows with their inputs as the router logs them (SharedCreditRows.WithLoggedInputs); outputs a label and
// two probabilities.
static List<(string Inputs, string Outputs, RowPrediction Answer)> CreditRows()
{
    var rows = new List<(string, string, RowPrediction)>();
    var random = new Random(7);
    foreach (var (_, inputs) in SharedCreditRows.WithLoggedInputs())
    {
        var p = (float)random.NextDouble();
        var outputs = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(outputs))
        {
            writer.WriteStartObject();
            writer.WriteString("label", p > 0.5f ? "1" : "0");
            writer.WriteStartObject("probabilities");
            writer.WriteNumber("0", (double)(1 - p));
            writer.WriteNumber("1", (double)p);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var answer = new RowPrediction(p > 0.5f ? "1" : "0", null, new Dictionary<string, double> { ["0"] = 1 - p, ["1"] = p });
        rows.Add((inputs, Encoding.UTF8.GetString(outputs.WrittenSpan), answer));
    }

    return rows;
}

// test.csv's rows as the router binds them: categorical columns as text, the others as doubles (float32 values, NaN
// for an empty cell), in the file's column order.
static ServedRows ServedCredit()
{
    var lines = File.ReadAllLines(SharedCreditRows.File("test.csv")).Where(l => l.Length > 0).ToList();
    var header = lines[0].Split(',');
    var cells = lines.Skip(1).Select(l => l.Split(',')).ToList();
    var columns = new Dictionary<string, Array>();
    var features = new List<FeatureSpec>();
    for (var j = 0; j < header.Length; j++)
    {
        var column = j;
        if (SharedCreditRows.Categorical.Contains(header[j]))
        {
            columns[header[j]] = cells.Select(c => c[column]).ToArray();
            features.Add(new FeatureSpec(header[j], FeatureKind.Text));
        }
        else
        {
            columns[header[j]] = cells.Select(c => c[column].Length == 0 ? double.NaN : (double)float.Parse(c[column], CultureInfo.InvariantCulture)).ToArray();
            features.Add(new FeatureSpec(header[j], FeatureKind.Number, AllowNaN: true));
        }
    }

    return new ServedRows(new FeatureBatch(cells.Count, columns), features);
}
