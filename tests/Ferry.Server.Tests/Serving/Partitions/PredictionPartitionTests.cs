using Ferry.Core.Audit;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Scheduling;
using Ferry.Server.Serving;
using Ferry.Server.Serving.Partitions;
using Ferry.Storage.Audit;
using Ferry.Storage.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Ferry.Server.Tests.Serving.Partitions;

/// <summary>
/// The prediction log partitioned by day on PostgreSQL: the migration on a populated log (any column set), partition
/// maintenance, retention by whole partitions, lookups by id across partitions, and the clustered tick on two replicas.
/// Each test works in its own past year, far from the days the server's own maintenance creates.
/// </summary>
public sealed class PredictionPartitionTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private const long DayMs = 86_400_000;

    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Migration_OnAPopulatedLogWithAnExtraColumn_KeepsEveryRowAndIndex_InDayPartitions_AndDownRestoresThePlainTable()
    {
        DatabaseRequirement.EnsureAvailable(DatabaseKind.PostgreSql);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.PostgreSql);
        await using var db = database.CreateContext();
        var migrations = db.Database.GetMigrations().ToList();
        var mine = migrations.FindIndex(m => m.EndsWith("_PredictionPartitions", StringComparison.Ordinal));
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(migrations[mine - 1]);

        // A column and an index the migration has never heard of: it must carry whatever the table has.
        await ExecAsync(database, """
            ALTER TABLE predictions ADD COLUMN note text NOT NULL DEFAULT 'none';
            ALTER TABLE predictions ADD COLUMN doubled bigint GENERATED ALWAYS AS ("timestamp" * 2) STORED;
            CREATE INDEX ix_predictions_note ON predictions (note) WHERE note <> 'none';
            """);
        var start = new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 3).SelectMany(day => Records(5, "migrated", start.AddDays(day))).ToList();
        await new PredictionStore(db).InsertBatchAsync(rows, skipExisting: false);
        await ExecAsync(database, $"UPDATE predictions SET note = 'kept' WHERE id = '{rows[7].Id}'");
        var indexesBefore = await IndexesAsync(database);

        await migrator.MigrateAsync();

        Assert.Equal("p", await ScalarAsync<string>(database, "SELECT relkind::text FROM pg_class WHERE oid = 'predictions'::regclass"));
        Assert.Equal(15L, await ScalarAsync<long>(database, "SELECT count(*) FROM predictions"));
        Assert.Equal(rows[7].Id, await ScalarAsync<Guid>(database, "SELECT id FROM predictions WHERE note = 'kept'"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM predictions WHERE doubled <> \"timestamp\" * 2"));
        Assert.Equal(indexesBefore.Keys.Order(), (await IndexesAsync(database)).Keys.Order());
        foreach (var (name, definition) in await IndexesAsync(database))
        {
            if (name != "PK_predictions")
            {
                Assert.Equal(indexesBefore[name], definition.Replace(" ON ONLY ", " ON ", StringComparison.Ordinal));
            }
        }

        Assert.Equal("id,timestamp", await ScalarAsync<string>(database, """
            SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
            WHERE c.conrelid = 'predictions'::regclass AND c.contype = 'p'
            """));
        // Every row is in its own day's partition, none in DEFAULT.
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM predictions_default"));
        foreach (var day in Enumerable.Range(0, 3).Select(d => start.AddDays(d)))
        {
            var partition = $"predictions_p{day:yyyyMMdd}";
            Assert.Equal(5L, await ScalarAsync<long>(database, $"SELECT count(*) FROM {partition}"));
        }

        // Down: one plain table again, with every row, the extra columns and every index as they were.
        await migrator.MigrateAsync(migrations[mine - 1]);
        Assert.Equal("r", await ScalarAsync<string>(database, "SELECT relkind::text FROM pg_class WHERE oid = 'predictions'::regclass"));
        Assert.Equal(15L, await ScalarAsync<long>(database, "SELECT count(*) FROM predictions"));
        Assert.Equal(rows[7].Id, await ScalarAsync<Guid>(database, "SELECT id FROM predictions WHERE note = 'kept'"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM predictions WHERE doubled <> \"timestamp\" * 2"));
        Assert.Equal(indexesBefore, await IndexesAsync(database));
        Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM pg_class WHERE relname LIKE 'predictions\\_%' AND relkind IN ('r', 'p')"));
    }

    [SkippableFact]
    public async Task Maintenance_CreatesDaysAhead_MovesRowsOutOfDefault_AndIsIdempotent()
    {
        // The start-up pass made yesterday, today and seven days ahead.
        var maintenance = Server.Services.GetRequiredService<PredictionPartitionService>();
        await maintenance.FirstPass.WaitAsync(TimeSpan.FromSeconds(60));
        var again = await maintenance.RunOnceAsync();
        Assert.NotNull(again);
        Assert.Empty(again.Created);
        var today = DayStart(Server.Clock.GetUtcNow());
        var days = (await ListAsync()).Select(p => p.FromMs).ToHashSet();
        for (var d = -1; d <= 7; d++)
        {
            Assert.Contains(today + (d * DayMs), days);
        }

        // Rows of a day with no partition land in DEFAULT; creating that day's partition moves them into it.
        var at = new DateTimeOffset(2018, 6, 1, 10, 0, 0, TimeSpan.Zero);
        var endpoint = Unique("moved");
        await InsertAsync(Records(4, endpoint, at));
        Assert.Equal(4L, await ScalarAsync<long>(Server.Database, $"SELECT count(*) FROM predictions_default WHERE endpoint_name = '{endpoint}'"));
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var partitions = scope.ServiceProvider.GetRequiredService<IPredictionPartitions>();
            var (from, to) = (at.Date.AddDays(-1), at.Date.AddDays(2)); // the days 31 May to 2 June
            var made = await partitions.EnsureDaysAsync(new DateTimeOffset(from, TimeSpan.Zero).ToUnixTimeMilliseconds(), new DateTimeOffset(to, TimeSpan.Zero).ToUnixTimeMilliseconds());
            Assert.Equal(new[] { "predictions_p20180531", "predictions_p20180601", "predictions_p20180602" }, made.Created.Select(p => p.Name));
            Assert.Equal(4, made.MovedFromDefault);
            var twice = await partitions.EnsureDaysAsync(new DateTimeOffset(from, TimeSpan.Zero).ToUnixTimeMilliseconds(), new DateTimeOffset(to, TimeSpan.Zero).ToUnixTimeMilliseconds());
            Assert.Empty(twice.Created);
        }

        Assert.Equal(0L, await ScalarAsync<long>(Server.Database, $"SELECT count(*) FROM predictions_default WHERE endpoint_name = '{endpoint}'"));
        Assert.Equal(4L, await ScalarAsync<long>(Server.Database, $"SELECT count(*) FROM predictions_p20180601 WHERE endpoint_name = '{endpoint}'"));
    }

    [SkippableFact]
    public async Task Retention_DropsWholePartitionsPastEveryCut_WithFeedbackAndSeals_AndVerificationStillPasses()
    {
        var now = new DateTimeOffset(2020, 3, 1, 12, 0, 0, TimeSpan.Zero); // 30 days' retention: cutoff 2020-01-31T12:00
        await EnsureDaysAsync(new DateTimeOffset(2020, 1, 10, 0, 0, 0, TimeSpan.Zero), 3);
        await EnsureDaysAsync(new DateTimeOffset(2020, 2, 20, 0, 0, 0, TimeSpan.Zero), 1);
        var sealedEndpoint = Unique("sealed");
        var loose = Unique("loose");
        var day10 = new DateTimeOffset(2020, 1, 10, 5, 0, 0, TimeSpan.Zero);
        await InsertAsync(Records(3, sealedEndpoint, day10));
        await InsertAsync(Records(2, loose, day10.AddHours(2)));
        var withFeedback = Records(2, loose, day10.AddDays(1));
        await InsertAsync(withFeedback);
        await InsertAsync(Records(2, sealedEndpoint, new DateTimeOffset(2020, 2, 20, 8, 0, 0, TimeSpan.Zero)));
        await using (var db = Server.Database.CreateContext())
        {
            db.PredictionFeedback.Add(new PredictionFeedback { PredictionId = withFeedback[0].Id, EndpointName = loose, Label = "1", ReceivedAt = day10.AddDays(2).ToUnixTimeMilliseconds() });
            await db.SaveChangesAsync();
        }

        await using (var scope = Server.Services.CreateAsyncScope())
        {
            // Sealed rows make the endpoint one that per-endpoint retention (and seal verification) looks after.
            Assert.Single(await scope.ServiceProvider.GetRequiredService<IPredictionSealStore>().SealAsync(sealedEndpoint, day10.AddHours(1).ToUnixTimeMilliseconds(), "test"));
        }

        await Server.Services.GetRequiredService<RetentionService>().RunOnceAsync(now);

        var names = (await ListAsync()).Select(p => p.Name).ToList();
        Assert.DoesNotContain("predictions_p20200110", names);
        Assert.DoesNotContain("predictions_p20200111", names);
        Assert.DoesNotContain("predictions_p20200112", names);
        Assert.Contains("predictions_p20200220", names);
        await using (var db = Server.Database.CreateContext())
        {
            Assert.Equal(2, await db.Predictions.CountAsync(p => p.EndpointName == sealedEndpoint));
            Assert.Equal(0, await db.Predictions.CountAsync(p => p.EndpointName == loose));
            Assert.Equal(0, await db.PredictionFeedback.CountAsync(f => f.EndpointName == loose));
            Assert.Equal(0, await db.PredictionSeals.CountAsync(s => s.EndpointName == sealedEndpoint));
            var drops = await db.AuditEvents.Where(e => e.Action == "predictions.partition-drop").Select(e => e.Target).ToListAsync();
            Assert.Contains("predictions/predictions_p20200110", drops);
            Assert.Contains("predictions/predictions_p20200111", drops);
        }

        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var verification = await scope.ServiceProvider.GetRequiredService<IPredictionSealStore>().VerifyAsync(0, now.ToUnixTimeMilliseconds(), sealedEndpoint);
            Assert.True(verification.Valid, verification.FirstProblem?.Reason);
            var all = await scope.ServiceProvider.GetRequiredService<IPredictionSealStore>().VerifyAsync(0, now.ToUnixTimeMilliseconds(), null);
            Assert.True(all.Valid, all.FirstProblem?.Reason);
        }
    }

    [SkippableFact]
    public async Task DropIfExpired_InAGroupCommitLedByAnotherWriter_DropsThePartitionInThatTransaction()
    {
        // The audited writer may run the drop on another request's context (group commit): its lock, DDL and lock
        // timeout must go through that context's transaction, not the partition store's own connection.
        await EnsureDaysAsync(new DateTimeOffset(2019, 6, 10, 0, 0, 0, TimeSpan.Zero), 1);
        var partition = (await ListAsync()).Single(p => p.Name == "predictions_p20190610");
        await using var holderScope = Server.Services.CreateAsyncScope();
        await using var leaderScope = Server.Services.CreateAsyncScope();
        await using var dropScope = Server.Services.CreateAsyncScope();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = holderScope.ServiceProvider.GetRequiredService<AuditedWriter>().RunAsync("test", async (_, _) =>
        {
            holding.SetResult();
            await release.Task;
            return (0, new AuditRecord("test.hold", "test/hold", "{}"));
        });
        await holding.Task;

        // Queued in this order behind the held lock: the plain change's writer takes the lock next and runs both.
        var led = leaderScope.ServiceProvider.GetRequiredService<AuditedWriter>().RunAsync("test", (_, _) =>
            Task.FromResult((0, new AuditRecord("test.lead", "test/lead", "{}"))));
        var allPast = new PartitionDropRule(new Dictionary<string, long>(), OthersBefore: partition.ToMs); // no await before it queues
        var drop = dropScope.ServiceProvider.GetRequiredService<IPredictionPartitions>().DropIfExpiredAsync(partition, allPast, "test");
        release.SetResult();
        await held;
        await led;

        Assert.NotNull(await drop);
        Assert.DoesNotContain("predictions_p20190610", (await ListAsync()).Select(p => p.Name));
    }

    [SkippableFact]
    public async Task Retention_KeepsAPartitionWithARowInsideTheCutoff_AndDeletesItsOlderRows()
    {
        var now = new DateTimeOffset(2021, 3, 1, 12, 0, 0, TimeSpan.Zero); // cutoff 2021-01-30T12:00
        await EnsureDaysAsync(new DateTimeOffset(2021, 1, 29, 0, 0, 0, TimeSpan.Zero), 2);
        var endpoint = Unique("straddle");
        await InsertAsync(Records(2, endpoint, new DateTimeOffset(2021, 1, 29, 10, 0, 0, TimeSpan.Zero)));
        await InsertAsync(Records(3, endpoint, new DateTimeOffset(2021, 1, 30, 6, 0, 0, TimeSpan.Zero)));
        var young = Records(4, endpoint, new DateTimeOffset(2021, 1, 30, 18, 0, 0, TimeSpan.Zero));
        await InsertAsync(young);

        await Server.Services.GetRequiredService<RetentionService>().RunOnceAsync(now);

        var names = (await ListAsync()).Select(p => p.Name).ToList();
        Assert.DoesNotContain("predictions_p20210129", names);
        Assert.Contains("predictions_p20210130", names);
        await using var db = Server.Database.CreateContext();
        Assert.Equal(young.Select(r => r.Id).Order(), (await db.Predictions.Where(p => p.EndpointName == endpoint).Select(p => p.Id).ToListAsync()).Order());
        Assert.DoesNotContain("predictions/predictions_p20210130", await db.AuditEvents.Where(e => e.Action == "predictions.partition-drop").Select(e => e.Target).ToListAsync());
    }

    [SkippableFact]
    public async Task FindById_AcrossPartitions_FindsEveryRow_EvenOneWhoseTimeIsNotItsIds()
    {
        var start = new DateTimeOffset(2019, 5, 1, 12, 0, 0, TimeSpan.Zero);
        await EnsureDaysAsync(start, 3);
        var endpoint = Unique("lookup");
        var rows = Enumerable.Range(0, 3).SelectMany(d => Records(2, endpoint, start.AddDays(d))).ToList();
        var odd = PredictionLogBufferTests.Record(endpoint, start.AddDays(1));
        odd.Id = Guid.NewGuid(); // version 4: no embedded time
        var shifted = PredictionLogBufferTests.Record(endpoint, start.AddDays(2));
        shifted.Id = Guid.CreateVersion7(start); // its id names another day
        rows.AddRange([odd, shifted]);
        await InsertAsync([.. rows]);

        await using var scope = Server.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        foreach (var row in rows)
        {
            var found = await store.FindAsync(endpoint, row.Id);
            Assert.NotNull(found);
            Assert.Equal(row.Timestamp, found.Prediction.Timestamp);
        }

        Assert.Null(await store.FindAsync(endpoint, Guid.CreateVersion7(start)));
        Assert.Null(await store.FindAsync("another-endpoint", rows[0].Id));
    }

    [SkippableFact]
    public async Task PartitionsTick_OnTwoReplicas_RunsOncePerFiring()
    {
        DatabaseRequirement.EnsureAvailable(DatabaseKind.PostgreSql);
        static void EverySecond(IServiceCollection services) => services.Configure<PredictionPartitionOptions>(o => o.Interval = TimeSpan.FromSeconds(1));
        await using var first = await FerryTestServer.StartAsync(DatabaseKind.PostgreSql, services: EverySecond);
        await using var second = await FerryTestServer.StartReplicaAsync(first, services: EverySecond);
        var a = first.Services.GetRequiredService<ClusteredScheduling>();
        var b = second.Services.GetRequiredService<ClusteredScheduling>();
        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            while (a.Ran("partitions") + b.Ran("partitions") < 5)
            {
                Assert.False(bound.IsCancellationRequested, $"only {a.Ran("partitions") + b.Ran("partitions")} partition ticks");
                await Task.WhenAny(a.WaitUntilRanAsync("partitions", a.Ran("partitions") + 1, bound.Token), b.WaitUntilRanAsync("partitions", b.Ran("partitions") + 1, bound.Token));
            }
        }

        var fireTimes = a.FireTimes("partitions").Concat(b.FireTimes("partitions")).ToList();
        Assert.Equal(fireTimes.Count, fireTimes.Distinct().Count());
        // Both replicas' start-up passes and every tick left one partition per day, no duplicate.
        await using var scope = first.Services.CreateAsyncScope();
        var days = await scope.ServiceProvider.GetRequiredService<IPredictionPartitions>().ListAsync();
        Assert.Equal(days.Count, days.Select(d => d.FromMs).Distinct().Count());
        Assert.True(days.Count >= 9, $"{days.Count} partitions");
    }

    private static PredictionRecord[] Records(int count, string endpoint, DateTimeOffset at) => PredictionLogBufferTests.Records(count, endpoint, at);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static long DayStart(DateTimeOffset at) => at.ToUnixTimeMilliseconds() - (at.ToUnixTimeMilliseconds() % DayMs);

    private async Task InsertAsync(PredictionRecord[] records)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(records, skipExisting: false);
    }

    private async Task EnsureDaysAsync(DateTimeOffset from, int days)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPredictionPartitions>().EnsureDaysAsync(from.ToUnixTimeMilliseconds(), from.AddDays(days).ToUnixTimeMilliseconds() - 1);
    }

    private async Task<IReadOnlyList<PredictionPartition>> ListAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPredictionPartitions>().ListAsync();
    }

    private static async Task<Dictionary<string, string>> IndexesAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'predictions'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var indexes = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            indexes[reader.GetString(0)] = reader.GetString(1);
        }

        return indexes;
    }

    private static async Task ExecAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
