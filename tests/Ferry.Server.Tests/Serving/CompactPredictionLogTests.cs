using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ferry.Core.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>
/// The prediction log's compact encoding on a real server, on SQLite and PostgreSQL: every acknowledged prediction of
/// the shared credit pipeline is stored typed and reads back as exactly the JSON text the router logged (computed here
/// from test.csv with System.Text.Json's writer, not by Ferry); rows kept as raw JSON (as the migration leaves them)
/// read back unchanged; a new shape is registered once however many writers race.
/// </summary>
public abstract class CompactPredictionLogTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task EveryCreditRow_ThroughTheRouter_IsStoredTypedAndReadsBackAsLogged()
    {
        var model = $"compact-{Guid.NewGuid():N}";
        var version = await ServingTestKit.RegisterAsync(Server, model, await File.ReadAllBytesAsync(SharedCreditRows.File("gbc_pipeline.onnx")), "gbc_pipeline.onnx");
        var endpoint = $"compact-{Guid.NewGuid():N}";
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        var rows = SharedCreditRows.WithLoggedInputs().ToList();
        var (records, expectedInputs) = (rows.ConvertAll(r => r.Record), rows.ConvertAll(r => r.LoggedInputs));
        var expected = new Dictionary<Guid, (string Inputs, string Outputs)>();
        var client = Server.CreateAdminClient();
        foreach (var chunk in records.Select((r, i) => (r, i)).Chunk(100))
        {
            var answer = await ServingTestKit.PredictAsync(client, endpoint, chunk.Select(c => c.r));
            var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal(chunk.Length, predictions.Count);
            for (var k = 0; k < chunk.Length; k++)
            {
                expected[Guid.Parse(predictions[k].GetProperty("id").GetString()!)] = (expectedInputs[chunk[k].i], Outputs(predictions[k]));
            }
        }

        await Server.WaitForPredictionLogAsync();
        Assert.Equal(800, expected.Count);

        // Stored typed: every blob starts with the typed tag.
        var raw = await RawBlobsAsync(endpoint);
        Assert.Equal(800, raw.Count);
        Assert.All(raw, blob => Assert.Equal(1, blob.Inputs[0]));
        Assert.All(raw, blob => Assert.Equal(1, blob.Outputs[0]));

        // And read back as the router's text, byte for byte.
        await using var db = Server.Database.CreateContext();
        var stored = await db.Set<PredictionRecord>().AsNoTracking().Where(p => p.EndpointName == endpoint).ToListAsync();
        Assert.Equal(800, stored.Count);
        foreach (var row in stored)
        {
            Assert.Equal(expected[row.Id].Inputs, row.InputsJson);
            Assert.Equal(expected[row.Id].Outputs, row.OutputsJson);
        }
    }

    [SkippableFact]
    public async Task RawJsonRow_AsTheMigrationLeavesIt_ReadsBackItsText()
    {
        var endpoint = $"raw-{Guid.NewGuid():N}";
        var id = Guid.CreateVersion7();
        const string Inputs = """{"income": 1.5, "note": "kept as it was"}""";
        const string Outputs = """{"label":"1"}""";
        await using (var db = Server.Database.CreateContext())
        {
            string Blob(string parameter) => db.IsPostgreSql ? $"convert_to({parameter}, 'UTF8')" : $"CAST({parameter} AS BLOB)";
            var sql = "INSERT INTO predictions (id, endpoint_name, model_name, model_version, \"timestamp\", inputs, outputs, latency_micros) "
                + $"VALUES ({{2}}, {{3}}, 'm', 1, 1, {Blob("{0}")}, {Blob("{1}")}, 5)";
            // EF keeps SQLite's GUIDs as upper-case text.
            object key = db.IsPostgreSql ? id : id.ToString().ToUpperInvariant();
            await db.Database.ExecuteSqlRawAsync(sql, Inputs, Outputs, key, endpoint);
        }

        await using var scope = Server.Services.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<IPredictionStore>().FindAsync(endpoint, id);
        Assert.Equal(Inputs, found?.Prediction.InputsJson);
        Assert.Equal(Outputs, found?.Prediction.OutputsJson);
    }

    [SkippableFact]
    public async Task NewShape_WrittenByRacingWriters_IsRegisteredOnceAndEveryRowReadsBack()
    {
        var endpoint = $"race-{Guid.NewGuid():N}";
        var feature = $"f_{Guid.NewGuid():N}";
        var batches = Enumerable.Range(0, 4).Select(b => Enumerable.Range(0, 50).Select(i => new PredictionRecord
        {
            Id = Guid.CreateVersion7(),
            EndpointName = endpoint,
            ModelName = "m",
            ModelVersion = 1,
            Timestamp = 1_000 + i,
            InputsJson = $$"""{"{{feature}}":{{(b * 50) + i}},"x":0.25}""",
            OutputsJson = """{"label":"0","score":0.5}""",
        }).ToList()).ToList();

        await Task.WhenAll(batches.Select(async batch =>
        {
            await using var scope = Server.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(batch, skipExisting: false);
        }));

        await using var db = Server.Database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using (var count = connection.CreateCommand())
        {
            count.CommandText = $"SELECT count(*) FROM prediction_schemas WHERE structure LIKE '%{feature}%'";
            Assert.Equal(1L, Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        }

        var stored = await db.Set<PredictionRecord>().AsNoTracking().Where(p => p.EndpointName == endpoint).ToDictionaryAsync(p => p.Id);
        Assert.Equal(200, stored.Count);
        Assert.All(batches.SelectMany(b => b), r => Assert.Equal(r.InputsJson, stored[r.Id].InputsJson));
        Assert.All((await RawBlobsAsync(endpoint)).Select(b => b.Inputs), blob => Assert.Equal(1, blob[0]));
    }

    private async Task<List<(byte[] Inputs, byte[] Outputs)>> RawBlobsAsync(string endpoint)
    {
        await using var db = Server.Database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT inputs, outputs FROM predictions WHERE endpoint_name = @endpoint";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@endpoint";
        parameter.Value = endpoint;
        command.Parameters.Add(parameter);
        var rows = new List<(byte[], byte[])>();
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1)));
        }

        return rows;
    }

    // The logged answer: label, score, then probabilities by class, as the API returned them.
    private static string Outputs(JsonElement prediction)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("label", prediction.GetProperty("label").GetString());
            if (prediction.TryGetProperty("score", out var score))
            {
                writer.WriteNumber("score", score.GetDouble());
            }

            writer.WriteStartObject("probabilities");
            foreach (var p in prediction.GetProperty("probabilities").EnumerateObject())
            {
                writer.WriteNumber(p.Name, p.Value.GetDouble());
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

public sealed class SqliteCompactPredictionLogTests(SqliteServerFixture fixture) : CompactPredictionLogTests<SqliteServerFixture>(fixture);

public sealed class PostgresCompactPredictionLogTests(PostgresServerFixture fixture) : CompactPredictionLogTests<PostgresServerFixture>(fixture);
