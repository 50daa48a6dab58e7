using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Dashboard;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>
/// Data-subject rights on a real credit model (../shared/models gbc_pipeline) served by a real server: subject keys are
/// logged only as the documented HMAC, export returns exactly the subject's decisions with their explanations, and
/// erasure leaves none of the subject's key or distinctive inputs anywhere in the database (a raw scan of every text
/// and binary column of every table the database's catalog lists) while other subjects' rows stay intact.
/// </summary>
public abstract class SubjectRightsTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    [SkippableFact]
    public async Task SubjectField_OnPredict_LogsTheHmacOfTheKeyAndNeverTheKey()
    {
        var endpoint = await DeployAsync();
        var approver = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Approver));
        var scientist = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Scientist));
        using (var refused = await scientist.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/subject-field", new { field = "applicant_id" }))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var set = await approver.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/subject-field", new { field = "applicant_id" }))
        {
            Assert.Equal("applicant_id", (await set.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("field").GetString());
        }

        var key = "A-" + Guid.NewGuid().ToString("N");
        var rows = SharedCreditRows.Complete().Take(3).ToList();
        rows[0]["applicant_id"] = key;
        rows[1]["applicant_id"] = 4_200_017;
        var ids = await PredictAsync(endpoint, rows);
        await fixture.Server.WaitForPredictionLogAsync();

        var secret = Convert.FromBase64String(await File.ReadAllTextAsync(SubjectKeys.DefaultKeyFile(fixture.Server.DataDirectory)));
        Assert.Equal(32, secret.Length);
        var stored = await SubjectHashesAsync(ids);
        Assert.Equal(Hmac(secret, key), stored[ids[0]]);
        Assert.Equal(Hmac(secret, "4200017"), stored[ids[1]]);
        Assert.Null(stored[ids[2]]);
        Assert.Empty(await ScanAsync(key));
        var audit = await fixture.Server.CreateAdminClient().GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=endpoint.subject-field&target=endpoint/{endpoint}");
        Assert.Single(audit.GetProperty("events").EnumerateArray());

        // A suspended endpoint still accepts the field, and its fallback answer joins the subject's record.
        using (var suspend = await approver.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend", new { reason = "audit" }))
        {
            await suspend.AssertJsonAsync(HttpStatusCode.OK);
        }

        var fallback = SharedCreditRows.Complete().Skip(3).Take(1).ToList();
        fallback[0]["applicant_id"] = key;
        var fallbackIds = await PredictAsync(endpoint, fallback);
        await fixture.Server.WaitForPredictionLogAsync();
        Assert.Equal(Hmac(secret, key), (await SubjectHashesAsync(fallbackIds))[fallbackIds[0]]);
        Assert.Empty(await ScanAsync(key));
    }

    [SkippableFact]
    public async Task ExportThenErase_LeavesNoPersonalInputOfTheSubject_AndKeepsTheDecisionRecords()
    {
        var endpoint = await DeployAsync();
        var admin = fixture.Server.CreateAdminClient();
        var approver = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Approver));
        using (var set = await approver.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/subject-field", new { field = "applicant_id" }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        await fixture.Server.Services.GetRequiredService<PolicyCache>().RefreshAsync(endpoint);
        var tag = Guid.NewGuid().ToString("N")[..10];
        var (keyA, keyB) = ($"applicant-a-{tag}", $"applicant-b-{tag}");
        // Subject A's distinctive inputs: an income no one else has (the bucket's maximum) and an unseen employment type.
        var (incomeA, employmentA) = (9_876_543.21, $"astronaut-{tag}");
        var (incomeB, employmentB) = (8_765_432.1, $"diver-{tag}");
        var rows = SharedCreditRows.Complete().Skip(10).Take(4).ToList();
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            var a = i < 2;
            row["applicant_id"] = a ? keyA : keyB;
            row["income"] = a ? incomeA + i : incomeB + i;
            row["employment_type"] = a ? employmentA : employmentB;
        }

        var ids = await PredictAsync(endpoint, rows);
        await fixture.Server.WaitForPredictionLogAsync();
        using (var feedback = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/feedback", new { feedback = ids.Select(id => new { predictionId = id.ToString(), label = "1" }) }))
        {
            await feedback.AssertJsonAsync(HttpStatusCode.OK);
        }

        await fixture.Server.Services.GetRequiredService<ProfileCollector>().FlushAsync();
        // Before erasure the scan sees the subject everywhere it is: the log and the profile bucket's unseen categories.
        var before = await ScanAsync(employmentA);
        Assert.Contains("predictions.inputs", before);
        Assert.Contains("profile_buckets.profile_json", before);
        Assert.NotEmpty(await ScanAsync(Number(incomeA + 1)));

        // A viewer or scientist may not export; an approver may, and gets exactly A's two decisions with explanations.
        var scientist = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Scientist));
        using (var refused = await scientist.PostAsJsonAsync("/api/v1/subjects/export", new { key = keyA }))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        var export = await PostAsync(approver, "/api/v1/subjects/export", keyA);
        var decisions = export.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(ids.Take(2).Order(), decisions.Select(d => d.GetProperty("id").GetGuid()).Order());
        var originalInputs = new Dictionary<Guid, string>();
        foreach (var d in decisions)
        {
            Assert.Equal(endpoint, d.GetProperty("endpoint").GetString());
            Assert.Equal(employmentA, d.GetProperty("inputs").GetProperty("employment_type").GetString());
            Assert.False(d.GetProperty("inputs").TryGetProperty("applicant_id", out _));
            var reasons = d.GetProperty("explanation").GetProperty("reasonCodes").EnumerateArray().ToList();
            Assert.NotEmpty(reasons);
            Assert.Equal("1", d.GetProperty("feedback").GetProperty("label").GetString());
            originalInputs[d.GetProperty("id").GetGuid()] = await RawInputsAsync(d.GetProperty("id").GetGuid());
        }

        // Only an admin erases.
        using (var refused = await approver.PostAsJsonAsync("/api/v1/subjects/erase", new { key = keyA }))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        var erasure = await PostAsync(admin, "/api/v1/subjects/erase", keyA);
        Assert.Equal(2, erasure.GetProperty("erased").GetInt32());
        Assert.Equal(2, erasure.GetProperty("feedback").GetInt32());
        Assert.Equal(1, erasure.GetProperty("profileBuckets").GetInt32() + erasure.GetProperty("profileBucketsRemoved").GetInt32());

        foreach (var value in new[] { keyA, employmentA, Number(incomeA), Number(incomeA + 1) })
        {
            Assert.True((await ScanAsync(value)).Count == 0, $"'{value}' is still in {string.Join(", ", await ScanAsync(value))}");
        }

        // The other subject is intact, in the log and in the profile.
        Assert.Contains("predictions.inputs", await ScanAsync(employmentB));
        Assert.Contains("profile_buckets.profile_json", await ScanAsync(employmentB));
        var exportB = await PostAsync(approver, "/api/v1/subjects/export", keyB);
        Assert.All(exportB.GetProperty("decisions").EnumerateArray(), d => Assert.Equal("1", d.GetProperty("feedback").GetProperty("label").GetString()));

        // The decision records stay: output, reason codes (without values), and the digest of the inputs they had.
        var after = (await PostAsync(approver, "/api/v1/subjects/export", keyA)).GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(2, after.Count);
        foreach (var d in after)
        {
            var id = d.GetProperty("id").GetGuid();
            Assert.Equal(JsonValueKind.Null, d.GetProperty("inputs").ValueKind);
            Assert.True(d.TryGetProperty("erasedAt", out _));
            Assert.Equal(Sha256(originalInputs[id]), d.GetProperty("inputDigest").GetString());
            Assert.NotEmpty(d.GetProperty("erasedReasons").EnumerateArray());
            Assert.True(d.GetProperty("output").TryGetProperty("probabilities", out _));
            Assert.False(d.TryGetProperty("feedback", out _));
        }

        // Audited with the hash and the counts, never the key.
        var events = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=subject.")).GetProperty("events").EnumerateArray().ToList();
        var hash = export.GetProperty("subjectHash").GetString()!;
        Assert.Contains(events, e => e.GetProperty("action").GetString() == "subject.erase" && e.GetProperty("target").GetString() == $"subject/{hash}");
        Assert.Contains(events, e => e.GetProperty("action").GetString() == "subject.export" && e.GetProperty("target").GetString() == $"subject/{hash}");
        Assert.DoesNotContain(events, e => e.GetRawText().Contains(keyA, StringComparison.Ordinal));

        // Idempotent: a second erasure finds nothing left to erase.
        var again = await PostAsync(admin, "/api/v1/subjects/erase", keyA);
        Assert.Equal(0, again.GetProperty("erased").GetInt32());
        Assert.Equal(2, again.GetProperty("alreadyErased").GetInt32());

        // The prediction log's API says the inputs were erased; the explanation of an erased row says why there is none.
        using var explained = await admin.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[0]}/explanation");
        var problem = await explained.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("erased", problem.GetRawText(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task SubjectsPage_IsForAdminsOnly_AndErasesAfterConfirmation()
    {
        var endpoint = await DeployAsync();
        var admin = fixture.Server.CreateAdminClient();
        using (var set = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/subject-field", new { field = "applicant_id" }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        var key = "page-" + Guid.NewGuid().ToString("N");
        var purpose = "page-purpose-" + Guid.NewGuid().ToString("N");
        var row = SharedCreditRows.Complete().Skip(20).First();
        row["applicant_id"] = key;
        row["loan_purpose"] = purpose;
        var ids = await PredictAsync(endpoint, [row]);
        await fixture.Server.WaitForPredictionLogAsync();

        using (var approver = new DashboardBrowser(fixture.Server.Address))
        {
            (await approver.SignInAsync(await fixture.Server.CreateTokenAsync(Role.Approver))).Dispose();
            using var page = await approver.GetAsync("/ui/subjects");
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        }

        using var browser = new DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(fixture.Server.AdminToken)).Dispose();
        using (var page = await browser.GetAsync("/ui/subjects"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var forged = await browser.PostFormAsync("/ui/subjects", [new("key", key)], withFormToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var found = await browser.PostFormAsync("/ui/subjects", [new("key", key)]))
        {
            var html = await found.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Contains(ids[0].ToString(), html, StringComparison.Ordinal);
        }

        using (var unconfirmed = await browser.PostFormAsync("/ui/subjects/erase", [new("key", key), new("confirm", "yes")]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        }

        Assert.NotEmpty(await ScanAsync(purpose));
        using (var erased = await browser.PostFormAsync("/ui/subjects/erase", [new("key", key), new("confirm", "ERASE")]))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
            Assert.Contains("erasure-result", await erased.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var export = await PostAsync(admin, "/api/v1/subjects/export", key);
        Assert.True(export.GetProperty("decisions")[0].TryGetProperty("erasedAt", out _));
        Assert.Empty(await ScanAsync(purpose));
    }

    private async Task<string> DeployAsync()
    {
        var model = UniqueName("subjects");
        var version = await ServingTestKit.RegisterAsync(fixture.Server, model, await File.ReadAllBytesAsync(SharedCreditRows.File("gbc_pipeline.onnx")), "gbc_pipeline.onnx");
        var endpoint = UniqueName("subjects");
        await ServingTestKit.DeployAsync(fixture.Server, endpoint, new { model, version, weight = 100 });
        var reference = new JsonObject { ["records"] = new JsonArray([.. SharedCreditRows.Complete().Take(300).Select(r => (JsonNode)r)]) };
        await fixture.Server.CreateAdminClient().PutReferenceAsync(model, version, reference);
        return endpoint;
    }

    private async Task<List<Guid>> PredictAsync(string endpoint, IEnumerable<JsonObject> rows)
    {
        var answer = await ServingTestKit.PredictAsync(fixture.Server.CreateAdminClient(), endpoint, rows);
        return [.. answer.GetProperty("predictions").EnumerateArray().Select(p => Guid.Parse(p.GetProperty("id").GetString()!))];
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, string key)
    {
        using var response = await client.PostAsJsonAsync(path, new { key });
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    private async Task<Dictionary<Guid, string?>> SubjectHashesAsync(List<Guid> ids)
    {
        await using var db = fixture.Server.Database.CreateContext();
        return await db.Set<Ferry.Core.Serving.PredictionRecord>().AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.SubjectHash);
    }

    private async Task<string> RawInputsAsync(Guid id)
    {
        await using var db = fixture.Server.Database.CreateContext();
        return await db.Set<Ferry.Core.Serving.PredictionRecord>().AsNoTracking().Where(p => p.Id == id).Select(p => p.InputsJson).SingleAsync();
    }

    /// <summary>Every <c>table.column</c> (text or binary, as the database's own catalog lists them) holding <paramref name="value"/>.</summary>
    private async Task<List<string>> ScanAsync(string value)
    {
        await using var db = fixture.Server.Database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var postgres = fixture.Kind == DatabaseKind.PostgreSql;
        var columns = new List<(string Table, string Column, bool Binary)>();
        await using (var catalog = connection.CreateCommand())
        {
            catalog.CommandText = postgres
                ? "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb')"
                : "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND (p.type LIKE '%TEXT%' OR p.type LIKE '%BLOB%' OR p.type LIKE '%CHAR%' OR p.type = '')";
            await using var reader = await catalog.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var type = reader.GetString(2);
                columns.Add((reader.GetString(0), reader.GetString(1), type.Contains("bytea", StringComparison.OrdinalIgnoreCase) || type.Contains("BLOB", StringComparison.OrdinalIgnoreCase)));
            }
        }

        Assert.Contains(columns, c => c.Table == "predictions" && c.Column == "inputs");
        var found = new List<string>();
        foreach (var (table, column, binary) in columns)
        {
            if (binary && await StoredValuePatterns.AnyBinaryInAsync(connection, postgres, table, column, value))
            {
                found.Add($"{table}.{column}");
                continue;
            }

            await using var command = connection.CreateCommand();
            var target = postgres
                ? binary ? $"position(convert_to(@v, 'UTF8') in \"{column}\") > 0" : $"position(@v in \"{column}\"::text) > 0"
                : $"instr(CAST(\"{column}\" AS BLOB), CAST(@v AS BLOB)) > 0";
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\" WHERE {target}";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@v";
            parameter.Value = value;
            command.Parameters.Add(parameter);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0)
            {
                found.Add($"{table}.{column}");
            }
        }

        return found;
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Hmac(byte[] secret, string key) => Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(key)));

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

}

/// <summary>On SQLite.</summary>
public sealed class SqliteSubjectRightsTests(SqliteServerFixture fixture) : SubjectRightsTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresSubjectRightsTests(PostgresServerFixture fixture) : SubjectRightsTests<PostgresServerFixture>(fixture);
