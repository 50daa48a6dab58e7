using System.Net;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;

namespace Ferry.Cli.Tests;

/// <summary>The typed client against the same real server the CLI tests use.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class FerryClientTests(SharedServerFixture fixture)
{
    [Fact]
    public async Task WhoAmI_NamesTheCallingToken()
    {
        using var client = new FerryClient(fixture.Server.Url, fixture.AdminToken);

        var caller = await client.Tokens.WhoAmIAsync();

        Assert.Equal("admin", caller.Name);
        Assert.Equal("admin", caller.Role);
        Assert.True(await client.IsReadyAsync());
    }

    [Fact]
    public async Task ProblemResponse_BecomesFerryApiException_WithItsFields()
    {
        using var client = new FerryClient(fixture.Server.Url, fixture.AdminToken);

        var invalid = await Assert.ThrowsAsync<FerryApiException>(() => client.Tokens.CreateAsync("", "wizard"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("Invalid request", invalid.Title);
        Assert.Contains("name", invalid.Errors.Keys);
        Assert.Contains("role", invalid.Errors.Keys);

        using var anonymous = new FerryClient(fixture.Server.Url, token: null);
        var unauthenticated = await Assert.ThrowsAsync<FerryApiException>(() => anonymous.Audit.VerifyAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.False(string.IsNullOrEmpty(unauthenticated.Detail));
    }

    [Fact]
    public async Task CallerSuppliedHttpClient_IsUsed_AsConfigured()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Server.Url, "/") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", fixture.AdminToken);
        using var client = new FerryClient(http);

        var page = await client.Audit.ListAsync(limit: 1);

        Assert.Equal(1, Assert.Single(page.Events).Sequence);
    }
}
