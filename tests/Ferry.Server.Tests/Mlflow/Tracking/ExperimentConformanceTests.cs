using System.Net;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Tracking;

/// <summary>Experiment routes as the mlflow client calls them (spec §3, §4.1-4.7).</summary>
public abstract class ExperimentConformanceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private HttpClient Client => fixture.Server.CreateAdminClient();

    [SkippableFact]
    public async Task DefaultExperiment_ExistsAtStart()
    {
        var body = await Client.GetOkAsync("experiments/get?experiment_id=0");
        var experiment = body.GetProperty("experiment");
        Assert.Equal("0", experiment.GetProperty("experiment_id").GetString());
        Assert.Equal("Default", experiment.GetProperty("name").GetString());
        Assert.Equal("active", experiment.GetProperty("lifecycle_stage").GetString());
        Assert.Equal("mlflow-artifacts:/0", experiment.GetProperty("artifact_location").GetString());
    }

    [SkippableFact]
    public async Task SetExperimentFlow_GetByName404_Create_Get()
    {
        var client = Client;
        var name = "credit-risk-" + Guid.NewGuid().ToString("N");
        using (var missing = await client.GetAsync(MlflowCalls.Api + "experiments/get-by-name?experiment_name=" + Uri.EscapeDataString(name)))
        {
            await missing.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        }

        var id = await client.CreateExperimentAsync(name);
        Assert.True(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var got = (await client.GetOkAsync("experiments/get?experiment_id=" + id)).GetProperty("experiment");
        Assert.Equal(name, got.GetProperty("name").GetString());
        Assert.Equal("mlflow-artifacts:/" + id, got.GetProperty("artifact_location").GetString());
        Assert.True(got.GetProperty("creation_time").GetInt64() > 0);
        var byName = (await client.GetOkAsync("experiments/get-by-name?experiment_name=" + Uri.EscapeDataString(name))).GetProperty("experiment");
        Assert.Equal(id, byName.GetProperty("experiment_id").GetString());
    }

    [SkippableFact]
    public async Task Create_DuplicateName_IsResourceAlreadyExists400_EvenWhenDeleted()
    {
        var client = Client;
        var name = "dup-" + Guid.NewGuid().ToString("N");
        var id = await client.CreateExperimentAsync(name);
        await client.PostErrorAsync("experiments/create", MlflowCalls.Json(new { name }), HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
        await client.PostOkAsync("experiments/delete", MlflowCalls.Json(new { experiment_id = id }));
        await client.PostErrorAsync("experiments/create", MlflowCalls.Json(new { name }), HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");
    }

    [SkippableFact]
    public async Task Create_WithoutName_Is400()
    {
        await Client.PostErrorAsync("experiments/create", "{}", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'");
    }

    [SkippableFact]
    public async Task Delete_CascadesToRuns_AndRestoreBringsThemBack()
    {
        var client = Client;
        var id = await client.CreateExperimentAsync();
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync(id, "r"));
        var deleted = await client.PostOkAsync("experiments/delete", MlflowCalls.Json(new { experiment_id = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture) }));
        Assert.Empty(deleted.EnumerateObject());
        var experiment = (await client.GetOkAsync("experiments/get?experiment_id=" + id)).GetProperty("experiment");
        Assert.Equal("deleted", experiment.GetProperty("lifecycle_stage").GetString());
        var run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal("deleted", run.GetProperty("info").GetProperty("lifecycle_stage").GetString());
        await client.PostErrorAsync("runs/create", MlflowCalls.Json(new { experiment_id = id }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        await client.PostOkAsync("experiments/restore", MlflowCalls.Json(new { experiment_id = id }));
        run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal("active", run.GetProperty("info").GetProperty("lifecycle_stage").GetString());
    }

    [SkippableFact]
    public async Task Rename_AndTags()
    {
        var client = Client;
        var id = await client.CreateExperimentAsync();
        var newName = "renamed-" + Guid.NewGuid().ToString("N");
        await client.PostOkAsync("experiments/update", MlflowCalls.Json(new { experiment_id = id, new_name = newName }));
        await client.PostOkAsync("experiments/set-experiment-tag", MlflowCalls.Json(new { experiment_id = id, key = "team", value = "risk" }));
        await client.PostOkAsync("experiments/set-experiment-tag", MlflowCalls.Json(new { experiment_id = id, key = "team", value = "credit" }));
        var experiment = (await client.GetOkAsync("experiments/get?experiment_id=" + id)).GetProperty("experiment");
        Assert.Equal(newName, experiment.GetProperty("name").GetString());
        Assert.Equal("credit", MlflowCalls.Entry(experiment.GetProperty("tags"), "team")!.Value.GetProperty("value").GetString());

        await client.PostOkAsync("experiments/delete-experiment-tag", MlflowCalls.Json(new { experiment_id = id, key = "team" }));
        experiment = (await client.GetOkAsync("experiments/get?experiment_id=" + id)).GetProperty("experiment");
        Assert.Null(MlflowCalls.Entry(experiment.GetProperty("tags"), "team"));
    }

    [SkippableFact]
    public async Task Search_FiltersByNameAndTag_PagesAndOrders()
    {
        var client = Client;
        var prefix = "srch-" + Guid.NewGuid().ToString("N")[..8];
        var a = await client.CreateExperimentAsync(prefix + "-a");
        var b = await client.CreateExperimentAsync(prefix + "-b");
        await client.PostOkAsync("experiments/set-experiment-tag", MlflowCalls.Json(new { experiment_id = b, key = "stage", value = "prod" }));

        var byName = await client.PostOkAsync("experiments/search", MlflowCalls.Json(new { filter = $"name LIKE '{prefix}%'", order_by = new[] { "name DESC" }, max_results = 1 }));
        Assert.Equal(b, byName.GetProperty("experiments")[0].GetProperty("experiment_id").GetString());
        var token = byName.GetProperty("next_page_token").GetString();
        var second = await client.PostOkAsync("experiments/search", MlflowCalls.Json(new { filter = $"name LIKE '{prefix}%'", order_by = new[] { "name DESC" }, max_results = 1, page_token = token }));
        Assert.Equal(a, second.GetProperty("experiments")[0].GetProperty("experiment_id").GetString());
        Assert.False(second.TryGetProperty("next_page_token", out _));

        var byTag = await client.GetOkAsync("experiments/search?max_results=10&filter=" + Uri.EscapeDataString($"tags.stage = 'prod' AND name ILIKE '{prefix.ToUpperInvariant()}%'"));
        Assert.Equal(b, Assert.Single(byTag.GetProperty("experiments").EnumerateArray()).GetProperty("experiment_id").GetString());
    }
}

public sealed class SqliteExperimentConformanceTests(SqliteServerFixture fixture) : ExperimentConformanceTests<SqliteServerFixture>(fixture);

public sealed class PostgresExperimentConformanceTests(PostgresServerFixture fixture) : ExperimentConformanceTests<PostgresServerFixture>(fixture);
