using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests.Serving;

/// <summary>The endpoint store on SQLite and PostgreSQL: revisions, rollback, alias following, refusals, compatibility, audit.</summary>
public abstract class EndpointStoreTests(DatabaseKind kind) : StorageTestBase(kind)
{
    private const string Linear = """{"inputs":[{"name":"x","type":"float32","shape":[-1,4]}],"outputs":[{"name":"probability","type":"float32","shape":[-1,1]}]}""";
    private const string Wider = """{"inputs":[{"name":"x","type":"float32","shape":[-1,4]},{"name":"z","type":"int64","shape":[-1,1]}],"outputs":[]}""";
    private const string Doubles = """{"inputs":[{"name":"x","type":"float64","shape":[-1,4]}],"outputs":[]}""";
    private const string Narrower = """{"inputs":[{"name":"x","type":"float32","shape":[-1,3]}],"outputs":[]}""";
    private const string OptionalExtra = """{"inputs":[{"name":"x","type":"float32","shape":[-1,4]},{"name":"w","type":"float32","shape":[-1],"optional":true}],"outputs":[]}""";

    [SkippableFact]
    public async Task Deploy_CreatesRevisionOne_ThenAppendsAndActivates_WithOneAuditEventEach()
    {
        await using var scope = Scope();
        var store = Store(scope);
        await SeedAsync(scope, "credit", Linear, Linear, Linear);

        var first = await store.DeployAsync("credit-risk", [Route("credit", 1)], force: false, "alice");
        Assert.Equal(1, first.ActiveRevision);
        Assert.Equal("alice", first.CreatedBy);
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), first.CreatedAt);

        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await store.DeployAsync("credit-risk",
            [Route("credit", 1, weight: 90), Route("credit", 2, weight: 10), new RouteRequest("credit", 3, null, RouteRole.Shadow, 55)], force: false, "bob");
        Assert.Equal(2, second.ActiveRevision);
        Assert.Equal([1, 2], second.Policies.Select(p => p.Revision));
        var active = second.Policies[^1];
        Assert.Equal("bob", active.CreatedBy);
        Assert.Equal([(1, 90, RouteRole.Weighted), (2, 10, RouteRole.Weighted), (3, 0, RouteRole.Shadow)],
            active.Routes.Select(r => (r.Version!.Value, r.Weight, r.Role)));
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), second.UpdatedAt);

        var resolved = (await store.ResolveAsync("credit-risk"))!;
        Assert.Equal(2, resolved.Revision);
        Assert.Equal(3, resolved.Routes.Count);
        Assert.All(resolved.Routes, r => Assert.Equal("onnx", r.Flavor));
        Assert.Equal("models/credit/2", resolved.Routes[1].ArtifactPath);

        var events = await Audit(scope, "endpoint.deploy");
        Assert.Equal(["alice", "bob"], events.Select(e => e.Actor));
        Assert.All(events, e => Assert.Equal("endpoint/credit-risk", e.Target));
        Assert.Contains("\"before\":null", events[0].Summary, StringComparison.Ordinal);
        Assert.Contains("\"before\":[{\"model\":\"credit\",\"version\":1", events[1].Summary, StringComparison.Ordinal);
        Assert.Contains("\"role\":\"shadow\"", events[1].Summary, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Rollback_CopiesThePreviousRevisionAsANewOne_AndToggles()
    {
        await using var scope = Scope();
        var store = Store(scope);
        await SeedAsync(scope, "credit", Linear, Linear);
        await store.DeployAsync("ep", [Route("credit", 1)], false, "alice");
        await Assert.ThrowsAsync<ConflictException>(() => store.RollbackAsync("ep", "alice"));
        await store.DeployAsync("ep", [Route("credit", 2)], false, "alice");

        var rolled = await store.RollbackAsync("ep", "carol");
        Assert.Equal(3, rolled.ActiveRevision);
        Assert.Equal(1, Assert.Single(rolled.Policies[^1].Routes).Version);
        Assert.Equal(1, (await store.ResolveAsync("ep"))!.Routes.Single().Version);

        var again = await store.RollbackAsync("ep", "carol");
        Assert.Equal(4, again.ActiveRevision);
        Assert.Equal(2, Assert.Single(again.Policies[^1].Routes).Version);

        var events = await Audit(scope, "endpoint.rollback");
        Assert.Equal(2, events.Count);
        Assert.Contains("\"restoredRevision\":1", events[0].Summary, StringComparison.Ordinal);
        Assert.Contains("\"restoredRevision\":2", events[1].Summary, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => store.RollbackAsync("missing", "carol"));
    }

    [SkippableFact]
    public async Task AliasRoute_FollowsTheAlias_WhenItMoves()
    {
        await using var scope = Scope();
        var store = Store(scope);
        var registry = await SeedAsync(scope, "credit", Linear, Linear);
        await registry.SetAliasAsync("credit", "champion", 1, new RegistryCaller("approver", true));
        var endpoint = await store.DeployAsync("follows", [new RouteRequest("credit", null, "champion", RouteRole.Weighted, 100)], false, "alice");
        Assert.Equal("champion", Assert.Single(endpoint.Policies[^1].Routes).Alias);
        Assert.Equal(1, (await store.ResolveAsync("follows"))!.Routes.Single().Version);

        await registry.SetAliasAsync("credit", "champion", 2, new RegistryCaller("approver", true));
        var moved = (await store.ResolveAsync("follows"))!.Routes.Single();
        Assert.Equal((2, "champion", "models/credit/2"), (moved.Version, moved.Alias, moved.ArtifactPath));
        Assert.Equal(1, (await store.GetAsync("follows"))!.ActiveRevision);
    }

    [SkippableFact]
    public async Task Deploy_RefusesUnknownOrUnservableTargets_NamingTheRoute()
    {
        await using var scope = Scope();
        var store = Store(scope);
        var registry = await SeedAsync(scope, "credit", Linear);
        await registry.CreateVersionAsync(new NewModelVersion { ModelName = "credit", Source = "s3://bucket/credit" }, "alice");

        await AssertRefusedAsync(store, [Route("nope", 1)], "routes[0]", "does not exist");
        await AssertRefusedAsync(store, [Route("credit", 1), Route("credit", 9, weight: 5)], "routes[1]", "no version 9");
        await AssertRefusedAsync(store, [new RouteRequest("credit", null, "ghost", RouteRole.Weighted, 100)], "routes[0]", "no alias 'ghost'");
        await AssertRefusedAsync(store, [Route("credit", 2)], "routes[0]", "cannot be served");
        Assert.Null(await store.GetAsync("ep"));
        Assert.Empty(await Audit(scope, "endpoint.deploy"));
    }

    [SkippableFact]
    public async Task Deploy_RefusesBadShapes()
    {
        await using var scope = Scope();
        var store = Store(scope);
        await SeedAsync(scope, "credit", Linear, Linear);

        await AssertRefusedAsync(store, [Route("credit", 1, weight: -1)], "routes[0]", "weight");
        await AssertRefusedAsync(store, [Route("credit", 1, weight: 0), new RouteRequest("credit", 2, null, RouteRole.Shadow, 100)], "routes", "more than 0");
        await AssertRefusedAsync(store, [Route("credit", 1), Route("credit", 1)], "routes[1]", "twice");
        await AssertRefusedAsync(store, [new RouteRequest("credit", 1, "champion", RouteRole.Weighted, 100)], "routes[0]", "exactly one");
        await AssertRefusedAsync(store, [new RouteRequest("credit", null, null, RouteRole.Weighted, 100)], "routes[0]", "exactly one");
        await AssertRefusedAsync(store, [], "routes", "at least one");
        foreach (var bad in new[] { "Credit", "-credit", "credit_risk", "", new string('a', 129), "a b" })
        {
            var e = await Assert.ThrowsAsync<ValidationException>(() => store.DeployAsync(bad, [Route("credit", 1)], false, "alice"));
            Assert.True(e.Errors.ContainsKey("name"), bad);
        }

        var ok = await store.DeployAsync(new string('a', 128), [Route("credit", 1), new RouteRequest("credit", 1, null, RouteRole.Shadow, 0)], false, "alice");
        Assert.Equal(2, ok.Policies[0].Routes.Count);
    }

    [SkippableFact]
    public async Task Deploy_RefusesAnIncompatibleVersion_UnlessForced()
    {
        await using var scope = Scope();
        var store = Store(scope);
        await SeedAsync(scope, "credit", Linear, Wider, Doubles, Narrower, OptionalExtra, Linear);
        await store.DeployAsync("ep", [Route("credit", 1)], false, "alice");

        var wider = await Assert.ThrowsAsync<ValidationException>(() => store.DeployAsync("ep", [Route("credit", 1, 90), Route("credit", 2, 10)], false, "alice"));
        var message = Assert.Single(wider.Errors["routes[1]"]);
        Assert.StartsWith("incompatible:", message, StringComparison.Ordinal);
        Assert.Contains("'z'", message, StringComparison.Ordinal);

        var doubles = await Assert.ThrowsAsync<ValidationException>(() => store.DeployAsync("ep", [Route("credit", 3)], false, "alice"));
        Assert.Contains("'x' is float32 on the endpoint", Assert.Single(doubles.Errors["routes[0]"]), StringComparison.Ordinal);
        var narrower = await Assert.ThrowsAsync<ValidationException>(() => store.DeployAsync("ep", [Route("credit", 4)], false, "alice"));
        Assert.Contains("shape", Assert.Single(narrower.Errors["routes[0]"]), StringComparison.Ordinal);
        Assert.Equal(1, (await store.GetAsync("ep"))!.ActiveRevision);

        // Compatible: an optional extra input, a version already answering, and a shadow whatever its signature.
        Assert.Equal(2, (await store.DeployAsync("ep", [Route("credit", 5)], false, "alice")).ActiveRevision);
        Assert.Equal(3, (await store.DeployAsync("ep", [Route("credit", 5), new RouteRequest("credit", 3, null, RouteRole.Shadow, 0)], false, "alice")).ActiveRevision);

        // Once the endpoint accepts the optional 'w', a version without it would reject records that carry it.
        var dropped = await Assert.ThrowsAsync<ValidationException>(() => store.DeployAsync("ep", [Route("credit", 6)], false, "alice"));
        Assert.Contains("'w'", Assert.Single(dropped.Errors["routes[0]"]), StringComparison.Ordinal);

        var forced = await store.DeployAsync("ep", [Route("credit", 2)], force: true, "alice");
        Assert.Equal(4, forced.ActiveRevision);
        Assert.Contains("\"force\":true", (await Audit(scope, "endpoint.deploy"))[^1].Summary, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Batching_AndDelete_AreAudited()
    {
        await using var scope = Scope();
        var store = Store(scope);
        await SeedAsync(scope, "credit", Linear);
        await store.DeployAsync("ep", [Route("credit", 1)], false, "alice");

        var batched = await store.SetBatchingAsync("ep", 16, 2000, "alice");
        Assert.Equal((16, 2000, 1), (batched.MaxBatchSize, batched.MaxBatchDelayMicros, batched.ActiveRevision));
        Assert.Equal((16, 2000), ((await store.ResolveAsync("ep"))!.MaxBatchSize, (await store.ResolveAsync("ep"))!.MaxBatchDelayMicros));
        await Assert.ThrowsAsync<ValidationException>(() => store.SetBatchingAsync("ep", 0, 10, "alice"));
        await Assert.ThrowsAsync<ValidationException>(() => store.SetBatchingAsync("ep", 4, -1, "alice"));
        await Assert.ThrowsAsync<NotFoundException>(() => store.SetBatchingAsync("nope", 4, 10, "alice"));
        Assert.Single(await Audit(scope, "endpoint.batching"));

        Assert.Single(await store.ListAsync());
        await store.DeleteAsync("ep", "alice");
        Assert.Null(await store.GetAsync("ep"));
        Assert.Null(await store.ResolveAsync("ep"));
        Assert.Empty(await store.ListAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => store.DeleteAsync("ep", "alice"));
        Assert.Contains("\"revisions\":1", Assert.Single(await Audit(scope, "endpoint.delete")).Summary, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Resolve_LeavesOutARouteWhoseVersionWasDeleted()
    {
        await using var scope = Scope();
        var store = Store(scope);
        var registry = await SeedAsync(scope, "credit", Linear, Linear);
        await store.DeployAsync("ep", [Route("credit", 1), new RouteRequest("credit", 2, null, RouteRole.Shadow, 0)], false, "alice");
        await registry.DeleteVersionAsync("credit", 2, new RegistryCaller("alice", true));

        var route = Assert.Single((await store.ResolveAsync("ep"))!.Routes);
        Assert.Equal((1, RouteRole.Weighted), (route.Version, route.Role));
        await store.DeployAsync("ep", [Route("credit", 1)], false, "alice");
        var refused = await Assert.ThrowsAsync<ValidationException>(() => store.RollbackAsync("ep", "alice"));
        Assert.Contains("cannot roll back", refused.Errors["routes[1]"][0], StringComparison.Ordinal);
    }

    private static RouteRequest Route(string model, int version, int weight = 100) => new(model, version, null, RouteRole.Weighted, weight);

    private static IEndpointStore Store(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<IEndpointStore>();

    private static async Task AssertRefusedAsync(IEndpointStore store, RouteRequest[] routes, string field, string mention)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() => store.DeployAsync("ep", routes, false, "alice"));
        Assert.True(e.Errors.TryGetValue(field, out var messages), $"expected an error on {field}: {e.Message}");
        Assert.Contains(messages, m => m.Contains(mention, StringComparison.Ordinal));
    }

    /// <summary>Registers a model with one servable ONNX version per signature.</summary>
    private static async Task<IRegistryStore> SeedAsync(AsyncServiceScope scope, string model, params string[] signatures)
    {
        var registry = scope.ServiceProvider.GetRequiredService<IRegistryStore>();
        await registry.CreateModelAsync(new NewRegisteredModel(model, null, []), "alice");
        for (var i = 0; i < signatures.Length; i++)
        {
            await registry.CreateVersionAsync(new NewModelVersion
            {
                ModelName = model,
                Source = $"mlflow-artifacts:/models/{model}/{i + 1}",
                ArtifactPath = $"models/{model}/{i + 1}",
                Flavor = "onnx",
                SignatureJson = signatures[i],
            }, "alice");
        }

        return registry;
    }

    private static async Task<List<AuditEvent>> Audit(AsyncServiceScope scope, string action) =>
        [.. (await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery { Action = action })).OrderBy(e => e.Sequence)];

}

public sealed class SqliteEndpointStoreTests() : EndpointStoreTests(DatabaseKind.Sqlite);

public sealed class PostgresEndpointStoreTests() : EndpointStoreTests(DatabaseKind.PostgreSql);
