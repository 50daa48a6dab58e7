using System.Net;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Artifacts;

/// <summary>What MLflow clients probe: server-info (viewer), /version and /health (open).</summary>
public sealed class ServerInfoTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task ServerInfo_AnswersAsMlflowWithoutWorkspaces()
    {
        var viewer = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Viewer));
        using var response = await viewer.GetAsync("/api/3.0/mlflow/server-info");
        Assert.Equal(
            """{"store_type":"SqlStore","workspaces_enabled":false}""",
            await response.AssertMlflowOkAsync());
    }

    [Fact]
    public async Task ServerInfo_WithoutToken_Is401InMlflowShape()
    {
        using var response = await fixture.Server.CreateClient().GetAsync("/api/3.0/mlflow/server-info");
        await response.AssertMlflowErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Theory]
    [InlineData("/version", "3.1.0+ferry")]
    [InlineData("/health", "OK")]
    public async Task VersionAndHealth_AreOpenPlainText(string path, string expected)
    {
        using var response = await fixture.Server.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }
}
