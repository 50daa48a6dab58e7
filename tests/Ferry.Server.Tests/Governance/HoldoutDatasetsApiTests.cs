using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Governance;

/// <summary><c>/api/v1/models/{name}/datasets</c>: labelled holdout datasets, stored, listed, audited and deleted.</summary>
public abstract class HoldoutDatasetsApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [Fact]
    public async Task HoldoutDataset_PutGetListDelete_RoundTripsAndAudits()
    {
        var admin = Server.CreateAdminClient();
        var model = await CreateModelAsync(admin);
        var body = new
        {
            records = new object[] { new { age = 41.0, city = "Leeds" }, new { age = 23.5, city = "York", extra = true } },
            labels = new object[] { 1, "0" },
            positiveLabel = "1",
            source = "holdout 2026-Q3",
        };

        using var put = await admin.PutAsJsonAsync($"/api/v1/models/{model}/datasets/q3.holdout", body);
        var view = await put.AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(("q3.holdout", 2, "1", "holdout 2026-Q3"), (view.GetProperty("name").GetString(), view.GetProperty("rows").GetInt32(),
            view.GetProperty("positiveLabel").GetString(), view.GetProperty("source").GetString()));
        Assert.Equal(["age", "city", "extra"], view.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        // The stored JSON is the records as sent and the labels as text: its SHA-256 identifies the data a gate saw.
        var canonical = "{\"records\":[{\"age\":41,\"city\":\"Leeds\"},{\"age\":23.5,\"city\":\"York\",\"extra\":true}],\"labels\":[\"1\",\"0\"],\"positiveLabel\":\"1\",\"source\":\"holdout 2026-Q3\"}";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), view.GetProperty("sha256").GetString());

        using (var get = await admin.GetAsync($"/api/v1/models/{model}/datasets/q3.holdout"))
        {
            Assert.Equal(view.GetProperty("sha256").GetString(), (await get.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("sha256").GetString());
        }

        using (var replace = await admin.PutAsJsonAsync($"/api/v1/models/{model}/datasets/q3.holdout", new { records = new[] { new { age = 1.0 } }, labels = new[] { 0 } }))
        {
            Assert.Equal(1, (await replace.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("rows").GetInt32());
        }

        using (var list = await Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer)).GetAsync($"/api/v1/models/{model}/datasets"))
        {
            var datasets = (await list.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("datasets").EnumerateArray().ToList();
            Assert.Equal(("q3.holdout", 1), (Assert.Single(datasets).GetProperty("name").GetString(), datasets[0].GetProperty("rows").GetInt32()));
        }

        using (var delete = await admin.DeleteAsync($"/api/v1/models/{model}/datasets/q3.holdout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var gone = await admin.GetAsync($"/api/v1/models/{model}/datasets/q3.holdout"))
        {
            await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using (var again = await admin.DeleteAsync($"/api/v1/models/{model}/datasets/q3.holdout"))
        {
            await again.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal(2, await CountAuditAsync(Server, "dataset.set", $"{model}/q3.holdout"));
        Assert.Equal(1, await CountAuditAsync(Server, "dataset.delete", $"{model}/q3.holdout"));
    }

    [Fact]
    public async Task HoldoutDataset_BadUploads_AnswerProblemsNamingTheField()
    {
        var admin = Server.CreateAdminClient();
        var model = await CreateModelAsync(admin);
        var cases = new (string Dataset, object Body, string Field)[]
        {
            ("a", new { records = new[] { new { x = 1 } } }, "labels"),
            ("a", new { records = new[] { new { x = 1 }, new { x = 2 } }, labels = new[] { 1 } }, "labels"),
            ("a", new { records = new object[] { new { x = 1 }, 5 }, labels = new[] { 1, 0 } }, "records[1]"),
            ("a", new { records = Array.Empty<object>(), labels = Array.Empty<int>() }, "records"),
            (".hidden", new { records = new[] { new { x = 1 } }, labels = new[] { 1 } }, "dataset"),
        };
        foreach (var (dataset, body, field) in cases)
        {
            using var response = await admin.PutAsJsonAsync($"/api/v1/models/{model}/datasets/{dataset}", body);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }

        using (var unknown = await admin.PutAsJsonAsync("/api/v1/models/no-such-model/datasets/a", new { records = new[] { new { x = 1 } }, labels = new[] { 1 } }))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using var viewer = await Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer))
            .PutAsJsonAsync($"/api/v1/models/{model}/datasets/a", new { records = new[] { new { x = 1 } }, labels = new[] { 1 } });
        await viewer.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteHoldoutDatasetsApiTests(SqliteServerFixture fixture) : HoldoutDatasetsApiTests<SqliteServerFixture>(fixture);

public sealed class PostgresHoldoutDatasetsApiTests(PostgresServerFixture fixture) : HoldoutDatasetsApiTests<PostgresServerFixture>(fixture);
