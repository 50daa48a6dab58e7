using System.Net;
using System.Text.Json;
using Ferry.Core.Tracking;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Artifacts;

/// <summary><c>GET /api/2.0/mlflow/artifacts/list</c>: a run's artifacts, paths relative to the run's root; on both databases.</summary>
public abstract class RunArtifactsListTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task List_GivesRunRelativePaths_AndTheRootUri()
    {
        var (runId, root, uri) = await CreateRunAsync();
        var client = Server.CreateAdminClient();
        await client.PutAsync(root + "/a.txt", "abc"u8.ToArray());
        await client.PutAsync(root + "/model/MLmodel", "m"u8.ToArray());
        await client.PutAsync(root + "/model/data/w.bin", new byte[4]);

        var top = await ListAsync(client, $"run_id={runId}&run_uuid={runId}");
        Assert.Equal(uri, top.GetProperty("root_uri").GetString());
        Assert.Equal(["a.txt:False:3", "model:True:-"], Entries(top));

        var model = await ListAsync(client, $"run_uuid={runId}&path=model");
        Assert.Equal(["model/MLmodel:False:1", "model/data:True:-"], Entries(model));

        var empty = await ListAsync(client, $"run_id={runId}&path=model/MLmodel");
        Assert.Equal(uri, empty.GetProperty("root_uri").GetString());
        Assert.False(empty.TryGetProperty("files", out _));

        Assert.Equal(model.GetRawText(), (await ListAsync(client, $"run_id={runId}&path=model", "/ajax-api/2.0")).GetRawText());
    }

    [SkippableFact]
    public async Task UnknownRun_Is404_MissingRunId_Is400_UnsafePath_Is400()
    {
        var (runId, _, _) = await CreateRunAsync();
        var client = Server.CreateClient(await Server.CreateTokenAsync(Core.Identity.Role.Viewer));
        using (var unknown = await client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={Guid.NewGuid():N}"))
        {
            await unknown.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        }

        using (var missing = await client.GetAsync("/api/2.0/mlflow/artifacts/list?path=x"))
        {
            await missing.AssertMlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        }

        using var escape = await client.GetAsync($"/api/2.0/mlflow/artifacts/list?run_id={runId}&path=" + Uri.EscapeDataString("../../other"));
        await escape.AssertMlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [SkippableFact]
    public async Task RunOutsideTheProxy_ListsAsEmpty()
    {
        var (runId, _, _) = await CreateRunAsync(location: "s3://bucket/exp");
        var listing = await ListAsync(Server.CreateAdminClient(), $"run_id={runId}");
        Assert.StartsWith("s3://bucket/exp/", listing.GetProperty("root_uri").GetString(), StringComparison.Ordinal);
        Assert.False(listing.TryGetProperty("files", out _));
    }

    private static async Task<JsonElement> ListAsync(HttpClient client, string query, string prefix = "/api/2.0")
    {
        using var response = await client.GetAsync($"{prefix}/mlflow/artifacts/list?{query}");
        using var document = JsonDocument.Parse(await response.AssertMlflowOkAsync());
        return document.RootElement.Clone();
    }

    private static List<string> Entries(JsonElement listing) =>
        listing.GetProperty("files").EnumerateArray()
            .Select(f => $"{f.GetProperty("path").GetString()}:{f.GetProperty("is_dir").GetBoolean()}:{(f.TryGetProperty("file_size", out var s) ? s.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>An experiment and a run written straight to the database, as the tracking API would store them.</summary>
    private async Task<(string RunId, string StoreRoot, string ArtifactUri)> CreateRunAsync(string? location = null)
    {
        DatabaseRequirement.EnsureAvailable(Server.Database.Kind);
        var experimentId = Random.Shared.NextInt64(1_000, 1_000_000_000);
        location ??= $"mlflow-artifacts:/{experimentId}";
        var runId = Guid.NewGuid().ToString("N");
        var uri = $"{location}/{runId}/artifacts";
        await using var db = Server.Database.CreateContext();
        db.Experiments.Add(new Experiment { Id = experimentId, Name = $"e-{Guid.NewGuid():N}", ArtifactLocation = location });
        db.Runs.Add(new Run { Id = runId, ExperimentId = experimentId, Name = "r", ArtifactUri = uri });
        await db.SaveChangesAsync();
        return (runId, $"{experimentId}/{runId}/artifacts", uri);
    }
}

public sealed class SqliteRunArtifactsListTests(SqliteServerFixture fixture) : RunArtifactsListTests<SqliteServerFixture>(fixture);

public sealed class PostgresRunArtifactsListTests(PostgresServerFixture fixture) : RunArtifactsListTests<PostgresServerFixture>(fixture);
