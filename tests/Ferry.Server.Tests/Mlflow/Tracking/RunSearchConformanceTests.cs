using System.Net;
using System.Text.Json;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Tracking;

/// <summary><c>runs/search</c> with the client's bodies and the §7.2 grammar (spec §10 item 9).</summary>
public abstract class RunSearchConformanceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private HttpClient Client => fixture.Server.CreateAdminClient();

    [SkippableFact]
    public async Task FilterOnParamsAndMetrics_OrderByMetricDesc_MissingLast()
    {
        var (client, exp, runs) = await SeedAsync();
        var body = await SearchAsync(client, exp, "params.a = '1' and metrics.m >= 0", ["metrics.m DESC"]);
        Assert.Equal([runs["r3"], runs["r2"], runs["r1"]], Ids(body));

        var asc = await SearchAsync(client, exp, string.Empty, ["metrics.m ASC"]);
        Assert.Equal([runs["r1"], runs["r2"], runs["r3"], runs["r4"]], Ids(asc));
        var desc = await SearchAsync(client, exp, string.Empty, ["metrics.m DESC"]);
        Assert.Equal(runs["r4"], Ids(desc)[^1]);

        var run = body.GetProperty("runs")[0];
        Assert.Equal(3.0, MlflowCalls.Entry(run.GetProperty("data").GetProperty("metrics"), "m")!.Value.GetProperty("value").GetDouble());
        Assert.Equal("1", MlflowCalls.Entry(run.GetProperty("data").GetProperty("params"), "a")!.Value.GetProperty("value").GetString());
        Assert.Equal(run.GetProperty("info").GetProperty("run_id").GetString(), run.GetProperty("info").GetProperty("run_uuid").GetString());
    }

    [SkippableFact]
    public async Task MissingKey_NeverMatches_EvenForNotEqual()
    {
        var (client, exp, runs) = await SeedAsync();
        Assert.Equal([runs["r1"], runs["r2"], runs["r3"]], Ids(await SearchAsync(client, exp, "metrics.m != 100", ["run_name"])));
        Assert.Equal([runs["r4"]], Ids(await SearchAsync(client, exp, "params.a != '1'", [])));
    }

    [SkippableFact]
    public async Task QuotedIdentifiers_AndUnquotedDottedTags()
    {
        var (client, exp, runs) = await SeedAsync();
        Assert.Equal([runs["r2"]], Ids(await SearchAsync(client, exp, "tags.`mlflow.runName` = 'r2'", [])));
        Assert.Equal([runs["r2"]], Ids(await SearchAsync(client, exp, "tags.mlflow.runName = 'r2'", [])));
        Assert.Equal([runs["r2"]], Ids(await SearchAsync(client, exp, "tags.\"mlflow.runName\" = 'r2'", [])));
        Assert.Equal([runs["r2"]], Ids(await SearchAsync(client, exp, "attributes.run_name = 'r2'", [])));
        Assert.Equal([runs["r1"], runs["r3"]], Ids(await SearchAsync(client, exp, $"attributes.run_id IN ('{runs["r1"]}', '{runs["r3"]}')", ["run_name"])));
        Assert.Equal([runs["r2"], runs["r4"]], Ids(await SearchAsync(client, exp, $"run_id NOT IN ('{runs["r1"]}', '{runs["r3"]}')", ["run_name"])));
    }

    [SkippableFact]
    public async Task Like_IsCaseSensitive_ILike_IsNot()
    {
        var (client, exp, runs) = await SeedAsync();
        Assert.Equal([runs["r1"]], Ids(await SearchAsync(client, exp, "tags.model LIKE 'Gradient%'", [])));
        Assert.Equal([runs["r2"]], Ids(await SearchAsync(client, exp, "tags.model LIKE 'gradient%'", [])));
        Assert.Empty(Ids(await SearchAsync(client, exp, "tags.model LIKE 'GRADIENT%'", [])));
        Assert.Equal([runs["r1"], runs["r2"]], Ids(await SearchAsync(client, exp, "tags.model ILIKE 'GRADIENT%'", ["run_name"])));
        Assert.Equal([runs["r1"], runs["r2"]], Ids(await SearchAsync(client, exp, "tags.model ILIKE 'gradient%'", ["run_name"])));
        Assert.Equal([runs["r2"]], Ids(await SearchAsync(client, exp, "tags.model LIKE 'gradient_boost%'", [])));
        Assert.Empty(Ids(await SearchAsync(client, exp, "tags.model = 'GRADIENTBOOST'", [])));
    }

    [SkippableFact]
    public async Task NumericAttributes_AndStatus()
    {
        var (client, exp, runs) = await SeedAsync();
        Assert.Equal([runs["r3"], runs["r4"]], Ids(await SearchAsync(client, exp, "attributes.start_time >= 1700000000003", ["start_time ASC"])));
        Assert.Equal([runs["r1"]], Ids(await SearchAsync(client, exp, "status = 'FINISHED'", [])));
        Assert.Equal([runs["r1"]], Ids(await SearchAsync(client, exp, "end_time > 0", [])));
        Assert.Equal([runs["r4"], runs["r3"], runs["r2"], runs["r1"]], Ids(await SearchAsync(client, exp, string.Empty, [])));
    }

    [SkippableFact]
    public async Task DeletedOnly_AfterDelete_AndPagingWithMaxResultsOne()
    {
        var (client, exp, runs) = await SeedAsync();
        await client.PostOkAsync("runs/delete", MlflowCalls.Json(new { run_id = runs["r2"] }));
        var deleted = await client.PostOkAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { exp }, filter = "", run_view_type = "DELETED_ONLY", max_results = 1000 }));
        Assert.Equal([runs["r2"]], Ids(deleted));
        var all = await client.PostOkAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { exp }, run_view_type = 3 }));
        Assert.Equal(4, Ids(all).Count);

        var seen = new List<string>();
        string? token = null;
        for (var i = 0; i < 10; i++)
        {
            var page = await client.PostOkAsync("runs/search", token is null
                ? MlflowCalls.Json(new { experiment_ids = new[] { exp }, max_results = 1, order_by = new[] { "run_name" } })
                : MlflowCalls.Json(new { experiment_ids = new[] { exp }, max_results = 1, order_by = new[] { "run_name" }, page_token = token }));
            seen.AddRange(Ids(page));
            token = page.TryGetProperty("next_page_token", out var next) && next.GetString() is { Length: > 0 } t ? t : null;
            if (token is null)
            {
                break;
            }
        }

        Assert.Equal([runs["r1"], runs["r3"], runs["r4"]], seen);
    }

    [SkippableFact]
    public async Task BadFilters_PageTokens_AndLimits_Are400()
    {
        var client = Client;
        foreach (var filter in new[] { "metrics.m > 'x'", "params.a = 1", "foo.bar = 'x'", "params.a = '1' OR params.b = '2'", "metrics.m >", "nonsense = 'x'", "params.a LIKE" })
        {
            var message = await client.PostErrorAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { "0" }, filter }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
            Assert.Contains("search", message, StringComparison.OrdinalIgnoreCase);
        }

        await client.PostErrorAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { "0" }, page_token = "not-a-token" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await client.PostErrorAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { "0" }, max_results = 50001 }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await client.PostErrorAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { "0" }, order_by = new[] { "metrics.m SIDEWAYS" } }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    private static async Task<JsonElement> SearchAsync(HttpClient client, string exp, string filter, string[] orderBy) =>
        await client.PostOkAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { exp }, filter, run_view_type = "ACTIVE_ONLY", max_results = 1000, order_by = orderBy }));

    private static List<string> Ids(JsonElement body) =>
        body.TryGetProperty("runs", out var runs) ? [.. runs.EnumerateArray().Select(MlflowCalls.RunIdOf)] : [];

    /// <summary>
    /// r1: a=1, m=1, model=GradientBoost, FINISHED; r2: a=1, m=2, model=gradient_boosting; r3: a=1, m=3; r4: a=2, no m.
    /// Start times increase from r1 to r4.
    /// </summary>
    private async Task<(HttpClient Client, string Experiment, Dictionary<string, string> Runs)> SeedAsync()
    {
        var client = Client;
        var exp = await client.CreateExperimentAsync();
        var runs = new Dictionary<string, string>();
        for (var i = 1; i <= 4; i++)
        {
            var id = MlflowCalls.RunIdOf(await client.CreateRunAsync(exp, $"r{i}", 1_700_000_000_000 + i));
            runs[$"r{i}"] = id;
            var metrics = i < 4 ? new[] { new { key = "m", value = (double)i, timestamp = 1L, step = 0L } } : [];
            await client.PostOkAsync("runs/log-batch", MlflowCalls.Json(new { run_id = id, metrics, @params = new[] { new { key = "a", value = i < 4 ? "1" : "2" } } }));
        }

        await client.PostOkAsync("runs/set-tag", MlflowCalls.Json(new { run_id = runs["r1"], key = "model", value = "GradientBoost" }));
        await client.PostOkAsync("runs/set-tag", MlflowCalls.Json(new { run_id = runs["r2"], key = "model", value = "gradient_boosting" }));
        await client.PostOkAsync("runs/update", MlflowCalls.Json(new { run_id = runs["r1"], status = "FINISHED", end_time = 1_700_000_009_000 }));
        return (client, exp, runs);
    }
}

public sealed class SqliteRunSearchConformanceTests(SqliteServerFixture fixture) : RunSearchConformanceTests<SqliteServerFixture>(fixture);

public sealed class PostgresRunSearchConformanceTests(PostgresServerFixture fixture) : RunSearchConformanceTests<PostgresServerFixture>(fixture);
