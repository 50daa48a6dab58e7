using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Tests.Governance;
using Ferry.Server.Tests.Mlflow.Registry;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>
/// Seals over the prediction log, on SQLite and PostgreSQL: sealing a served log and verifying it, and verification
/// naming the first altered, missing or inserted row after the tables are changed behind Ferry's back.
/// </summary>
public abstract class SealingTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task SealAndVerify_ServedLogOfARealModelWithAReview_Passes()
    {
        var model = RegistryTestKit.UniqueName("credit");
        var version = await GovernanceTestKit.RegisterCreditAsync(Server, model, "gbc_pipeline.onnx");
        var endpoint = RegistryTestKit.UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        var admin = Server.CreateAdminClient();
        var answer = await ServingTestKit.PredictAsync(admin, endpoint, CreditRecords(5));
        var ids = answer.GetProperty("predictions").EnumerateArray().Select(p => Guid.Parse(p.GetProperty("id").GetString()!)).ToList();
        Assert.Equal(5, ids.Count);
        await Server.WaitForPredictionLogAsync();
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IPredictionReviewStore>().AddAsync(new PredictionReview
            {
                PredictionId = ids[0],
                EndpointName = endpoint,
                ModelName = model,
                Action = ReviewAction.Override,
                Outcome = "0",
                Reason = "income verified by phone",
                Actor = "reviewer",
            });
        }

        using var sealedResponse = await admin.PostAsync($"/api/v1/audit/seal?endpoint={endpoint}", null);
        var seals = (await sealedResponse.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("seals");
        Assert.Equal(5, seals.EnumerateArray().Sum(s => s.GetProperty("predictions").GetInt32()));
        Assert.Equal(1, seals.EnumerateArray().Sum(s => s.GetProperty("reviews").GetInt32()));

        // The seal's digest is in the audit chain.
        var digest = seals[0].GetProperty("digest").GetString();
        using var events = await admin.GetAsync($"/api/v1/audit/?action=predictions.seal&target=endpoint/{endpoint}");
        var summary = (await events.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("events")[0].GetProperty("summary");
        Assert.Equal(digest, summary.GetProperty("digest").GetString());

        var verification = await VerifyAsync(admin, endpoint);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.Equal(5, verification.GetProperty("predictionsChecked").GetInt64());
        Assert.Equal(1, verification.GetProperty("reviewsChecked").GetInt64());
        Assert.Equal(JsonValueKind.Null, verification.GetProperty("firstProblem").ValueKind);

        // Sealing again seals nothing new; the chain is still whole.
        using var again = await admin.PostAsync($"/api/v1/audit/seal?endpoint={endpoint}", null);
        Assert.Empty((await again.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("seals").EnumerateArray());
        using var chain = await admin.GetAsync("/api/v1/audit/verify");
        Assert.True((await chain.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("isValid").GetBoolean());
    }

    [SkippableFact]
    public async Task Verify_InputsAlteredBySql_FailsNamingThatRow()
    {
        var (endpoint, rows) = await SealedEndpointAsync();
        var target = rows[3];
        await using (var db = Server.Database.CreateContext())
        {
            Assert.Equal(1, await db.Predictions.Where(p => p.Id == target.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.InputsJson, """{"age":35,"income":98000}""")));
        }

        var problem = await FirstProblemAsync(endpoint);
        Assert.Equal(SealProblemKinds.Altered, problem.GetProperty("kind").GetString());
        Assert.Equal(target.Id, problem.GetProperty("predictionId").GetGuid());
        Assert.Equal(endpoint, problem.GetProperty("endpoint").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(target.Timestamp), problem.GetProperty("at").GetDateTimeOffset());
    }

    [SkippableFact]
    public async Task Verify_RowDeleted_NamesItMissing()
    {
        var (endpoint, rows) = await SealedEndpointAsync();
        await using (var db = Server.Database.CreateContext())
        {
            Assert.Equal(1, await db.Predictions.Where(p => p.Id == rows[1].Id).ExecuteDeleteAsync());
        }

        var problem = await FirstProblemAsync(endpoint);
        Assert.Equal(SealProblemKinds.Missing, problem.GetProperty("kind").GetString());
        Assert.Equal(rows[1].Id, problem.GetProperty("predictionId").GetGuid());
    }

    [SkippableFact]
    public async Task Verify_RowInsertedIntoASealedHour_NamesItNotSealed()
    {
        var (endpoint, rows) = await SealedEndpointAsync();
        var forged = PredictionLogBufferTests.Record(endpoint, DateTimeOffset.FromUnixTimeMilliseconds(rows[2].Timestamp + 1));
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync([forged], skipExisting: false);
        }

        var problem = await FirstProblemAsync(endpoint);
        Assert.Equal(SealProblemKinds.NotSealed, problem.GetProperty("kind").GetString());
        Assert.Equal(forged.Id, problem.GetProperty("predictionId").GetGuid());
    }

    [SkippableFact]
    public async Task Verify_ReviewAltered_NamesTheReview()
    {
        var (endpoint, _) = await SealedEndpointAsync();
        await using (var db = Server.Database.CreateContext())
        {
            Assert.Equal(1, await db.PredictionReviews.Where(r => r.EndpointName == endpoint)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, "1")));
        }

        var problem = await FirstProblemAsync(endpoint);
        Assert.Equal(SealProblemKinds.Altered, problem.GetProperty("kind").GetString());
        Assert.True(problem.TryGetProperty("reviewId", out _), problem.ToString());
    }

    [SkippableFact]
    public async Task Verify_SealLeavesOrDigestEdited_Fails()
    {
        var (leavesEdited, _) = await SealedEndpointAsync();
        var (digestEdited, _) = await SealedEndpointAsync();
        var (bothEdited, _) = await SealedEndpointAsync();
        await using (var db = Server.Database.CreateContext())
        {
            var seal = await db.PredictionSeals.SingleAsync(s => s.EndpointName == leavesEdited);
            var leaves = seal.Leaves.ToArray();
            leaves[20] ^= 1;
            await db.PredictionSeals.Where(s => s.Id == seal.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Leaves, leaves));
            await db.PredictionSeals.Where(s => s.EndpointName == digestEdited).ExecuteUpdateAsync(s => s.SetProperty(x => x.Digest, new string('0', 64)));

            // Leaves and digest changed together: the audit event still holds the old digest.
            var other = await db.PredictionSeals.SingleAsync(s => s.EndpointName == bothEdited);
            var changed = other.Leaves.ToArray();
            changed[40] ^= 1;
            var digest = PredictionDigests.SealDigest(changed);
            await db.PredictionSeals.Where(s => s.Id == other.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Leaves, changed).SetProperty(x => x.Digest, digest));
        }

        foreach (var endpoint in new[] { leavesEdited, digestEdited, bothEdited })
        {
            var problem = await FirstProblemAsync(endpoint);
            Assert.Equal(SealProblemKinds.SealAltered, problem.GetProperty("kind").GetString());
        }
    }

    [SkippableFact]
    public async Task Verify_SealRowDeleted_NamesTheMissingSeal()
    {
        var (endpoint, _) = await SealedEndpointAsync();
        await using (var db = Server.Database.CreateContext())
        {
            await db.PredictionSeals.Where(s => s.EndpointName == endpoint).ExecuteDeleteAsync();
        }

        var problem = await FirstProblemAsync(endpoint);
        Assert.Equal(SealProblemKinds.SealMissing, problem.GetProperty("kind").GetString());
    }

    [SkippableFact]
    public async Task Verify_ErasedRow_StillPasses()
    {
        var (endpoint, rows) = await SealedEndpointAsync();
        var erased = rows[0];
        await using (var db = Server.Database.CreateContext())
        {
            // What subject erasure does: the inputs go, their digest stays.
            var digest = PredictionDigests.Input(erased.InputsJson);
            await db.Predictions.Where(p => p.Id == erased.Id).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.InputsJson, "{}")
                .SetProperty(p => p.InputDigest, digest)
                .SetProperty(p => p.ErasedAt, 1L));
        }

        var verification = await VerifyAsync(Server.CreateAdminClient(), endpoint);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        Assert.Equal(rows.Length, verification.GetProperty("predictionsChecked").GetInt64());

        // An erased row whose kept digest is changed no longer verifies.
        await using (var db = Server.Database.CreateContext())
        {
            await db.Predictions.Where(p => p.Id == erased.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.InputDigest, new string('a', 64)));
        }

        Assert.Equal(erased.Id, (await FirstProblemAsync(endpoint)).GetProperty("predictionId").GetGuid());
    }

    /// <summary>The sample re-verifier reads SQLite with Python's standard library: run by the SQLite class only.</summary>
    protected async Task PythonReverificationMatchesTheSealsAsync()
    {
        var (endpoint, _) = await SealedEndpointAsync(hours: 2);
        string[] digests;
        await using (var db = Server.Database.CreateContext())
        {
            digests = [.. (await db.PredictionSeals.Where(s => s.EndpointName == endpoint).OrderBy(s => s.From).ToListAsync()).Select(s => s.Digest)];
        }

        var script = Path.Combine(RepositoryRoot.Find(), "samples", "sealing", "verify_seals.py");
        var result = await SharedPython.RunAsync(script, [DatabasePath(), endpoint], new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        var answer = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(2, answer.GetProperty("seals").GetInt32());
        Assert.Equal(digests, answer.GetProperty("digests").EnumerateArray().Select(d => d.GetString()!).ToArray());

        // The script notices a change too.
        await using (var db = Server.Database.CreateContext())
        {
            await db.PredictionReviews.Where(r => r.EndpointName == endpoint).ExecuteUpdateAsync(s => s.SetProperty(r => r.Reason, "changed"));
        }

        var tampered = await SharedPython.RunAsync(script, [DatabasePath(), endpoint], new Dictionary<string, string>(), TimeSpan.FromSeconds(60));
        Assert.Equal(1, tampered.ExitCode);
    }

    private string DatabasePath() =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Server.Database.ConnectionString).DataSource;

    // An endpoint name with six predictions in a past hour (and, with hours: 2, six more the hour after) and a review
    // of the first, sealed by the store.
    private async Task<(string Endpoint, PredictionRecord[] Rows)> SealedEndpointAsync(int hours = 1)
    {
        var endpoint = RegistryTestKit.UniqueName("sealed");
        var hour = HourStart(Server.Clock.GetUtcNow().AddHours(-3));
        var rows = new List<PredictionRecord>();
        for (var h = 0; h < hours; h++)
        {
            for (var i = 0; i < 6; i++)
            {
                var record = PredictionLogBufferTests.Record(endpoint, hour.AddHours(h).AddMinutes(5 + (i * 7)));
                record.InputsJson = $$"""{"age":{{30 + i}},"income":{{40_000 + (i * 1000)}}}""";
                record.SubjectHash = i % 2 == 0 ? new string('b', 64) : null;
                rows.Add(record);
            }
        }

        await using var scope = Server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(rows, skipExisting: false);
        await using (var db = Server.Database.CreateContext())
        {
            // A review recorded in the last of those hours (stored directly: the review store stamps the clock's now).
            db.PredictionReviews.Add(new PredictionReview
            {
                Id = Guid.CreateVersion7(),
                PredictionId = rows[0].Id,
                EndpointName = endpoint,
                ModelName = rows[0].ModelName,
                ModelVersion = rows[0].ModelVersion,
                Action = ReviewAction.Confirm,
                Reason = "checked the payslips",
                Actor = "reviewer",
                CreatedAt = hour.AddHours(hours - 1).AddMinutes(55).ToUnixTimeMilliseconds(),
            });
            await db.SaveChangesAsync();
        }

        var seals = await scope.ServiceProvider.GetRequiredService<IPredictionSealStore>()
            .SealAsync(endpoint, HourStart(Server.Clock.GetUtcNow()).ToUnixTimeMilliseconds(), "test");
        Assert.Equal(hours, seals.Count);
        var verification = await VerifyAsync(Server.CreateAdminClient(), endpoint);
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        return (endpoint, [.. rows]);
    }

    private async Task<JsonElement> FirstProblemAsync(string endpoint)
    {
        var verification = await VerifyAsync(Server.CreateAdminClient(), endpoint);
        Assert.False(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        return verification.GetProperty("firstProblem");
    }

    internal static async Task<JsonElement> VerifyAsync(HttpClient client, string endpoint)
    {
        using var response = await client.GetAsync($"/api/v1/audit/verify/predictions?endpoint={endpoint}");
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    internal static DateTimeOffset HourStart(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    // The first rows of the shared credit test set without missing values, as records.
    internal static List<JsonObject> CreditRecords(int count)
    {
        var lines = File.ReadLines(Path.Combine(GovernanceTestKit.SharedModels, "test.csv")).ToList();
        var header = lines[0].Split(',');
        string[] text = ["home_ownership", "loan_purpose", "employment_type"];
        return [.. lines.Skip(1).Select(l => l.Split(',')).Where(cells => cells.All(c => c.Length > 0)).Take(count).Select(cells =>
        {
            var record = new JsonObject();
            for (var i = 0; i < header.Length; i++)
            {
                record[header[i]] = text.Contains(header[i]) ? JsonValue.Create(cells[i]) : JsonValue.Create(double.Parse(cells[i], CultureInfo.InvariantCulture));
            }

            return record;
        })];
    }
}

public sealed class SqliteSealingTests(SqliteServerFixture fixture) : SealingTests<SqliteServerFixture>(fixture)
{
    [SkippableFact]
    public Task PythonReverification_OfTheDocumentedFormat_MatchesTheSeals() => PythonReverificationMatchesTheSealsAsync();
}

public sealed class PostgresSealingTests(PostgresServerFixture fixture) : SealingTests<PostgresServerFixture>(fixture);
