using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Core.Serving;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Pipelines.Datasets;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Serving.Export;

/// <summary>
/// <c>GET /api/v1/endpoints/{name}/predictions/export</c> on a real server: the credit pipeline
/// (../shared/models/gbc_pipeline.onnx) served through the real router, feedback posted, a subject erased, the window
/// exported and read back with Parquet.Net (no pyarrow, pandas or duckdb on this machine's Debian Python), every value
/// compared with what the server answered, what the test sent, and the column types with the model's manifest.
/// </summary>
public abstract class PredictionExportTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    [SkippableFact]
    public async Task Export_OfServedPredictions_HoldsEveryServedValueTypedWithFeedbackSubjectAndErasure()
    {
        var server = fixture.Server;
        var model = UniqueName("export");
        var version = await ServingTestKit.RegisterAsync(server, model, await File.ReadAllBytesAsync(SharedCreditRows.File("gbc_pipeline.onnx")), "gbc_pipeline.onnx");
        var endpoint = UniqueName("export");
        await ServingTestKit.DeployAsync(server, endpoint, new { model, version, weight = 100 });
        var admin = server.CreateAdminClient();
        var approver = server.CreateClient(await server.CreateTokenAsync(Role.Approver));
        using (var set = await approver.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/subject-field", new { field = "applicant_id" }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        await server.Services.GetRequiredService<PolicyCache>().RefreshAsync(endpoint);
        var tag = Guid.NewGuid().ToString("N")[..10];
        var keys = Enumerable.Range(0, 6).Select(i => i < 2 ? $"erased-{tag}" : $"kept-{tag}-{i}").ToArray();
        var rows = SharedCreditRows.Complete().Take(6).ToList();
        rows[3]["months_employed"] = null;
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i]["applicant_id"] = keys[i];
        }

        var started = server.Clock.GetUtcNow();
        var served = new List<JsonElement>();
        foreach (var batch in rows.Chunk(3))
        {
            served.AddRange((await ServingTestKit.PredictAsync(admin, endpoint, batch)).GetProperty("predictions").EnumerateArray());
        }

        var ids = served.Select(p => p.GetProperty("id").GetString()!).ToList();
        await server.WaitForPredictionLogAsync();
        var labels = new Dictionary<string, string> { [ids[1]] = "1", [ids[2]] = "0", [ids[4]] = "1" };
        using (var feedback = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/feedback", new { feedback = labels.Select(l => new { predictionId = l.Key, label = l.Value }) }))
        {
            await feedback.AssertJsonAsync(HttpStatusCode.OK);
        }

        using (var erase = await admin.PostAsJsonAsync("/api/v1/subjects/erase", new { key = keys[0] }))
        {
            Assert.Equal(2, (await erase.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("erased").GetInt32());
        }

        var views = new Dictionary<string, JsonElement>();
        foreach (var id in ids)
        {
            views[id] = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/endpoints/{endpoint}/predictions/{id}");
        }

        var viewer = server.CreateClient(await server.CreateTokenAsync(Role.Viewer));
        var from = started.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture);
        var to = server.Clock.GetUtcNow().AddSeconds(1).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var response = await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/export?from={Uri.EscapeDataString(from)}&to={to}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.apache.parquet", response.Content.Headers.ContentType?.MediaType);
        var file = await DatasetParquet.ReadAsync(await response.Content.ReadAsByteArrayAsync());

        // Columns: fixed ones, the model's inputs in its order and with its types (from the manifest), the outputs.
        var inputs = Manifest();
        var classes = served[0].GetProperty("probabilities").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(
            [
                "prediction_id", "timestamp", "model_name", "model_version", "latency_micros", .. inputs.Select(i => i.Name),
                "label", "score", .. classes.Select(c => "probability_" + c),
                "feedback_label", "feedback_value", "feedback_received_at", "subject_hash", "erased_at",
            ],
            file.Names);
        foreach (var (name, type) in inputs)
        {
            Assert.Equal(type == "tensor(float)" ? typeof(float) : typeof(string), file.TypeOf(name));
        }

        Assert.Equal(typeof(DateTime), file.TypeOf("timestamp"));
        Assert.Equal(typeof(long), file.TypeOf("latency_micros"));

        // Every row, compared with what was sent, answered, posted and erased.
        Assert.Equal(ids.Order(StringComparer.Ordinal), file.Rows.Select(r => (string)r["prediction_id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(file.Rows.Select(r => (DateTime)r["timestamp"]!).Order(), file.Rows.Select(r => (DateTime)r["timestamp"]!));
        var secret = Convert.FromBase64String(await File.ReadAllTextAsync(SubjectKeys.DefaultKeyFile(server.DataDirectory)));
        foreach (var row in file.Rows)
        {
            var i = ids.IndexOf((string)row["prediction_id"]!);
            var view = views[ids[i]];
            Assert.Equal(view.GetProperty("timestamp").GetDateTimeOffset().UtcDateTime, (DateTime)row["timestamp"]!);
            Assert.Equal(DateTimeKind.Utc, ((DateTime)row["timestamp"]!).Kind);
            Assert.Equal(model, row["model_name"]);
            Assert.Equal(version, row["model_version"]);
            Assert.Equal(view.GetProperty("latencyMicros").GetInt64(), row["latency_micros"]);
            var erased = i < 2;
            foreach (var (name, type) in inputs)
            {
                var sent = rows[i][name];
                object? expected = erased || sent is null ? null
                    : type == "tensor(float)" ? (float)sent.GetValue<double>() : sent.GetValue<string>();
                Assert.Equal(expected, row[name]);
            }

            var answer = served[i];
            Assert.Equal(answer.GetProperty("label").ToString(), row["label"]);
            Assert.Equal(answer.TryGetProperty("score", out var score) ? score.GetDouble() : null, (double?)row["score"]);
            foreach (var c in classes)
            {
                Assert.Equal(answer.GetProperty("probabilities").GetProperty(c).GetDouble(), (double?)row["probability_" + c]);
            }

            var hasFeedback = view.TryGetProperty("feedback", out var fb) && fb.ValueKind == JsonValueKind.Object;
            Assert.Equal(hasFeedback ? fb.GetProperty("label").GetString() : null, row["feedback_label"]);
            Assert.Equal(hasFeedback ? fb.GetProperty("receivedAt").GetDateTimeOffset().UtcDateTime : null, (DateTime?)row["feedback_received_at"]);
            Assert.Null(row["feedback_value"]);
            if (!erased && labels.TryGetValue(ids[i], out var label))
            {
                Assert.Equal(label, row["feedback_label"]);
            }

            Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(keys[i]))), row["subject_hash"]);
            Assert.Equal(erased ? view.GetProperty("inputsErasedAt").GetDateTimeOffset().UtcDateTime : null, (DateTime?)row["erased_at"]);
        }

        Assert.Null(file.Rows.Single(r => (string)r["prediction_id"]! == ids[3])["months_employed"]);
    }

    [SkippableFact]
    public async Task Export_WindowBounds_IncludeFromExcludeToAndAnEmptyWindowIsAValidFile()
    {
        var server = fixture.Server;
        var endpoint = UniqueName("bounds");
        Guid[] ids = [Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7()];
        PredictionRecord Row(int i, long at, string inputs) => new()
        {
            Id = ids[i],
            EndpointName = endpoint,
            ModelName = "unregistered",
            ModelVersion = 3,
            Timestamp = at,
            InputsJson = inputs,
            OutputsJson = """{"label":"yes","score":0.25}""",
            LatencyMicros = 100 + i,
        };

        using (var scope = server.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(
            [
                Row(0, 1_000, """{"x":0.5,"flag":true,"city":"Oslo"}"""),
                Row(1, 2_000, """{"x":1.5,"flag":false,"city":"Bergen"}"""),
                Row(2, 2_000, """{"x":null,"flag":null,"city":3}"""),
                Row(3, 3_000, """{"x":2.5,"flag":true,"city":"Tromsø"}"""),
            ], skipExisting: false);
        }

        var viewer = server.CreateClient(await server.CreateTokenAsync(Role.Viewer));

        // [2000, 3000): the two rows at 2000, not those at 1000 or 3000; ISO 8601 and epoch ms both accepted.
        var window = await ExportAsync(viewer, endpoint, "1970-01-01T00:00:02Z", "3000");
        Assert.Equal(ids.Skip(1).Take(2).Select(i => i.ToString()).Order(), window.Rows.Select(r => (string)r["prediction_id"]!).Order());
        Assert.Equal(typeof(double), window.TypeOf("x"));
        Assert.Equal(typeof(bool), window.TypeOf("flag"));
        Assert.Equal(typeof(string), window.TypeOf("city"));
        var second = window.Rows.Single(r => (string)r["prediction_id"]! == ids[1].ToString());
        Assert.Equal(1.5, second["x"]);
        Assert.Equal(false, second["flag"]);
        Assert.Equal("Bergen", second["city"]);
        Assert.Equal(0.25, second["score"]);
        Assert.Equal("yes", second["label"]);
        var third = window.Rows.Single(r => (string)r["prediction_id"]! == ids[2].ToString());
        Assert.Null(third["x"]);
        Assert.Null(third["flag"]);
        Assert.Equal("3", third["city"]);

        // The whole log in (time, id) order.
        var all = await ExportAsync(viewer, endpoint, "0", "4000");
        Assert.Equal([1_000L, 2_000L, 2_000L, 3_000L], all.Rows.Select(r => new DateTimeOffset((DateTime)r["timestamp"]!).ToUnixTimeMilliseconds()));

        // An empty window: a valid file with the fixed columns and no rows.
        var empty = await ExportAsync(viewer, endpoint, "3001", "3001");
        Assert.Empty(empty.Rows);
        Assert.Contains("prediction_id", empty.Names);
        Assert.Contains("erased_at", empty.Names);
    }

    [SkippableFact]
    public async Task Export_RightAfterServing_HoldsTheRowsTheLogWriterStillHeld()
    {
        // Its own server on a TestClock: the log's writer waits out a flush interval that never elapses.
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        var clock = new TestClock();
        await using var server = await FerryTestServer.StartAsync(fixture.Kind, clock: clock);
        var endpoint = UniqueName("held");
        var at = clock.GetUtcNow().AddMinutes(-1).ToUnixTimeMilliseconds();
        var rows = Enumerable.Range(0, 3).Select(i => new PredictionRecord
        {
            Id = Guid.CreateVersion7(),
            EndpointName = endpoint,
            ModelName = "unregistered",
            ModelVersion = 1,
            Timestamp = at + i,
            InputsJson = $$"""{"x":{{i}}.5}""",
            OutputsJson = """{"label":"yes","score":0.25}""",
            LatencyMicros = 100,
        }).ToArray();
        var log = server.Services.GetRequiredService<PredictionLog>();
        Assert.True(await log.TryEnqueueAsync(rows));

        var file = await ExportAsync(server.CreateAdminClient(), endpoint, "0", (at + 10).ToString(CultureInfo.InvariantCulture)).WaitAsync(TestClock.Bound);

        Assert.Equal(rows.Select(r => r.Id.ToString()).Order(), file.Rows.Select(r => (string)r["prediction_id"]!).Order());
        Assert.Equal(0, log.Count);
    }

    [SkippableFact]
    public async Task Export_BadInput_AnswersProblemJsonNever5xx()
    {
        var server = fixture.Server;
        var endpoint = await ServingTestKit.DeployModelAsync(server, "linear.onnx");
        var viewer = server.CreateClient(await server.CreateTokenAsync(Role.Viewer));
        var path = $"/api/v1/endpoints/{endpoint}/predictions/export";
        foreach (var (query, status) in new (string, HttpStatusCode)[]
        {
            ("?from=2000&to=1000", HttpStatusCode.BadRequest),
            ("?from=yesterday&to=1000", HttpStatusCode.BadRequest),
            ("?from=1000", HttpStatusCode.BadRequest),
            ("?to=1000", HttpStatusCode.BadRequest),
        })
        {
            using var response = await viewer.GetAsync(path + query);
            await response.AssertProblemAsync(status);
        }

        using (var unknown = await viewer.GetAsync($"/api/v1/endpoints/{UniqueName("none")}/predictions/export?from=0&to=1000"))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using (var anonymous = await server.CreateClient().GetAsync(path + "?from=0&to=1000"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var fine = await viewer.GetAsync(path + "?from=0&to=1000");
        Assert.Empty((await DatasetParquet.ReadAsync(await fine.Content.ReadAsByteArrayAsync())).Rows);
    }

    private static async Task<DatasetParquet> ExportAsync(HttpClient client, string endpoint, string from, string to)
    {
        using var response = await client.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/export?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await DatasetParquet.ReadAsync(await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The model's inputs and types as the shared models' manifest lists them (written by the Python exporter).</summary>
    private static List<(string Name, string Type)> Manifest()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(SharedCreditRows.File("manifest.json")));
        return [.. manifest.RootElement.GetProperty("models").GetProperty("gbc_pipeline").GetProperty("inputs").EnumerateArray()
            .Select(i => (i.GetProperty("name").GetString()!, i.GetProperty("type").GetString()!))];
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqlitePredictionExportTests(SqliteServerFixture fixture) : PredictionExportTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresPredictionExportTests(PostgresServerFixture fixture) : PredictionExportTests<PostgresServerFixture>(fixture);
