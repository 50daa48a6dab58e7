using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry groups</c> and <c>ferry grants</c> against a real <c>ferry server</c> process.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class GrantCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task GroupsAndGrants_RoundTrip_AndOnlyManagersGrant()
    {
        var team = $"team-{Guid.NewGuid():N}";
        var group = Json.Read<GroupView>(await Server.RunAsync(fixture.AdminToken, "groups", "create", team, "--description", "credit", "--output", "json"));
        Assert.Equal(team, group.Name);
        Assert.Empty(group.Members);

        var alice = Json.Read<CreatedTokenResponse>(await Server.RunAsync(fixture.AdminToken,
            "tokens", "create", "--name", $"alice-{team}", "--role", "scientist", "--group", team, "--output", "json"));
        Assert.Equal(team, alice.Token.Group);
        var bob = Json.Read<CreatedTokenResponse>(await Server.RunAsync(fixture.AdminToken,
            "tokens", "create", "--name", $"bob-{team}", "--role", "scientist", "--output", "json"));
        var unknownGroup = await Server.RunAsync(fixture.AdminToken, "tokens", "create", "--name", $"eve-{team}", "--role", "scientist", "--group", "no-such-team");
        CliAssert.FailedWithOneLine(unknownGroup, ExitCodes.NotFound, "no-such-team");

        // Alice's model belongs to her team; Bob, outside it, can neither read it nor grant on it.
        var model = $"model-{team}";
        using (var http = new HttpClient { BaseAddress = Server.Url })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", alice.Secret);
            using var created = await http.PostAsJsonAsync("/api/2.0/mlflow/registered-models/create", new { name = model });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        var refused = await Server.RunAsync(bob.Secret, "grants", "set", "--model", model, "--user", bob.Token.Name, "--permission", "MANAGE");
        CliAssert.FailedWithOneLine(refused, ExitCodes.Unauthorized, "403");
        var bobSees = Json.Read<GrantList>(await Server.RunAsync(bob.Secret, "grants", "list", "--output", "json"));
        Assert.DoesNotContain(bobSees.Grants, g => g.Resource == model);

        var granted = Json.Read<GrantView>(await Server.RunAsync(alice.Secret,
            "grants", "set", "--model", model, "--user", bob.Token.Name, "--permission", "edit", "--output", "json"));
        Assert.Equal("EDIT", granted.Permission);
        var listed = Json.Read<GrantList>(await Server.RunAsync(bob.Secret, "grants", "list", "--model", model, "--output", "json"));
        Assert.Equal([(alice.Token.Name, "MANAGE"), (bob.Token.Name, "EDIT")], listed.Grants.Select(g => (g.Principal, g.Permission)));
        var table = await Server.RunAsync(alice.Secret, "grants", "list", "--model", model);
        CliAssert.Succeeded(table);
        Assert.Contains("EDIT", table.Stdout, StringComparison.Ordinal);

        CliAssert.Succeeded(await Server.RunAsync(alice.Secret, "grants", "revoke", "--model", model, "--user", bob.Token.Name));
        var gone = await Server.RunAsync(alice.Secret, "grants", "revoke", "--model", model, "--user", bob.Token.Name);
        CliAssert.FailedWithOneLine(gone, ExitCodes.NotFound, "404");
        var ambiguous = await Server.RunAsync(alice.Secret, "grants", "revoke", "--model", model, "--user", "x", "--group", "y");
        Assert.NotEqual(0, ambiguous.ExitCode);

        var added = Json.Read<GroupView>(await Server.RunAsync(fixture.AdminToken, "groups", "add-member", team, bob.Token.Name, "--output", "json"));
        Assert.Equal([bob.Token.Name], added.Members);
        var shown = Json.Read<GroupView>(await Server.RunAsync(bob.Secret, "groups", "show", team, "--output", "json"));
        Assert.Equal("credit", shown.Description);
        var all = Json.Read<GroupList>(await Server.RunAsync(bob.Secret, "groups", "list", "--output", "json"));
        Assert.Contains(all.Groups, g => g.Name == team);
        var removed = Json.Read<GroupView>(await Server.RunAsync(fixture.AdminToken, "groups", "remove-member", team, bob.Token.Name, "--output", "json"));
        Assert.Empty(removed.Members);

        var notAdmin = await Server.RunAsync(alice.Secret, "groups", "delete", team);
        CliAssert.FailedWithOneLine(notAdmin, ExitCodes.Unauthorized, "403");
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "groups", "delete", team));
        var missing = await Server.RunAsync(fixture.AdminToken, "groups", "show", team);
        CliAssert.FailedWithOneLine(missing, ExitCodes.NotFound, "404");
    }
}
