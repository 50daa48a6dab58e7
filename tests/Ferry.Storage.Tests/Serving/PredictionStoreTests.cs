using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Storage.Serving;
using Ferry.Storage.Serving.Log;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests.Serving;

/// <summary>The prediction and feedback stores on SQLite and PostgreSQL: batches, paging, retention, upserts, all-or-nothing feedback.</summary>
public abstract class PredictionStoreTests(DatabaseKind kind) : StorageTestBase(kind)
{
    [SkippableFact]
    public async Task InsertBatch_WritesEveryRow_AndARetrySkipsRowsAlreadyWritten()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        var batch = Records("credit", 50, Clock.GetUtcNow());
        Assert.Equal(50, await store.InsertBatchAsync(batch, skipExisting: false));
        var more = Records("credit", 10, Clock.GetUtcNow());
        Assert.Equal(10, await store.InsertBatchAsync([.. batch.Take(20), .. more], skipExisting: true));
        Assert.Equal(60, await store.CountAsync("credit"));
        Assert.Equal(0, await store.CountAsync("other"));
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InsertBatch_OfManyRows_WritesEveryColumnAsEfReadsItBack(bool providerBulkPath)
    {
        await using var scope = Scope();
        // The provider's bulk path (PostgreSQL's COPY, SQLite's raw prepared statement) and the generic prepared INSERT.
        var store = providerBulkPath
            ? scope.ServiceProvider.GetRequiredService<IPredictionStore>()
            : new PredictionStore(scope.ServiceProvider.GetRequiredService<FerryDbContext>());
        var batch = Records("multi", 237, Clock.GetUtcNow());
        batch[5].ShadowOutputsJson = """{"credit:2":{"error":"it's \"quoted\""}}""";
        batch[230].InputsJson = """{"purpose":"café ; DROP TABLE predictions"}""";
        batch[7].SubjectHash = "c0ffee";
        batch[7].InputDigest = "4a5b";
        batch[7].ErasedAt = 1_700_000_000_123;
        batch[7].ErasedReasonsJson = """["subject request"]""";
        batch[8].ModelVersion = 12;
        batch[8].LatencyMicros = 123_456_789_012;

        Assert.Equal(batch.Count, await store.InsertBatchAsync(batch, skipExisting: false));

        Assert.Equal(batch.Count, await store.CountAsync("multi"));
        await using var read = Scope();
        var db = read.ServiceProvider.GetRequiredService<FerryDbContext>();
        var stored = await db.Set<PredictionRecord>().AsNoTracking().Where(p => p.EndpointName == "multi").ToDictionaryAsync(p => p.Id);
        foreach (var expected in batch)
        {
            var found = stored[expected.Id];
            Assert.Equal(
                (expected.EndpointName, expected.ModelName, expected.ModelVersion, expected.Timestamp, expected.InputsJson, expected.OutputsJson, expected.ShadowOutputsJson, expected.LatencyMicros),
                (found.EndpointName, found.ModelName, found.ModelVersion, found.Timestamp, found.InputsJson, found.OutputsJson, found.ShadowOutputsJson, found.LatencyMicros));
            Assert.Equal((expected.SubjectHash, expected.InputDigest, expected.ErasedAt, expected.ErasedReasonsJson), (found.SubjectHash, found.InputDigest, found.ErasedAt, found.ErasedReasonsJson));
        }

        // Lookups by id bind the id as EF does: the bulk path must have written it in the same form.
        foreach (var expected in new[] { batch[0], batch[7], batch[^1] })
        {
            Assert.Equal(expected.Id, (await store.FindAsync("multi", expected.Id))?.Prediction.Id);
        }
    }

    [SkippableFact]
    public async Task Find_ReturnsTheRowWithItsFeedback_OnlyUnderItsEndpoint()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        var record = Records("credit", 1, Clock.GetUtcNow())[0];
        record.ShadowOutputsJson = """{"credit:3":{"label":"0"}}""";
        await store.InsertBatchAsync([record], skipExisting: false);
        await scope.ServiceProvider.GetRequiredService<IFeedbackStore>().IngestAsync("credit", [new FeedbackItem(record.Id, "1", null)], "test");

        var found = await store.FindAsync("credit", record.Id);
        Assert.NotNull(found);
        Assert.Equal(record.InputsJson, found.Prediction.InputsJson);
        Assert.Equal(record.ShadowOutputsJson, found.Prediction.ShadowOutputsJson);
        Assert.Equal(record.LatencyMicros, found.Prediction.LatencyMicros);
        Assert.Equal("1", found.Feedback?.Label);
        Assert.Null(await store.FindAsync("another", record.Id));
    }

    [SkippableFact]
    public async Task List_PagesInTimeOrder_ThroughRowsSharingATimestamp()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        var start = Clock.GetUtcNow();
        // 25 rows over 5 distinct milliseconds: pages of 7 cut through groups of equal timestamps.
        var rows = Enumerable.Range(0, 25).Select(i => Record("paged", start.AddMilliseconds(i / 5))).ToList();
        await store.InsertBatchAsync(rows, skipExisting: false);
        await store.InsertBatchAsync(Records("elsewhere", 3, start), skipExisting: false);

        var seen = new List<Guid>();
        Guid? after = null;
        do
        {
            var page = await store.ListAsync(new PredictionQuery { EndpointName = "paged", After = after, Limit = 7 });
            seen.AddRange(page.Select(p => p.Prediction.Id));
            after = page.Count == 7 ? page[^1].Prediction.Id : null;
        }
        while (after is not null);

        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());
        var byId = rows.ToDictionary(r => r.Id);
        Assert.Equal(seen.Select(id => byId[id].Timestamp).Order(), seen.Select(id => byId[id].Timestamp));

        var window = await store.ListAsync(new PredictionQuery
        {
            EndpointName = "paged",
            From = start.AddMilliseconds(1).ToUnixTimeMilliseconds(),
            To = start.AddMilliseconds(3).ToUnixTimeMilliseconds(),
            Limit = 100,
        });
        Assert.Equal(10, window.Count);
    }

    [SkippableFact]
    public async Task Retention_DeletesOnlyOldRows_AndTheirFeedback()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        var old = Records("credit", 5, Clock.GetUtcNow());
        await store.InsertBatchAsync(old, skipExisting: false);
        Clock.Advance(TimeSpan.FromDays(31));
        var recent = Records("credit", 3, Clock.GetUtcNow());
        await store.InsertBatchAsync(recent, skipExisting: false);
        await scope.ServiceProvider.GetRequiredService<IFeedbackStore>().IngestAsync("credit",
            [new FeedbackItem(old[0].Id, "1", null), new FeedbackItem(recent[0].Id, null, 2.5)], "test");

        var cutoff = Clock.GetUtcNow().AddDays(-30).ToUnixTimeMilliseconds();
        var result = await store.DeleteOlderThanAsync(cutoff);
        Assert.Equal(new PredictionRetentionResult(5, 1), result);
        Assert.Equal(3, await store.CountAsync("credit"));
        var db = scope.ServiceProvider.GetRequiredService<FerryDbContext>();
        Assert.Equal(recent[0].Id, (await db.PredictionFeedback.SingleAsync()).PredictionId);
        Assert.Equal(new PredictionRetentionResult(0, 0), await store.DeleteOlderThanAsync(cutoff));
    }

    [SkippableFact]
    public async Task Feedback_IsUpserted_LateFeedbackReplacesEarlier_AndEachRequestIsOneAuditEvent()
    {
        await using var scope = Scope();
        var records = Records("credit", 3, Clock.GetUtcNow());
        await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(records, skipExisting: false);
        var feedback = scope.ServiceProvider.GetRequiredService<IFeedbackStore>();

        Assert.Equal(2, await feedback.IngestAsync("credit", [new(records[0].Id, "0", null), new(records[1].Id, "1", null)], "alice"));
        Clock.Advance(TimeSpan.FromDays(5));
        // Within one request the last item for an id wins.
        Assert.Equal(2, await feedback.IngestAsync("credit",
            [new(records[0].Id, "1", null), new(records[2].Id, null, 4.5), new(records[2].Id, null, 7.25)], "bob"));

        var first = await feedback.FindAsync(records[0].Id);
        Assert.Equal("1", first?.Label);
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), first?.ReceivedAt);
        Assert.Equal("1", (await feedback.FindAsync(records[1].Id))?.Label);
        Assert.Equal(7.25, (await feedback.FindAsync(records[2].Id))?.Value);

        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery { Action = "feedback.ingest" });
        Assert.Equal(2, events.Count);
        Assert.Contains("\"replaced\":1", events[^1].Summary, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Feedback_WithUnknownOrForeignIds_WritesNothing_AndNamesThem()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
        var mine = Records("credit", 2, Clock.GetUtcNow());
        var theirs = Records("fraud", 1, Clock.GetUtcNow());
        await store.InsertBatchAsync([.. mine, .. theirs], skipExisting: false);
        var feedback = scope.ServiceProvider.GetRequiredService<IFeedbackStore>();
        var unknown = Guid.CreateVersion7();

        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            feedback.IngestAsync("credit", [new(mine[0].Id, "1", null), new(unknown, "0", null), new(theirs[0].Id, "1", null)], "test"));
        Assert.Contains(unknown.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(theirs[0].Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Null(await feedback.FindAsync(mine[0].Id));

        await Assert.ThrowsAsync<NotFoundException>(() => feedback.IngestAsync("nothing-served", [new(mine[0].Id, "1", null)], "test"));
    }

    [SkippableFact]
    public async Task SchemaIdTakenByAnotherText_LeavesThoseRowsRaw_InEveryLaterBatchToo()
    {
        // A 32-bit collision, staged: the id of the inputs' schema already names another structure in this database.
        const string inputs = """{"collides":41,"purpose":"car"}""";
        PayloadCodec.Encode(inputs, out var schema);
        Assert.NotNull(schema);
        await using (var setup = Scope())
        {
            var db = setup.ServiceProvider.GetRequiredService<FerryDbContext>();
            db.Set<PredictionSchemaRow>().Add(new PredictionSchemaRow { Id = schema.Id, Structure = "[0,0,0]" });
            await db.SaveChangesAsync();
        }

        // Two batches: the second must not take the first's word for the schema (only verified schemas are remembered).
        var batches = new[] { Records("collide", 3, Clock.GetUtcNow()), Records("collide", 3, Clock.GetUtcNow()) };
        foreach (var batch in batches)
        {
            batch.ForEach(r => r.InputsJson = inputs);
            await using var scope = Scope();
            await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(batch, skipExisting: false);
        }

        await using var read = Scope();
        var context = read.ServiceProvider.GetRequiredService<FerryDbContext>();
        var stored = await context.Set<PredictionRecord>().AsNoTracking().Where(p => p.EndpointName == "collide").ToListAsync();
        Assert.Equal(6, stored.Count);
        Assert.All(stored, p => Assert.Equal(inputs, p.InputsJson));
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT inputs FROM predictions WHERE endpoint_name = 'collide'";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            Assert.Equal((byte)'{', ((byte[])reader[0])[0]); // raw text, not typed against the other structure
        }

        Assert.Equal(6, rows);
    }


    private static List<PredictionRecord> Records(string endpoint, int count, DateTimeOffset at) =>
        [.. Enumerable.Range(0, count).Select(_ => Record(endpoint, at))];

    private static PredictionRecord Record(string endpoint, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        EndpointName = endpoint,
        ModelName = "credit-risk",
        ModelVersion = 2,
        Timestamp = at.ToUnixTimeMilliseconds(),
        InputsJson = """{"age":41,"income":52000.5,"purpose":"car"}""",
        OutputsJson = """{"label":"0","probabilities":[0.9,0.1]}""",
        LatencyMicros = 830,
    };
}

public sealed class SqlitePredictionStoreTests() : PredictionStoreTests(DatabaseKind.Sqlite);

public sealed class PostgresPredictionStoreTests() : PredictionStoreTests(DatabaseKind.PostgreSql);
