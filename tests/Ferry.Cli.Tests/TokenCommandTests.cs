using Ferry.Cli.Tests.Infrastructure;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Tests;

[Collection(SharedServerDefinition.Name)]
public sealed class TokenCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task CreateListAndRevoke_RoundTrip_AndRevokedTokenIsRefused()
    {
        var created = Json.Read<CreatedTokenResponse>(await Server.RunAsync(fixture.AdminToken,
            "tokens", "create", "--name", "ops-roundtrip", "--role", "admin", "--expires-at", "2099-01-01T00:00:00Z", "--output", "json"));
        Assert.Equal("ops-roundtrip", created.Token.Name);
        Assert.Equal("admin", created.Token.Role);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), created.Token.ExpiresAt);
        Assert.StartsWith(created.Token.DisplayPrefix, created.Secret, StringComparison.Ordinal);

        // The new token works on its own.
        var listResult = await Server.RunAsync(created.Secret, "tokens", "list", "--output", "json");
        var view = Assert.Single(Json.Read<TokenList>(listResult).Tokens, t => t.Id == created.Token.Id);
        Assert.Null(view.RevokedAt);
        Assert.DoesNotContain(created.Secret, listResult.Stdout, StringComparison.Ordinal);

        var revoked = Json.Read<TokenView>(await Server.RunAsync(fixture.AdminToken,
            "tokens", "revoke", created.Token.Id.ToString(), "--output", "json"));
        Assert.NotNull(revoked.RevokedAt);

        var active = Json.Read<TokenList>(await Server.RunAsync(fixture.AdminToken, "tokens", "list", "--output", "json"));
        Assert.DoesNotContain(active.Tokens, t => t.Id == created.Token.Id);
        var all = Json.Read<TokenList>(await Server.RunAsync(fixture.AdminToken, "tokens", "list", "--all", "--output", "json"));
        Assert.Contains(all.Tokens, t => t.Id == created.Token.Id && t.RevokedAt is not null);

        var refused = await Server.RunAsync(created.Secret, "tokens", "list", "--output", "json");
        CliAssert.FailedWithOneLine(refused, ExitCodes.Unauthorized, "revoked");
        Assert.DoesNotContain(created.Secret, refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ViewerCreatingToken_IsRefused_WithExitCode3AndOneLine()
    {
        var viewer = Json.Read<CreatedTokenResponse>(await Server.RunAsync(fixture.AdminToken,
            "tokens", "create", "--name", "viewer-forbidden", "--role", "viewer", "--output", "json"));

        var result = await Server.RunAsync(viewer.Secret, "tokens", "create", "--name", "sneaky", "--role", "admin");

        CliAssert.FailedWithOneLine(result, ExitCodes.Unauthorized, "403", "viewer");
        Assert.Empty(result.Stdout);
        Assert.DoesNotContain(viewer.Secret, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateInTableForm_PrintsSecretOnce_AndListNeverPrintsIt()
    {
        var created = await Server.RunAsync(fixture.AdminToken, "tokens", "create", "--name", "table-form", "--role", "scientist");
        CliAssert.Succeeded(created);
        var secret = Assert.Single(created.Stdout.Split('\n'), line => line.StartsWith("fry_", StringComparison.Ordinal)).Trim();

        var list = await Server.RunAsync(fixture.AdminToken, "tokens", "list");
        CliAssert.Succeeded(list);
        Assert.Contains("table-form", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingUnknownId_ExitsWithNotFound()
    {
        var result = await Server.RunAsync(fixture.AdminToken, "tokens", "revoke", Guid.NewGuid().ToString());
        CliAssert.FailedWithOneLine(result, ExitCodes.NotFound, "404");
    }

    [Fact]
    public async Task RequestTheServerFindsInvalid_ExitsWithInvalidArguments()
    {
        var result = await Server.RunAsync(fixture.AdminToken, "audit", "list", "--limit", "0");
        CliAssert.FailedWithOneLine(result, ExitCodes.InvalidArguments, "limit");
    }

    [Fact]
    public async Task AuditList_ShowsTokenCreations_AsJson()
    {
        var page = Json.Read<AuditEventList>(await Server.RunAsync(fixture.AdminToken,
            "audit", "list", "--action", "token.", "--limit", "1000", "--output", "json"));
        var first = page.Events[0];
        Assert.Equal(1, first.Sequence);
        Assert.Equal("system", first.Actor);
        Assert.Equal("token.create", first.Action);

        var window = Json.Read<AuditEventList>(await Server.RunAsync(fixture.AdminToken,
            "audit", "list", "--actor", "system", "--action", "token.", "--from", "2000-01-01T00:00:00+00:00", "--to", "2100-01-01T00:00:00+00:00", "--output", "json"));
        Assert.Equal(1, Assert.Single(window.Events).Sequence);
        Assert.Null(window.NextAfter);

        // Start-up also creates MLflow's Default experiment as "system"; the time window excludes nothing here.
        var systemEvents = Json.Read<AuditEventList>(await Server.RunAsync(fixture.AdminToken,
            "audit", "list", "--actor", "system", "--output", "json"));
        Assert.Equal(["token.create", "experiment.create"], systemEvents.Events.Select(e => e.Action));
        var future = Json.Read<AuditEventList>(await Server.RunAsync(fixture.AdminToken,
            "audit", "list", "--actor", "system", "--from", "2100-01-01T00:00:00+00:00", "--output", "json"));
        Assert.Empty(future.Events);

        var paged = Json.Read<AuditEventList>(await Server.RunAsync(fixture.AdminToken, "audit", "list", "--limit", "1", "--output", "json"));
        Assert.Equal(1, paged.NextAfter);
    }
}
