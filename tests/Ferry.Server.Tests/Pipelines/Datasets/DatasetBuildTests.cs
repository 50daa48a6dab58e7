using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Core.Monitoring;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;
using Ferry.Server.Pipelines;
using Ferry.Server.Pipelines.Datasets;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Pipelines.Datasets;

/// <summary>
/// Training sets from production over HTTP, on a server whose clock is a <see cref="TestClock"/>: the point-in-time
/// label join (late labels and slow labels left out), the holdout split, counts, digests and the file's layout read back
/// with Parquet.Net, reference rows, the loop's dataset stage, and refused requests.
/// </summary>
public abstract class DatasetBuildTests
{
    /// <summary>The database each test's own server runs on.</summary>
    protected abstract DatabaseKind Kind { get; }

    [SkippableFact]
    public async Task Build_JoinsOnlyLabelsReceivedByAsOf_AndWithinTheDelayLimit()
    {
        var (server, clock) = await StartAsync();
        await using var lifetime = server;
        var t0 = clock.GetUtcNow();
        var endpoint = Unique("ep");
        var rows = Enumerable.Range(0, 6).Select(i => Record(endpoint, t0.AddHours(i - 6), $$"""{"age":{{30 + i}}}""", 0.1 * i)).ToArray();
        await InsertAsync(server, rows);

        // Labels stamped by the server's clock: p0 and p1 at t0 (6 h and 5 h late), p2 and p3 at t0+1h (5 h, 4 h), p4 at t0+2h (4 h).
        await FeedbackAsync(server, endpoint, (rows[0], "1"), (rows[1], "0"));
        clock.Advance(TimeSpan.FromHours(1));
        await FeedbackAsync(server, endpoint, (rows[2], "1"), (rows[3], "0"));
        clock.Advance(TimeSpan.FromHours(1));
        await FeedbackAsync(server, endpoint, (rows[4], "1"));

        var scientist = server.CreateClient(await server.CreateTokenAsync(Role.Scientist));
        var limited = await BuildAsync(scientist, new
        {
            endpoint,
            from = t0.AddHours(-7),
            to = t0,
            asOf = t0.AddHours(1),
            labelDelayMax = "5h",
            holdoutFraction = 0.0,
            name = Unique("pit"),
        });
        Assert.Equal(6, limited.GetProperty("rows").GetInt64());
        Assert.Equal(3, limited.GetProperty("labelledRows").GetInt64());
        Assert.Equal(0.5, limited.GetProperty("labelCoverage").GetDouble(), 12);
        var file = await DatasetParquet.ReadAsync(await DownloadAsync(scientist, limited.GetProperty("name").GetString()!, "train"));
        var labels = file.Rows.ToDictionary(r => (string)r["prediction_id"]!, r => (string?)r["label"]);
        Assert.Null(labels[rows[0].Id.ToString()]); // arrived within as-of, but 6 h after its prediction
        Assert.Equal("0", labels[rows[1].Id.ToString()]); // exactly 5 h: inside the limit
        Assert.Equal("1", labels[rows[2].Id.ToString()]);
        Assert.Equal("0", labels[rows[3].Id.ToString()]);
        Assert.Null(labels[rows[4].Id.ToString()]); // arrived after as-of: not known then
        Assert.Null(labels[rows[5].Id.ToString()]);
        var received = file.Rows.Single(r => (string)r["prediction_id"]! == rows[2].Id.ToString())["label_received_at"];
        Assert.Equal(t0.AddHours(1).ToUnixTimeMilliseconds(), received);

        // Now, without a limit: every label that has arrived.
        var everything = await BuildAsync(scientist, new { endpoint, from = t0.AddHours(-7), to = t0, holdoutFraction = 0.0 });
        Assert.Equal(5, everything.GetProperty("labelledRows").GetInt64());
        Assert.Equal($"{endpoint}-{t0.UtcDateTime:yyyyMMdd-HHmm}", everything.GetProperty("name").GetString());
        var again = await BuildAsync(scientist, new { endpoint, from = t0.AddHours(-7), to = t0, holdoutFraction = 0.0 });
        Assert.Equal($"{endpoint}-{t0.UtcDateTime:yyyyMMdd-HHmm}-2", again.GetProperty("name").GetString());
        Assert.Equal(everything.GetProperty("digest").GetString(), again.GetProperty("digest").GetString());
    }

    [SkippableFact]
    public async Task Build_RightAfterServing_HoldsTheRowsTheLogWriterStillHeld()
    {
        var (server, clock) = await StartAsync();
        await using var lifetime = server;
        var t0 = clock.GetUtcNow();
        var endpoint = Unique("ep");
        var rows = Enumerable.Range(0, 5).Select(i => Record(endpoint, t0.AddMinutes(i - 30), $$"""{"age":{{40 + i}}}""", 0.2 * i)).ToArray();
        // Accepted by the log as a served request's rows are; its writer waits out a flush interval this clock never reaches.
        var log = server.Services.GetRequiredService<PredictionLog>();
        Assert.True(await log.TryEnqueueAsync(rows));
        Assert.Equal(rows.Length, log.Count);

        var scientist = server.CreateClient(await server.CreateTokenAsync(Role.Scientist));
        var built = await BuildAsync(scientist, new { endpoint, from = t0.AddHours(-1), to = t0, holdoutFraction = 0.0 });

        Assert.Equal(rows.Length, built.GetProperty("rows").GetInt64());
        var file = await DatasetParquet.ReadAsync(await DownloadAsync(scientist, built.GetProperty("name").GetString()!, "train"));
        Assert.Equal(rows.Select(r => r.Id.ToString()).Order(), file.Rows.Select(r => (string)r["prediction_id"]!).Order());
        Assert.Equal(0, log.Count);
    }

    [SkippableFact]
    public async Task Build_HoldsOutTheMostRecentLabelledRows_CountsThem_AndTheDigestsMatchTheFiles()
    {
        var (server, clock) = await StartAsync();
        await using var lifetime = server;
        var t0 = clock.GetUtcNow();
        var endpoint = Unique("ep");
        var rows = new List<PredictionRecord>();
        for (var i = 0; i < 12; i++)
        {
            var inputs = i == 5
                ? """{"age":41,"region":"north"}""" // no vip: null in its column
                : $$"""{"age":{{20 + i}},"region":"{{(i % 2 == 0 ? "north" : "south")}}","vip":{{(i % 3 == 0 ? "true" : "false")}},"score":{{i}}}""";
            rows.Add(Record(endpoint, t0.AddMinutes(-120 + (10 * i)), inputs, 0.05 * i, version: i < 6 ? 1 : 2));
        }

        var erased = Record(endpoint, t0.AddMinutes(-115), """{"age":99}""", 0.9);
        erased.ErasedAt = t0.ToUnixTimeMilliseconds();
        erased.InputsJson = "{}";
        var elsewhere = Record(Unique("other"), t0.AddMinutes(-60), """{"age":50}""", 0.5);
        await InsertAsync(server, [.. rows, erased, elsewhere]);

        // Labelled: every row but 2 and 9 (10 labelled). 25 % of 10 → the last 2 labelled rows (10 and 11) are held out;
        // unlabelled rows at or after the cut are in neither file.
        var labelled = rows.Where((_, i) => i is not 2 and not 9).ToList();
        await FeedbackAsync(server, endpoint, [.. labelled.Select((r, i) => (r, (i % 2).ToString(CultureInfo.InvariantCulture)))]);

        var scientist = server.CreateClient(await server.CreateTokenAsync(Role.Scientist));
        var view = await BuildAsync(scientist, new { endpoint, from = t0.AddHours(-3), to = t0, holdoutFraction = 0.25 });
        Assert.Equal(10, view.GetProperty("rows").GetInt64()); // rows 0..9
        Assert.Equal(8, view.GetProperty("labelledRows").GetInt64());
        Assert.Equal(2, view.GetProperty("holdoutRows").GetInt64());
        Assert.Equal(0.8, view.GetProperty("labelCoverage").GetDouble(), 12);
        Assert.Equal(rows[10].Timestamp, view.GetProperty("holdoutFrom").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(6, view.GetProperty("versions").GetProperty("credit-risk/1").GetInt64());
        Assert.Equal(4, view.GetProperty("versions").GetProperty("credit-risk/2").GetInt64());
        string[] layout = ["prediction_id", "predicted_at", "model_name", "model_version", "age", "region", "vip", "input_score", "score", "label", "label_received_at", "source"];
        Assert.Equal(layout, view.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));

        var name = view.GetProperty("name").GetString()!;
        var trainBytes = await DownloadAsync(scientist, name, "train");
        var holdoutBytes = await DownloadAsync(scientist, name, "holdout");
        Assert.Equal(view.GetProperty("digest").GetString(), Convert.ToHexStringLower(SHA256.HashData(trainBytes)));
        Assert.Equal(view.GetProperty("holdoutDigest").GetString(), Convert.ToHexStringLower(SHA256.HashData(holdoutBytes)));
        Assert.Equal(trainBytes.Length, view.GetProperty("sizeBytes").GetInt64());

        var train = await DatasetParquet.ReadAsync(trainBytes);
        Assert.Equal(layout, train.Names);
        Assert.Equal(typeof(double), train.TypeOf("age"));
        Assert.Equal(typeof(string), train.TypeOf("region"));
        Assert.Equal(typeof(bool), train.TypeOf("vip"));
        Assert.Equal(typeof(long), train.TypeOf("predicted_at"));
        Assert.Equal(typeof(int), train.TypeOf("model_version"));
        Assert.Equal(rows.Take(10).Select(r => r.Id.ToString()), train.Rows.Select(r => (string)r["prediction_id"]!));
        Assert.DoesNotContain(train.Rows, r => (string)r["prediction_id"]! == erased.Id.ToString());
        var first = train.Rows[0];
        Assert.Equal(20.0, first["age"]);
        Assert.Equal("north", first["region"]);
        Assert.Equal(true, first["vip"]);
        Assert.Equal(0.0, first["input_score"]);
        Assert.Equal(0.0, first["score"]);
        Assert.Equal(rows[0].Timestamp, first["predicted_at"]);
        Assert.Equal("production", first["source"]);
        Assert.Null(train.Rows[5]["vip"]);
        Assert.Equal(0.05 * 7, (double)train.Rows[7]["score"]!, 12);
        Assert.Equal(2, train.Rows[7]["model_version"]);
        Assert.Null(train.Rows[2]["label"]);
        Assert.Null(train.Rows[2]["label_received_at"]);

        var holdout = await DatasetParquet.ReadAsync(holdoutBytes);
        Assert.Equal(layout, holdout.Names);
        Assert.Equal([rows[10].Id.ToString(), rows[11].Id.ToString()], holdout.Rows.Select(r => (string)r["prediction_id"]!));
        Assert.All(holdout.Rows, r => Assert.NotNull(r["label"]));

        // The stored row and its MLflow lineage.
        await using var scope = server.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<ITrainingDatasetStore>().FindByNameAsync(name);
        var input = DatasetLineage.ToInput(stored!);
        Assert.Equal(name, input.Name);
        Assert.Equal(stored!.Digest, input.Digest);
        Assert.Equal("ferry", input.SourceType);
        using var source = JsonDocument.Parse(input.Source);
        Assert.Equal($"ferry-artifacts:/datasets/{endpoint}/{name}/train.parquet", source.RootElement.GetProperty("uri").GetString());
        using var schema = JsonDocument.Parse(input.Schema!);
        var colspec = schema.RootElement.GetProperty("mlflow_colspec").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString());
        Assert.Equal("double", colspec["age"]);
        Assert.Equal("boolean", colspec["vip"]);
        Assert.Equal("string", colspec["region"]);
        Assert.Equal("long", colspec["predicted_at"]);
        using var profile = JsonDocument.Parse(input.Profile!);
        Assert.Equal(10, profile.RootElement.GetProperty("num_rows").GetInt64());

        var audit = await (await server.CreateAdminClient().GetAsync("/api/v1/audit?action=dataset.build&limit=100")).Content.ReadAsStringAsync();
        Assert.Contains(name, audit, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Build_WithReference_AppendsTheAnsweringVersionsReferenceRows_WithTheSamplesLabels()
    {
        var (server, clock) = await StartAsync();
        await using var lifetime = server;
        var t0 = clock.GetUtcNow();
        var endpoint = Unique("ep");
        var model = Unique("model");
        var rows = Enumerable.Range(0, 4).Select(i =>
        {
            var r = Record(endpoint, t0.AddMinutes(-30 + i), $$"""{"age":{{30 + i}},"vip":true}""", 0.2);
            r.ModelName = model;
            return r;
        }).ToArray();
        await InsertAsync(server, rows);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            // A reference of 3 rows: columns as the reference build keeps them, a sample (all 3 rows) with the true labels.
            await scope.ServiceProvider.GetRequiredService<IReferenceProfileStore>().SetReferenceAsync(new ReferenceProfileEntry
            {
                ModelName = model,
                ModelVersion = 1,
                Rows = 3,
                Source = "test",
                ProfileJson = "{}",
                SampleJson = """{"records":[{"age":61,"vip":false},{"age":62,"vip":true},{"age":63,"vip":false}],"labels":["1","0","1"]}""",
            }, "test");
            await scope.ServiceProvider.GetRequiredService<IReferenceColumnStore>().SaveAsync(model, 1,
            [
                new ReferenceColumnValues("age", [61, 62, 63], null),
                new ReferenceColumnValues("vip", null, ["false", "true", "false"]),
                new ReferenceColumnValues(ProfileColumns.Score, [0.7, double.NaN, 0.9], null),
                new ReferenceColumnValues(ProfileColumns.Label, null, ["1", "0", "1"]),
            ]);
        }

        var scientist = server.CreateClient(await server.CreateTokenAsync(Role.Scientist));
        var view = await BuildAsync(scientist, new { endpoint, from = t0.AddHours(-1), to = t0, withReference = true, holdoutFraction = 0.0 });
        Assert.Equal(4, view.GetProperty("rows").GetInt64());
        Assert.Equal(3, view.GetProperty("referenceRows").GetInt64());
        Assert.True(view.GetProperty("withReference").GetBoolean());
        var file = await DatasetParquet.ReadAsync(await DownloadAsync(scientist, view.GetProperty("name").GetString()!, "train"));
        var reference = file.Rows.Where(r => (string)r["source"]! == "reference").ToList();
        Assert.Equal(3, reference.Count);
        Assert.Equal([61.0, 62.0, 63.0], reference.Select(r => (double)r["age"]!));
        Assert.Equal([false, true, false], reference.Select(r => (bool)r["vip"]!));
        Assert.Equal(["1", "0", "1"], reference.Select(r => (string?)r["label"]));
        Assert.Equal([0.7, null, 0.9], reference.Select(r => (double?)r["score"]));
        Assert.All(reference, r =>
        {
            Assert.Equal(string.Empty, r["prediction_id"]);
            Assert.Equal(0L, r["predicted_at"]);
            Assert.Null(r["label_received_at"]);
            Assert.Equal(model, r["model_name"]);
            Assert.Equal(1, r["model_version"]);
        });
        Assert.Equal(typeof(bool), file.TypeOf("vip"));
    }

    [SkippableFact]
    public async Task DatasetStage_BuildsTheQueuedRunsDataset_AndMovesItToTraining_OrFailsIt()
    {
        var (server, clock) = await StartAsync();
        await using var lifetime = server;
        var t0 = clock.GetUtcNow();
        var endpoint = Unique("ep");
        var rows = Enumerable.Range(0, 10).Select(i => Record(endpoint, t0.AddHours(-20 + i), $$"""{"age":{{30 + i}}}""", 0.1)).ToArray();
        var old = Record(endpoint, t0.AddHours(-30), """{"age":1}""", 0.1); // outside the 24 h window
        await InsertAsync(server, [.. rows, old]);
        await FeedbackAsync(server, endpoint, [.. rows.Take(8).Select(r => (r, "1")), (old, "0")]);

        var withData = await CreatePipelineAsync(server, endpoint, new PipelineSpec { Dataset = new DatasetRecipe { WindowHours = 24, HoldoutFraction = 0.25, LabelledOnly = true } });
        // PipelineSpec.ToJson leaves a null dataset out (and Parse then gives the default recipe): a spec says "dataset": null.
        var without = await CreatePipelineAsync(server, endpoint, """{"dataset":null}""");
        var empty = await CreatePipelineAsync(server, Unique("silent"), new PipelineSpec { Dataset = new DatasetRecipe { WindowHours = 24 } });
        var runs = new List<Guid>();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var firing = scope.ServiceProvider.GetRequiredService<PipelineFiring>();
            foreach (var pipeline in new[] { withData, without, empty })
            {
                runs.Add((await firing.FireAsync(pipeline, TriggerKinds.Manual, "test", "tester", "tester")).Run!.Id);
            }
        }

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var stage = scope.ServiceProvider.GetServices<ILoopStage>().OfType<DatasetStage>().Single();
            Assert.Equal(200, stage.Order);
            await stage.TickAsync(CancellationToken.None);
        }

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IPipelineStore>();
            var built = (await store.FindRunAsync(runs[0]))!;
            Assert.Equal(LoopPhases.Training, built.Phase);
            Assert.Equal(PipelineRunStatus.Pending, built.Status);
            var dataset = (await scope.ServiceProvider.GetRequiredService<ITrainingDatasetStore>().FindAsync(built.DatasetId!.Value))!;
            Assert.Equal($"{withData}-run-1", dataset.Name);
            Assert.Equal(built.QueuedAt, dataset.To);
            Assert.Equal(built.QueuedAt, dataset.AsOf);
            Assert.Equal(built.QueuedAt - (24 * 3_600_000), dataset.From);
            Assert.Equal(6, dataset.Rows); // 8 labelled in the window, 2 held out, unlabelled left out
            Assert.Equal(6, dataset.LabelledRows);
            Assert.Equal(2, dataset.HoldoutRows);
            Assert.NotNull(dataset.HoldoutArtifactPath);

            var straight = (await store.FindRunAsync(runs[1]))!;
            Assert.Equal(LoopPhases.Training, straight.Phase);
            Assert.Null(straight.DatasetId);

            var failed = (await store.FindRunAsync(runs[2]))!;
            Assert.Equal(LoopPhases.Failed, failed.Phase);
            Assert.Equal(PipelineRunStatus.Pending, failed.Status);
            Assert.Contains("does not exist and has no logged predictions", failed.Error, StringComparison.Ordinal);
            Assert.False(failed.Active);
        }

        var audit = await (await server.CreateAdminClient().GetAsync("/api/v1/audit?action=pipeline.dataset&limit=100")).Content.ReadAsStringAsync();
        Assert.Contains($"pipeline/{withData}/runs/1", audit, StringComparison.Ordinal);
        Assert.Contains($"pipeline/{empty}/runs/1", audit, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Build_RefusesBadRequests_WithProblems()
    {
        var (server, clock) = await StartAsync();
        await using var lifetime = server;
        var t0 = clock.GetUtcNow();
        var endpoint = Unique("ep");
        await InsertAsync(server, [Record(endpoint, t0.AddMinutes(-5), """{"age":1}""", 0.1)]);
        var scientist = server.CreateClient(await server.CreateTokenAsync(Role.Scientist));
        async Task<JsonElement> RefusedAsync(object body, HttpStatusCode status)
        {
            using var response = await scientist.PostAsJsonAsync("/api/v1/datasets", body);
            return await response.AssertProblemAsync(status);
        }

        var errors = (await RefusedAsync(new { endpoint, from = t0, to = t0.AddHours(-1), holdoutFraction = 1.0, labelDelayMax = "soon" }, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("labelDelayMax", out _));
        errors = (await RefusedAsync(new { endpoint, from = t0, to = t0.AddHours(-1), holdoutFraction = 1.0 }, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("from", out _));
        Assert.True(errors.TryGetProperty("holdoutFraction", out _));
        errors = (await RefusedAsync(new { endpoint, from = t0.AddHours(-1), to = t0, asOf = t0.AddMinutes(1) }, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("future", errors.GetProperty("asOf")[0].GetString(), StringComparison.Ordinal);
        errors = (await RefusedAsync(new { endpoint, from = t0.AddHours(-1), to = t0, asOf = t0.AddMinutes(-30) }, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("asOf", out _));
        errors = (await RefusedAsync(new { from = t0.AddHours(-1), to = t0 }, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("endpoint", out _));
        errors = (await RefusedAsync(new { endpoint, from = t0.AddHours(-1), to = t0, name = "../x" }, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        await RefusedAsync(new { endpoint = Unique("nowhere"), from = t0.AddHours(-1), to = t0 }, HttpStatusCode.NotFound);

        var name = Unique("taken");
        await BuildAsync(scientist, new { endpoint, from = t0.AddHours(-1), to = t0, name });
        await RefusedAsync(new { endpoint, from = t0.AddHours(-1), to = t0, name }, HttpStatusCode.Conflict);
        var view = await (await scientist.GetAsync($"/api/v1/datasets/{name}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Null(view.GetProperty("holdoutArtifactPath").GetString()); // one labelled row at most: nothing held out
        await (await scientist.GetAsync($"/api/v1/datasets/{name}/file?part=holdout")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await scientist.GetAsync($"/api/v1/datasets/{name}/file?part=bogus")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await scientist.GetAsync($"/api/v1/datasets/{Unique("missing")}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await scientist.GetAsync("/api/v1/datasets?limit=0")).AssertProblemAsync(HttpStatusCode.BadRequest);

        var viewer = server.CreateClient(await server.CreateTokenAsync(Role.Viewer));
        using (var forbidden = await viewer.PostAsJsonAsync("/api/v1/datasets", new { endpoint, from = t0.AddHours(-1), to = t0 }))
        {
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        var list = await (await viewer.GetAsync($"/api/v1/datasets?endpoint={endpoint}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(name, Assert.Single(list.GetProperty("datasets").EnumerateArray()).GetProperty("name").GetString());
    }

    private async Task<(FerryTestServer Server, TestClock Clock)> StartAsync()
    {
        DatabaseRequirement.EnsureAvailable(Kind);
        var clock = new TestClock();
        return (await FerryTestServer.StartAsync(Kind, clock: clock), clock);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static PredictionRecord Record(string endpoint, DateTimeOffset at, string inputsJson, double score, int version = 1) => new()
    {
        Id = Guid.CreateVersion7(at),
        EndpointName = endpoint,
        ModelName = "credit-risk",
        ModelVersion = version,
        Timestamp = at.ToUnixTimeMilliseconds(),
        InputsJson = inputsJson,
        OutputsJson = $$"""{"label":"{{(score >= 0.5 ? 1 : 0)}}","score":{{score.ToString("R", CultureInfo.InvariantCulture)}},"probabilities":[{{(1 - score).ToString("R", CultureInfo.InvariantCulture)}},{{score.ToString("R", CultureInfo.InvariantCulture)}}]}""",
        ShadowOutputsJson = """{"credit-risk:9":{"label":"1","score":0.99}}""",
        LatencyMicros = 100,
    };

    private static async Task InsertAsync(FerryTestServer server, PredictionRecord[] records)
    {
        await using var scope = server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(records, skipExisting: false);
    }

    private static async Task FeedbackAsync(FerryTestServer server, string endpoint, params (PredictionRecord Row, string Label)[] labels)
    {
        await using var scope = server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IFeedbackStore>().IngestAsync(endpoint, [.. labels.Select(l => new FeedbackItem(l.Row.Id, l.Label, null))], "tester");
    }

    private static async Task<JsonElement> BuildAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/datasets", body);
        return await response.AssertJsonAsync(HttpStatusCode.Created);
    }

    private static async Task<byte[]> DownloadAsync(HttpClient client, string name, string part)
    {
        using var response = await client.GetAsync($"/api/v1/datasets/{name}/file?part={part}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apache.parquet", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static Task<string> CreatePipelineAsync(FerryTestServer server, string endpoint, PipelineSpec spec) =>
        CreatePipelineAsync(server, endpoint, spec.ToJson());

    private static async Task<string> CreatePipelineAsync(FerryTestServer server, string endpoint, string specJson)
    {
        var name = Unique("pipe");
        await using var scope = server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPipelineStore>().CreateAsync(new TrainingPipeline
        {
            Name = name,
            EndpointName = endpoint,
            ModelName = "credit-risk",
            ExperimentName = name,
            SpecJson = specJson,
        }, "tester");
        return name;
    }
}

public sealed class SqliteDatasetBuildTests : DatasetBuildTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresDatasetBuildTests : DatasetBuildTests
{
    protected override DatabaseKind Kind => DatabaseKind.PostgreSql;
}
