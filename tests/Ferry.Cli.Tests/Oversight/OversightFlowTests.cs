using System.Data.Common;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Ferry.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using static Ferry.Cli.Tests.Infrastructure.CliAssert;

namespace Ferry.Cli.Tests.Oversight;

/// <summary>
/// Issue 19's done-when flow on SQLite and PostgreSQL, against a real <c>ferry server</c> process driven by the real CLI:
/// refusals of a real credit pipeline are reviewed and one is overridden, the override-rate alert opens above its limit,
/// a data subject is exported then erased (after which a raw scan of every column of every table finds none of their
/// personal inputs) while <c>ferry audit verify --predictions</c> still passes, and altering one logged row by hand makes
/// it fail and name that row.
/// </summary>
public abstract class OversightFlowTests(DatabaseKind kind)
{
    private const string Endpoint = "credit";
    private const string Subject = "applicant-7781-zq";

    // The subject's two applications carry values no other row has: their income and loan amount (float32-exact).
    private const double SubjectIncome = 987654.25;
    private const double SubjectLoan = 31337.5;

    [SkippableFact]
    public async Task Oversight_ReviewOverrideEraseAndTamper_EndToEnd()
    {
        DatabaseRequirement.EnsureAvailable(kind);
        await using var database = await TestDatabase.CreateAsync(kind);
        using var data = new Infrastructure.TempDirectory("ferry-oversight");
        using var server = await FerryServerProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["FERRY_DATABASE"] = database.ConnectionString,
            ["Ferry__Oversight__OverrideRateMinReviewed"] = "5",
        });
        var admin = (await File.ReadAllTextAsync(server.AdminTokenFile)).Trim();
        using var client = new FerryClient(server.Url, admin);
        var alice = (await client.Tokens.CreateAsync("alice", "approver")).Secret;

        Succeeded(await server.RunAsync(admin, "models", "register", SharedCreditRows.File("lr_pipeline.onnx"), "--name", "credit-lr"));
        // A reference sample (the first 300 training rows with their label), so decisions can be explained.
        var train = File.ReadAllLines(SharedCreditRows.File("train.csv")).Take(301).Select(l => string.Join(',', l.Split(',')[..21]));
        var reference = Path.Combine(data.Path, "reference.csv");
        await File.WriteAllLinesAsync(reference, train);
        Succeeded(await server.RunAsync(admin, "models", "reference", "credit-lr", "1", reference, "--label", "default"));
        Succeeded(await server.RunAsync(admin, "deploy", Endpoint, "--model", "credit-lr", "--version", "1"));
        Succeeded(await server.RunAsync(alice, "endpoints", "subject-field", Endpoint, "applicant_id"));
        // Durable: each answer waits for its log rows, so the rows can be reviewed at once.
        Succeeded(await server.RunAsync(admin, "endpoints", "durability", Endpoint, "durable"));
        Succeeded(await server.RunAsync(alice, "endpoints", "review-settings", Endpoint, "--override-rate-limit", "0.15"));

        // 40 applications; the subject made two of them (rows 3 and 9).
        var records = SharedCreditRows.Complete().Take(40).ToList();
        for (var i = 0; i < records.Count; i++)
        {
            records[i]["applicant_id"] = i is 3 or 9 ? Subject : $"applicant-{i:000}";
        }

        records[3]["income"] = SubjectIncome;
        records[9]["loan_amount"] = SubjectLoan;
        using var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var answer = await PostAsync(http, $"/api/v1/endpoints/{Endpoint}/predict", new JsonObject { ["records"] = new JsonArray([.. records]) });
        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(40, predictions.Count);
        var ids = predictions.Select(p => p.GetProperty("id").GetString()!).ToList();
        var refusals = predictions.Where(p => p.GetProperty("label").ToString() == "1").Select(p => p.GetProperty("id").GetString()!).ToList();
        Assert.True(refusals.Count >= 5, $"{refusals.Count} refusals");

        // Refusals reviewed: four confirmed (no alert: the rate is 0), then one overridden (1/5 = 0.2 > 0.15: the alert opens).
        for (var i = 0; i < 4; i++)
        {
            Succeeded(await server.RunAsync(alice, "endpoints", "review", Endpoint, refusals[i], "--action", "confirm", "--reason", "income verified"));
        }

        Assert.Empty(await OverrideAlertsAsync(http));
        var overridden = refusals[4];
        var review = Json(await server.RunAsync(alice, "endpoints", "review", Endpoint, overridden, "--action", "override", "--outcome", "0",
            "--reason", "payslips show stable employment", "--output", "json"));
        Assert.Equal("override", review.GetProperty("action").GetString());
        var alert = Assert.Single(await OverrideAlertsAsync(http));
        Assert.Contains(Endpoint, alert.ToString(), StringComparison.Ordinal);
        var logged = await GetAsync(http, $"/api/v1/endpoints/{Endpoint}/predictions/{overridden}");
        Assert.Equal("0", logged.GetProperty("review").GetProperty("outcome").GetString());

        // Seal the log (the open hour included) and verify it.
        Succeeded(await server.RunAsync(admin, "audit", "seal"));
        Succeeded(await server.RunAsync(admin, "audit", "verify", "--predictions"));

        // Export: both of the subject's decisions, each with its explanation.
        var export = Json(await server.RunAsync(alice, "subjects", "export", Subject, "--output", "json"));
        var decisions = export.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(new[] { ids[3], ids[9] }.Order(StringComparer.Ordinal), decisions.Select(d => d.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(decisions, d => Assert.Contains("reason", d.GetProperty("explanation").ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.Contains(SubjectIncome.ToString(CultureInfo.InvariantCulture), export.ToString(), StringComparison.Ordinal);

        // The key itself is never stored (only its keyed hash); before erasure the raw scan finds the subject's inputs.
        Assert.Empty(await ScanAsync(database, Subject));
        Assert.Contains("predictions.inputs", await ScanAsync(database, SubjectIncome.ToString(CultureInfo.InvariantCulture)));
        Succeeded(await server.RunAsync(admin, "subjects", "erase", Subject, "--yes"));
        foreach (var value in new[] { Subject, SubjectIncome.ToString(CultureInfo.InvariantCulture), SubjectLoan.ToString(CultureInfo.InvariantCulture) })
        {
            var found = await ScanAsync(database, value);
            Assert.True(found.Count == 0, $"'{value}' is still in {string.Join(", ", found)}");
        }

        // Other applicants' inputs are intact, and the erased decisions' records are kept.
        Assert.Contains("predictions.inputs", await ScanAsync(database, records[5]["income"]!.ToJsonString()));
        var erased = await GetAsync(http, $"/api/v1/endpoints/{Endpoint}/predictions/{ids[3]}");
        Assert.Equal(predictions[3].GetProperty("label").ToString(), erased.GetProperty("outputs").GetProperty("label").ToString());
        Succeeded(await server.RunAsync(admin, "audit", "verify", "--predictions"));
        Succeeded(await server.RunAsync(admin, "audit", "verify"));

        // Altering one logged row by hand: verification fails and names that row.
        var altered = ids[20];
        await AlterOutputsAsync(database, altered);
        var failed = await server.RunAsync(admin, "audit", "verify", "--predictions");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains(altered, failed.Stdout + failed.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await server.StopAsync());
    }

    private static async Task<List<JsonElement>> OverrideAlertsAsync(HttpClient http)
    {
        var alerts = await GetAsync(http, "/api/v1/alerts?status=open");
        return [.. alerts.GetProperty("alerts").EnumerateArray().Where(a => a.ToString().Contains("override-rate", StringComparison.Ordinal))];
    }

    /// <summary>Every table and column of the database (from its catalog) whose text contains <paramref name="value"/>.</summary>
    private static async Task<List<string>> ScanAsync(TestDatabase database, string value)
    {
        await using var connection = Open(database);
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = database.Kind == DatabaseKind.Sqlite
                ? "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
                : "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.Contains(columns, c => c.Table == "predictions");
        var found = new List<string>();
        foreach (var (table, column) in columns)
        {
            await using var command = connection.CreateCommand();
            var text = database.Kind == DatabaseKind.Sqlite ? $"CAST(\"{column}\" AS TEXT)" : $"\"{column}\"::text";
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\" WHERE {text} LIKE @pattern";
            var pattern = command.CreateParameter();
            pattern.ParameterName = "@pattern";
            pattern.Value = "%" + value + "%";
            command.Parameters.Add(pattern);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0
                || (table == "predictions" && column is "inputs" or "outputs" or "shadow_outputs" && await StoredValuePatterns.AnyBinaryInAsync(connection, database.Kind == DatabaseKind.PostgreSql, table, column, value)))
            {
                found.Add($"{table}.{column}");
            }
        }

        return found;
    }

    private static async Task AlterOutputsAsync(TestDatabase database, string id)
    {
        await using var connection = Open(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = database.Kind == DatabaseKind.Sqlite
            ? $"UPDATE predictions SET outputs = CAST('{{\"label\":\"altered\"}}' AS BLOB) WHERE upper(id) = upper('{id}')"
            : $"UPDATE predictions SET outputs = convert_to('{{\"label\":\"altered\"}}', 'UTF8') WHERE id = '{id}'::uuid";
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static DbConnection Open(TestDatabase database) => database.Kind == DatabaseKind.Sqlite
        ? new SqliteConnection(database.ConnectionString)
        : new NpgsqlConnection(database.ConnectionString);

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, JsonObject body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(Succeeded(result).Stdout).RootElement.Clone();

}

/// <summary>The flow on the embedded SQLite database.</summary>
public sealed class SqliteOversightFlowTests() : OversightFlowTests(DatabaseKind.Sqlite);

/// <summary>The flow on PostgreSQL (skipped without <c>FERRY_TEST_POSTGRES</c>).</summary>
public sealed class PostgresOversightFlowTests() : OversightFlowTests(DatabaseKind.PostgreSql);
