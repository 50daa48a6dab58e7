using System.Net;
using System.Net.Http.Json;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Endpoints;

/// <summary>Token management over HTTP; run on SQLite and on PostgreSQL.</summary>
public abstract class TokensApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Create_ReturnsSecretOnce_ThatAuthenticatesWithItsRole()
    {
        var admin = Server.CreateAdminClient();
        var name = $"ci-{Guid.NewGuid():N}";
        using var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name, role = "scientist" });
        var body = await created.AssertJsonAsync(HttpStatusCode.Created);
        var secret = body.GetProperty("secret").GetString()!;
        Assert.StartsWith(TokenSecret.Prefix, secret, StringComparison.Ordinal);
        Assert.True(secret.Length >= TokenSecret.Prefix.Length + 43, "256 random bits in base64url are 43 characters");
        Assert.Equal("scientist", body.GetProperty("token").GetProperty("role").GetString());

        using var me = await Server.CreateClient(secret).GetAsync("/api/v1/tokens/me");
        var caller = await me.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(name, caller.GetProperty("name").GetString());
        Assert.Equal("scientist", caller.GetProperty("role").GetString());

        using var list = await admin.GetAsync("/api/v1/tokens");
        var listed = await list.Content.ReadAsStringAsync();
        Assert.Contains(name, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenSecret.Hash(secret), listed, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Secret_IsStoredOnlyAsItsHash()
    {
        var secret = await Server.CreateTokenAsync(Role.Viewer);
        await using var db = Server.Database.CreateContext();
        var stored = db.ApiTokens.Single(t => t.SecretHash == TokenSecret.Hash(secret));
        Assert.NotEqual(secret, stored.SecretHash);
        Assert.Equal(TokenSecret.DisplayPrefixOf(secret), stored.DisplayPrefix);
    }

    [SkippableFact]
    public async Task Revoke_StopsTheTokenAtOnce()
    {
        var admin = Server.CreateAdminClient();
        using var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = $"temp-{Guid.NewGuid():N}", role = "viewer" });
        var body = await created.AssertJsonAsync(HttpStatusCode.Created);
        var secret = body.GetProperty("secret").GetString()!;
        var id = body.GetProperty("token").GetProperty("id").GetGuid();
        var client = Server.CreateClient(secret);
        (await client.GetAsync("/api/v1/tokens/me")).EnsureSuccessStatusCode();

        using var revoked = await admin.DeleteAsync($"/api/v1/tokens/{id}");
        var view = await revoked.AssertJsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, view.GetProperty("revokedAt").ValueKind);

        using var after = await client.GetAsync("/api/v1/tokens/me");
        await after.AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var active = await admin.GetAsync("/api/v1/tokens");
        Assert.DoesNotContain(id.ToString(), await active.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var all = await admin.GetAsync("/api/v1/tokens?includeRevoked=true");
        Assert.Contains(id.ToString(), await all.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Create_WithInvalidFields_Returns400NamingEachField()
    {
        using var response = await Server.CreateAdminClient().PostAsJsonAsync("/api/v1/tokens", new { name = " ", role = "root" });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("role", out _));
    }

    [SkippableFact]
    public async Task Create_WithPastExpiry_Returns400()
    {
        using var response = await Server.CreateAdminClient().PostAsJsonAsync("/api/v1/tokens",
            new { name = $"old-{Guid.NewGuid():N}", role = "viewer", expiresAt = Server.Clock.GetUtcNow().AddDays(-1) });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("expiresAt", out _));
    }

    [SkippableFact]
    public async Task Create_WithActiveName_Returns409()
    {
        var admin = Server.CreateAdminClient();
        var name = $"dup-{Guid.NewGuid():N}";
        (await admin.PostAsJsonAsync("/api/v1/tokens", new { name, role = "viewer" })).EnsureSuccessStatusCode();
        using var again = await admin.PostAsJsonAsync("/api/v1/tokens", new { name, role = "viewer" });
        await again.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [SkippableFact]
    public async Task Revoke_UnknownId_Returns404Problem()
    {
        using var response = await Server.CreateAdminClient().DeleteAsync($"/api/v1/tokens/{Guid.NewGuid()}");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Approver_CannotManageTokens()
    {
        var approver = await Server.CreateTokenAsync(Role.Approver);
        using var response = await Server.CreateClient(approver).GetAsync("/api/v1/tokens");
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteTokensApiTests(SqliteServerFixture fixture) : TokensApiTests<SqliteServerFixture>(fixture);

public sealed class PostgresTokensApiTests(PostgresServerFixture fixture) : TokensApiTests<PostgresServerFixture>(fixture);
