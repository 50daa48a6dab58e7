using System.Net;
using System.Text;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Fuzz;

/// <summary>Error answers do not depend on <c>Accept</c>: a browser's <c>text/html</c> gets the same error body and status as an API client.</summary>
public sealed class AcceptHeaderTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    public static TheoryData<string> Accepts => new()
    {
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "text/html",
        "image/*",
        "*/*;q=0",
        "application/xml",
        "garbage;;==,,",
    };

    [SkippableTheory]
    [MemberData(nameof(Accepts))]
    public async Task FerryErrors_AnyAccept_AreProblemJsonWithTheRealStatus(string accept)
    {
        var anonymous = Client(accept, token: null);
        var admin = Client(accept, fixture.Server.AdminToken);

        // "/" itself is the front door (a browser is redirected to /ui, see FrontDoorTests); any other unknown path is a 404.
        using (var root = await admin.GetAsync("/no-such-page"))
        {
            await root.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using (var unauthenticated = await anonymous.GetAsync("/api/v1/tokens"))
        {
            await unauthenticated.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var content = new StringContent("{\"records\": [", Encoding.UTF8, "application/json");
        using var malformed = await admin.PostAsync("/api/v1/echo", content);
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [SkippableTheory]
    [MemberData(nameof(Accepts))]
    public async Task ProtocolErrors_AnyAccept_KeepTheirProtocolShape(string accept)
    {
        var admin = Client(accept, fixture.Server.AdminToken);

        using (var mlflow = await admin.GetAsync("/api/2.0/mlflow/experiments/get?experiment_id=987654321"))
        {
            var error = await mlflow.AssertJsonAsync(HttpStatusCode.NotFound);
            Assert.Equal("RESOURCE_DOES_NOT_EXIST", error.GetProperty("error_code").GetString());
        }

        using var oip = await admin.GetAsync("/v2/models/no-such-model");
        var body = await oip.AssertJsonAsync(HttpStatusCode.NotFound);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()));
    }

    private HttpClient Client(string accept, string? token)
    {
        var client = fixture.Server.CreateClient(token);
        Assert.True(client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", accept));
        return client;
    }
}
