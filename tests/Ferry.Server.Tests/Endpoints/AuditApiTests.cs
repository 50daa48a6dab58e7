using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Ferry.Server.Tests.Endpoints;

/// <summary>The audit trail over HTTP; run on SQLite and on PostgreSQL.</summary>
public abstract class AuditApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task TokenCreation_IsAuditedWithActorTargetAndNoSecret()
    {
        var admin = Server.CreateAdminClient();
        var name = $"audited-{Guid.NewGuid():N}";
        using var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name, role = "viewer" });
        var body = await created.AssertJsonAsync(HttpStatusCode.Created);
        var id = body.GetProperty("token").GetProperty("id").GetGuid();
        var secret = body.GetProperty("secret").GetString()!;

        using var response = await admin.GetAsync($"/api/v1/audit?target=token/{id}");
        var page = await response.AssertJsonAsync(HttpStatusCode.OK);
        var e = Assert.Single(page.GetProperty("events").EnumerateArray());
        Assert.Equal("admin", e.GetProperty("actor").GetString());
        Assert.Equal("token.create", e.GetProperty("action").GetString());
        Assert.Equal(name, e.GetProperty("summary").GetProperty("name").GetString());
        var raw = e.ToString();
        Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenSecret.Hash(secret), raw, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Filters_CombineActorActionTargetAndTime()
    {
        var admin = Server.CreateAdminClient();
        var before = Server.Clock.GetUtcNow().AddSeconds(-1);
        using var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = $"f-{Guid.NewGuid():N}", role = "viewer" });
        var id = (await created.AssertJsonAsync(HttpStatusCode.Created)).GetProperty("token").GetProperty("id").GetGuid();
        (await admin.DeleteAsync($"/api/v1/tokens/{id}")).EnsureSuccessStatusCode();

        var revokes = await ReadEventsAsync(admin, $"/api/v1/audit?actor=admin&action=token.revoke&target=token/{id}");
        Assert.Equal("token.revoke", Assert.Single(revokes).GetProperty("action").GetString());

        var tokenActions = await ReadEventsAsync(admin, $"/api/v1/audit?action=token.&target=token/{id}");
        Assert.Equal(["token.create", "token.revoke"], tokenActions.Select(e => e.GetProperty("action").GetString()));

        var from = Uri.EscapeDataString(before.ToString("O"));
        var recent = await ReadEventsAsync(admin, $"/api/v1/audit?from={from}&target=token/{id}");
        Assert.Equal(2, recent.Count);
        var future = Uri.EscapeDataString(Server.Clock.GetUtcNow().AddHours(1).ToString("O"));
        Assert.Empty(await ReadEventsAsync(admin, $"/api/v1/audit?from={future}"));
        Assert.Empty(await ReadEventsAsync(admin, $"/api/v1/audit?actor=nobody-{Guid.NewGuid():N}"));
    }

    [SkippableFact]
    public async Task Paging_WalksTheWholeChainInOrder()
    {
        var admin = Server.CreateAdminClient();
        for (var i = 0; i < 3; i++)
        {
            await Server.CreateTokenAsync(Role.Viewer);
        }

        var sequences = new List<long>();
        long? after = null;
        do
        {
            using var response = await admin.GetAsync($"/api/v1/audit?limit=2{(after is { } a ? $"&after={a}" : string.Empty)}");
            var page = await response.AssertJsonAsync(HttpStatusCode.OK);
            sequences.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
            after = page.GetProperty("nextAfter").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextAfter").GetInt64();
        }
        while (after is not null);

        Assert.True(sequences.Count >= 4);
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
    }

    [SkippableFact]
    public async Task BadFilters_Return400()
    {
        var admin = Server.CreateAdminClient();
        using var limit = await admin.GetAsync("/api/v1/audit?limit=0");
        await limit.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var time = await admin.GetAsync("/api/v1/audit?from=not-a-time");
        await time.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [SkippableFact]
    public async Task Viewer_CannotReadTheAuditTrail_ApproverCan()
    {
        var viewer = await Server.CreateTokenAsync(Role.Viewer);
        using var denied = await Server.CreateClient(viewer).GetAsync("/api/v1/audit");
        await denied.AssertProblemAsync(HttpStatusCode.Forbidden);
        var approver = await Server.CreateTokenAsync(Role.Approver);
        using var allowed = await Server.CreateClient(approver).GetAsync("/api/v1/audit/verify");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [SkippableFact]
    public async Task ConcurrentMutations_KeepOneUnbrokenChain()
    {
        var admin = Server.CreateAdminClient();
        var creations = Enumerable.Range(0, 16).Select(_ =>
            admin.PostAsJsonAsync("/api/v1/tokens", new { name = $"c-{Guid.NewGuid():N}", role = "viewer" }));
        foreach (var response in await Task.WhenAll(creations))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            response.Dispose();
        }

        using var verify = await admin.GetAsync("/api/v1/audit/verify");
        var result = await verify.AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(result.GetProperty("isValid").GetBoolean(), result.ToString());
    }

    [SkippableFact]
    public async Task EditingOneRowByHand_BreaksVerificationAtThatRow()
    {
        // A server of its own: this test breaks the chain on purpose.
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        await using var server = await FerryTestServer.StartAsync(fixture.Kind);
        for (var i = 0; i < 3; i++)
        {
            await server.CreateTokenAsync(Role.Viewer);
        }

        var admin = server.CreateAdminClient();
        long total;
        using (var ok = await admin.GetAsync("/api/v1/audit/verify"))
        {
            var result = await ok.AssertJsonAsync(HttpStatusCode.OK);
            Assert.True(result.GetProperty("isValid").GetBoolean());
            total = result.GetProperty("eventsChecked").GetInt64();
            Assert.True(total >= 4, "bootstrap admin token + three tokens, at least");
        }

        // Tamper with the second of the three token creations, in the middle of the chain.
        var creations = await ReadEventsAsync(admin, "/api/v1/audit?action=token.create&actor=test");
        Assert.Equal(3, creations.Count);
        var victim = creations[1].GetProperty("sequence").GetInt64();
        await using (var db = server.Database.CreateContext())
        {
            var changed = await db.Database.ExecuteSqlAsync($"UPDATE audit_events SET actor = 'mallory' WHERE sequence = {victim}");
            Assert.Equal(1, changed);
        }

        using var broken = await admin.GetAsync("/api/v1/audit/verify");
        var verdict = await broken.AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(verdict.GetProperty("isValid").GetBoolean());
        Assert.Equal(victim, verdict.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Contains("edited", verdict.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static async Task<List<JsonElement>> ReadEventsAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var page = await response.AssertJsonAsync(HttpStatusCode.OK);
        return [.. page.GetProperty("events").EnumerateArray()];
    }
}

public sealed class SqliteAuditApiTests(SqliteServerFixture fixture) : AuditApiTests<SqliteServerFixture>(fixture);

public sealed class PostgresAuditApiTests(PostgresServerFixture fixture) : AuditApiTests<PostgresServerFixture>(fixture);
