using System.Net;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Mlflow.Registry;

/// <summary>MLflow registry conformance (spec §3 steps 13-22, §10 items 10-14), on SQLite and PostgreSQL.</summary>
public abstract class MlflowRegistryTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task RegisterTwice_GivesVersionsOneAndTwo_Ready()
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await SendAsync(admin, HttpMethod.Post, "registered-models/create", new { name })
            .ErrorAsync(HttpStatusCode.BadRequest, "RESOURCE_ALREADY_EXISTS");

        var source = $"mlflow-artifacts:/1/{Guid.NewGuid():N}/artifacts/model";
        var first = await CreateVersionAsync(admin, name, source);
        var second = await CreateVersionAsync(admin, name, source);
        Assert.Equal("1", first.GetProperty("version").GetString());
        Assert.Equal("2", second.GetProperty("version").GetString());
        foreach (var version in new[] { first, second })
        {
            Assert.Equal("READY", version.GetProperty("status").GetString());
            Assert.Equal("None", version.GetProperty("current_stage").GetString());
            Assert.Equal(0, version.GetProperty("aliases").GetArrayLength());
            Assert.Equal(source, version.GetProperty("source").GetString());
            Assert.Equal(name, version.GetProperty("name").GetString());
        }

        var fetched = (await GetAsync(admin, "model-versions/get", ("name", name), ("version", "2")).OkAsync()).GetProperty("model_version");
        Assert.Equal("READY", fetched.GetProperty("status").GetString());
        var model = (await GetAsync(admin, "registered-models/get", ("name", name)).OkAsync()).GetProperty("registered_model");
        var latest = Assert.Single(model.GetProperty("latest_versions").EnumerateArray());
        Assert.Equal("2", latest.GetProperty("version").GetString());
        Assert.Equal(1, await CountAuditAsync(Server, "model.create", $"model/{name}"));
        Assert.Equal(1, await CountAuditAsync(Server, "model-version.create", $"model/{name}/2"));
    }

    [SkippableFact]
    public async Task Alias_SetGetMoveDelete()
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, "s3://bucket/m1");
        await CreateVersionAsync(admin, name, "s3://bucket/m2");

        await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name, alias = "champion", version = "1" }).OkAsync();
        var byAlias = (await GetAsync(admin, "registered-models/alias", ("name", name), ("alias", "champion")).OkAsync()).GetProperty("model_version");
        Assert.Equal("1", byAlias.GetProperty("version").GetString());
        Assert.Equal(["champion"], byAlias.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));

        await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name, alias = "champion", version = "2" }).OkAsync();
        byAlias = (await GetAsync(admin, "registered-models/alias", ("name", name), ("alias", "champion")).OkAsync()).GetProperty("model_version");
        Assert.Equal("2", byAlias.GetProperty("version").GetString());
        var model = (await GetAsync(admin, "registered-models/get", ("name", name)).OkAsync()).GetProperty("registered_model");
        var alias = Assert.Single(model.GetProperty("aliases").EnumerateArray());
        Assert.Equal("champion", alias.GetProperty("alias").GetString());
        Assert.Equal("2", alias.GetProperty("version").GetString());

        using (var db = Server.Database.CreateContext())
        {
            var moved = db.AuditEvents.Where(e => e.Action == "model.alias.set" && e.Target == $"model/{name}").OrderBy(e => e.Sequence).ToList();
            Assert.Equal(2, moved.Count);
            using var summary = JsonDocument.Parse(moved[1].Summary);
            Assert.Equal(1, summary.RootElement.GetProperty("before").GetInt32());
            Assert.Equal(2, summary.RootElement.GetProperty("after").GetInt32());
        }

        await SendAsync(admin, HttpMethod.Delete, "registered-models/alias", new { name, alias = "champion" }).OkAsync();
        await GetAsync(admin, "registered-models/alias", ("name", name), ("alias", "champion"))
            .ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [SkippableTheory]
    [InlineData("latest")]
    [InlineData("LATEST")]
    [InlineData("v1")]
    [InlineData("V12")]
    public async Task Alias_Reserved_IsRefused(string reserved)
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, "s3://bucket/m");
        await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name, alias = reserved, version = "1" })
            .ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [SkippableFact]
    public async Task Alias_UnknownVersion_Is404()
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name, alias = "challenger", version = "7" })
            .ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [SkippableFact]
    public async Task Champion_NeedsAnApprover()
    {
        var admin = Server.CreateAdminClient();
        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));
        var approver = Server.CreateClient(await Server.CreateTokenAsync(Role.Approver));
        var name = await CreateModelAsync(scientist);
        await CreateVersionAsync(scientist, name, "s3://bucket/m1");
        await CreateVersionAsync(scientist, name, "s3://bucket/m2");

        await SendAsync(scientist, HttpMethod.Post, "registered-models/alias", new { name, alias = "challenger", version = "2" }).OkAsync();
        await SendAsync(scientist, HttpMethod.Post, "registered-models/alias", new { name, alias = "champion", version = "1" })
            .ErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await SendAsync(approver, HttpMethod.Post, "registered-models/alias", new { name, alias = "champion", version = "1" }).OkAsync();
        await SendAsync(scientist, HttpMethod.Post, "registered-models/alias", new { name, alias = "Champion", version = "2" })
            .ErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await SendAsync(scientist, HttpMethod.Delete, "registered-models/alias", new { name, alias = "champion" })
            .ErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await SendAsync(scientist, HttpMethod.Delete, "model-versions/delete", new { name, version = "1" })
            .ErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await SendAsync(scientist, HttpMethod.Post, "model-versions/transition-stage",
                new { name, version = "2", stage = "Production", archive_existing_versions = false })
            .ErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await SendAsync(scientist, HttpMethod.Post, "model-versions/transition-stage",
            new { name, version = "2", stage = "Staging", archive_existing_versions = false }).OkAsync();

        var byAlias = (await GetAsync(admin, "registered-models/alias", ("name", name), ("alias", "champion")).OkAsync()).GetProperty("model_version");
        Assert.Equal("1", byAlias.GetProperty("version").GetString());
        Assert.Equal(0, await CountAuditAsync(Server, "model-version.delete", $"model/{name}/1"));
        await SendAsync(approver, HttpMethod.Post, "registered-models/alias", new { name, alias = "champion", version = "2" }).OkAsync();
        await SendAsync(approver, HttpMethod.Delete, "registered-models/alias", new { name, alias = "champion" }).OkAsync();
    }

    [SkippableFact]
    public async Task Viewer_CanReadButNotWrite()
    {
        var admin = Server.CreateAdminClient();
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, "s3://bucket/m1");
        var latest = await SendAsync(viewer, HttpMethod.Post, "registered-models/get-latest-versions", new { name }).OkAsync();
        Assert.Single(latest.GetProperty("model_versions").EnumerateArray());
        await SendAsync(viewer, HttpMethod.Post, "model-versions/create", new { name, source = "s3://bucket/m2" })
            .ErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
    }

    [SkippableFact]
    public async Task TransitionStage_ArchivesExistingVersions_AndRefusesInvalidStages()
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        for (var i = 0; i < 3; i++)
        {
            await CreateVersionAsync(admin, name, $"s3://bucket/m{i}");
        }

        var one = (await SendAsync(admin, HttpMethod.Post, "model-versions/transition-stage",
            new { name, version = "1", stage = "production", archive_existing_versions = false }).OkAsync()).GetProperty("model_version");
        Assert.Equal("Production", one.GetProperty("current_stage").GetString());
        await SendAsync(admin, HttpMethod.Post, "model-versions/transition-stage",
            new { name, version = "3", stage = "Staging", archive_existing_versions = false }).OkAsync();
        var two = (await SendAsync(admin, HttpMethod.Post, "model-versions/transition-stage",
            new { name, version = "2", stage = "Production", archive_existing_versions = true }).OkAsync()).GetProperty("model_version");
        Assert.Equal("Production", two.GetProperty("current_stage").GetString());

        var archived = (await GetAsync(admin, "model-versions/get", ("name", name), ("version", "1")).OkAsync()).GetProperty("model_version");
        Assert.Equal("Archived", archived.GetProperty("current_stage").GetString());
        var staging = (await GetAsync(admin, "model-versions/get", ("name", name), ("version", "3")).OkAsync()).GetProperty("model_version");
        Assert.Equal("Staging", staging.GetProperty("current_stage").GetString());

        var model = (await GetAsync(admin, "registered-models/get", ("name", name)).OkAsync()).GetProperty("registered_model");
        var latest = model.GetProperty("latest_versions").EnumerateArray()
            .ToDictionary(v => v.GetProperty("current_stage").GetString()!, v => v.GetProperty("version").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["Archived"] = "1", ["Production"] = "2", ["Staging"] = "3" }, latest);
        var production = await SendAsync(admin, HttpMethod.Post, "registered-models/get-latest-versions", new { name, stages = new[] { "Production" } }).OkAsync();
        Assert.Equal("2", Assert.Single(production.GetProperty("model_versions").EnumerateArray()).GetProperty("version").GetString());

        await SendAsync(admin, HttpMethod.Post, "model-versions/transition-stage", new { name, version = "3", stage = "Prod", archive_existing_versions = false })
            .ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await SendAsync(admin, HttpMethod.Post, "model-versions/transition-stage", new { name, version = "3", stage = "Archived", archive_existing_versions = true })
            .ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await SendAsync(admin, HttpMethod.Post, "model-versions/transition-stage", new { name, version = "9", stage = "Staging", archive_existing_versions = false })
            .ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [SkippableFact]
    public async Task SearchRegisteredModels_WithPromptExclusionAndLike()
    {
        var admin = Server.CreateAdminClient();
        var prefix = $"S{Guid.NewGuid():N}"[..12];
        var plain = await CreateModelAsync(admin, prefix + "-b");
        var other = await CreateModelAsync(admin, prefix + "-a");
        var prompt = await CreateModelAsync(admin, prefix + "-prompt");
        await SendAsync(admin, HttpMethod.Post, "registered-models/set-tag", new { name = prompt, key = "mlflow.prompt.is_prompt", value = "true" }).OkAsync();

        var all = await GetAsync(admin, "registered-models/search", ("max_results", "100"), ("filter", PromptExclusion)).OkAsync();
        var names = all.GetProperty("registered_models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Contains(plain, names);
        Assert.Contains(other, names);
        Assert.DoesNotContain(prompt, names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);

        var like = await GetAsync(admin, "registered-models/search", ("max_results", "100"),
            ("filter", $"name LIKE '{prefix}%' AND {PromptExclusion}")).OkAsync();
        Assert.Equal([other, plain], like.GetProperty("registered_models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));

        var paged = await GetAsync(admin, "registered-models/search", ("max_results", "1"), ("filter", $"name LIKE '{prefix}%'"), ("order_by", "name DESC")).OkAsync();
        Assert.Equal(prompt, Assert.Single(paged.GetProperty("registered_models").EnumerateArray()).GetProperty("name").GetString());
        var token = paged.GetProperty("next_page_token").GetString()!;
        var next = await GetAsync(admin, "registered-models/search", ("max_results", "1"), ("filter", $"name LIKE '{prefix}%'"), ("order_by", "name DESC"), ("page_token", token)).OkAsync();
        Assert.Equal(plain, Assert.Single(next.GetProperty("registered_models").EnumerateArray()).GetProperty("name").GetString());

        await GetAsync(admin, "registered-models/search", ("filter", "name LIKE 'x' OR name = 'y'")).ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await GetAsync(admin, "registered-models/search", ("max_results", "1001")).ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [SkippableFact]
    public async Task SearchModelVersions_ByName_AndDeletedVersionsVanish_NumbersNotReused()
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, "s3://bucket/a");
        await CreateVersionAsync(admin, name, "s3://bucket/b");
        var found = await GetAsync(admin, "model-versions/search", ("max_results", "10000"), ("filter", $"name='{name}'")).OkAsync();
        Assert.Equal(["2", "1"], found.GetProperty("model_versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));

        var bySource = await GetAsync(admin, "model-versions/search", ("filter", $"name = '{name}' and source_path = 's3://bucket/a'")).OkAsync();
        Assert.Equal("1", Assert.Single(bySource.GetProperty("model_versions").EnumerateArray()).GetProperty("version").GetString());

        await SendAsync(admin, HttpMethod.Delete, "model-versions/delete", new { name, version = "1" }).OkAsync();
        await GetAsync(admin, "model-versions/get", ("name", name), ("version", "1")).ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        found = await GetAsync(admin, "model-versions/search", ("filter", $"name='{name}'")).OkAsync();
        Assert.Equal(["2"], found.GetProperty("model_versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));

        await SendAsync(admin, HttpMethod.Delete, "model-versions/delete", new { name, version = "2" }).OkAsync();
        var third = await CreateVersionAsync(admin, name, "s3://bucket/c");
        Assert.Equal("3", third.GetProperty("version").GetString());
    }

    [SkippableFact]
    public async Task DeleteRegisteredModel_WithJsonBody_ThenGetIs404()
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, "s3://bucket/a");
        await SendAsync(admin, HttpMethod.Delete, "registered-models/delete", new { name }).OkAsync();
        await GetAsync(admin, "registered-models/get", ("name", name)).ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await GetAsync(admin, "model-versions/get", ("name", name), ("version", "1")).ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await SendAsync(admin, HttpMethod.Delete, "registered-models/delete", new { name }).ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal(1, await CountAuditAsync(Server, "model.delete", $"model/{name}"));
    }

    [SkippableFact]
    public async Task UpdateRenameAndTags_ChangeDescriptionsNameAndTags()
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, "s3://bucket/a");
        var updated = (await SendAsync(admin, HttpMethod.Patch, "registered-models/update", new { name, description = "credit risk" }).OkAsync()).GetProperty("registered_model");
        Assert.Equal("credit risk", updated.GetProperty("description").GetString());
        await SendAsync(admin, HttpMethod.Post, "model-versions/set-tag", new { name, version = "1", key = "validated", value = "yes" }).OkAsync();
        var version = (await SendAsync(admin, HttpMethod.Patch, "model-versions/update", new { name, version = "1", description = "first" }).OkAsync()).GetProperty("model_version");
        Assert.Equal("first", version.GetProperty("description").GetString());
        Assert.Equal("yes", Assert.Single(version.GetProperty("tags").EnumerateArray()).GetProperty("value").GetString());
        await SendAsync(admin, HttpMethod.Delete, "model-versions/delete-tag", new { name, version = "1", key = "validated" }).OkAsync();

        var renamed = name + "-renamed";
        var model = (await SendAsync(admin, HttpMethod.Post, "registered-models/rename", new { name, new_name = renamed }).OkAsync()).GetProperty("registered_model");
        Assert.Equal(renamed, model.GetProperty("name").GetString());
        var moved = (await GetAsync(admin, "model-versions/get", ("name", renamed), ("version", "1")).OkAsync()).GetProperty("model_version");
        Assert.Equal(0, moved.GetProperty("tags").GetArrayLength());
        await SendAsync(admin, HttpMethod.Post, "registered-models/set-tag", new { name = renamed, key = "team", value = "risk" }).OkAsync();
        var tagged = await GetAsync(admin, "model-versions/search", ("filter", $"name = '{renamed}'")).OkAsync();
        Assert.Single(tagged.GetProperty("model_versions").EnumerateArray());
        var byTag = await GetAsync(admin, "registered-models/search", ("filter", "tags.team = 'risk'")).OkAsync();
        Assert.Contains(renamed, byTag.GetProperty("registered_models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        await SendAsync(admin, HttpMethod.Delete, "registered-models/delete-tag", new { name = renamed, key = "team" }).OkAsync();
    }

    [SkippableFact]
    public async Task MissingOrMalformedFields_Are400()
    {
        var admin = Server.CreateAdminClient();
        await SendAsync(admin, HttpMethod.Post, "registered-models/create", new { }).ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await GetAsync(admin, "registered-models/get").ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await GetAsync(admin, "model-versions/get", ("name", "x"), ("version", "one")).ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        var name = await CreateModelAsync(admin);
        await SendAsync(admin, HttpMethod.Post, "model-versions/create", new { name }).ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await SendAsync(admin, HttpMethod.Post, "model-versions/create", new { name = name + "-missing", source = "s3://b/m" })
            .ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }
}

public sealed class SqliteMlflowRegistryTests(SqliteServerFixture fixture) : MlflowRegistryTests<SqliteServerFixture>(fixture);

public sealed class PostgresMlflowRegistryTests(PostgresServerFixture fixture) : MlflowRegistryTests<PostgresServerFixture>(fixture);
