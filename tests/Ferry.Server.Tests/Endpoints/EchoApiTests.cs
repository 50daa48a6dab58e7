using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Endpoints;

/// <summary><c>POST /api/v1/echo</c>: the document comes back, a viewer may call it, bad JSON and no token are refused.</summary>
public sealed class EchoApiTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task Echo_AnswersTheDocumentItWasSent_ToAViewer()
    {
        var viewer = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Viewer));

        using var response = await viewer.PostAsJsonAsync("/api/v1/echo", new { records = new[] { new { age = 41, purpose = "car", rate = 0.25 } } });

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        var record = body.GetProperty("records")[0];
        Assert.Equal(41, record.GetProperty("age").GetInt32());
        Assert.Equal("car", record.GetProperty("purpose").GetString());
        Assert.Equal(0.25, record.GetProperty("rate").GetDouble());
    }

    [Fact]
    public async Task Echo_RefusesMalformedJson_WithProblemDetails()
    {
        using var content = new StringContent("{\"records\": [", Encoding.UTF8, "application/json");
        using var response = await fixture.Server.CreateAdminClient().PostAsync("/api/v1/echo", content);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_NeedsAToken()
    {
        using var response = await fixture.Server.CreateClient(null).PostAsJsonAsync("/api/v1/echo", new { a = 1 });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
