using System.Net;
using System.Text;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>Health, documents, metrics and error shapes; run on SQLite and on PostgreSQL.</summary>
public abstract class HostContractTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Healthz_WithoutToken_IsAlive()
    {
        using var response = await Server.CreateClient().GetAsync("/healthz");
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("alive", body.GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task Readyz_AfterStart_ReportsMigratedDatabase()
    {
        using var response = await Server.CreateClient().GetAsync("/readyz");
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("ready", body.GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task OpenApiDocument_WithoutToken_DescribesRoutesAndBearerScheme()
    {
        using var response = await Server.CreateClient().GetAsync("/openapi/v1.json");
        var document = await response.AssertJsonAsync(HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/tokens", out _));
        Assert.True(paths.TryGetProperty("/api/v1/audit", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [SkippableFact]
    public async Task ApiReferencePage_WithoutToken_IsServedAsHtml()
    {
        using var response = await Server.CreateClient().GetAsync("/docs");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.True(html.Contains("openapi/v1.json", StringComparison.Ordinal), html);
    }

    [SkippableFact]
    public async Task Metrics_WithoutToken_ExposePrometheusTextWithHttpCounters()
    {
        var client = Server.CreateClient();
        (await client.GetAsync("/healthz")).Dispose();
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_requests_received_total counter", text, StringComparison.Ordinal);
        Assert.Contains("endpoint=\"/healthz\"", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task UnknownRoute_Returns404Problem_AndServerKeepsServing()
    {
        using var response = await Server.CreateAdminClient().GetAsync("/api/v1/no-such-thing");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        await AssertStillServingAsync();
    }

    [SkippableFact]
    public async Task MalformedJson_Returns400ProblemNamingWhere()
    {
        using var content = new StringContent("{\"name\": \"x\", \"role\": ", Encoding.UTF8, "application/json");
        using var response = await Server.CreateAdminClient().PostAsync("/api/v1/tokens", content);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.TryGetProperty("errors", out _));
        await AssertStillServingAsync();
    }

    [SkippableFact]
    public async Task MistypedField_Returns400ProblemNamingTheField()
    {
        using var content = new StringContent("{\"name\": \"x\", \"role\": 5}", Encoding.UTF8, "application/json");
        using var response = await Server.CreateAdminClient().PostAsync("/api/v1/tokens", content);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.role", out _), problem.ToString());
    }

    [SkippableFact]
    public async Task BodyOverTheLimit_Returns413Problem_AndServerKeepsServing()
    {
        var oversized = new string('x', 17 * 1024 * 1024);
        using var content = new StringContent($"{{\"name\":\"{oversized}\",\"role\":\"viewer\"}}", Encoding.UTF8, "application/json");
        // A well-behaved client sends large bodies with 'Expect: 100-continue', so it reads the refusal
        // instead of writing into a connection the server has stopped reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await Server.CreateAdminClient().SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await AssertStillServingAsync();
    }

    [SkippableFact]
    public async Task MissingToken_Returns401ProblemWithBearerChallenge()
    {
        using var response = await Server.CreateClient().GetAsync("/api/v1/tokens");
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task UnknownToken_Returns401Problem_WithoutEchoingTheSecret()
    {
        var secret = TokenSecret.Generate();
        using var response = await Server.CreateClient(secret).GetAsync("/api/v1/tokens");
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.DoesNotContain(secret, problem.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task MalformedAuthorizationHeader_Returns401Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");
        using var response = await Server.CreateClient().SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [SkippableFact]
    public async Task RoleTooLow_Returns403Problem_AndServerKeepsServing()
    {
        var viewer = await Server.CreateTokenAsync(Role.Viewer);
        using var content = new StringContent("{\"name\":\"sneaky\",\"role\":\"admin\"}", Encoding.UTF8, "application/json");
        using var response = await Server.CreateClient(viewer).PostAsync("/api/v1/tokens", content);
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("viewer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        using var response = await Server.CreateClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class SqliteHostContractTests(SqliteServerFixture fixture) : HostContractTests<SqliteServerFixture>(fixture);

public sealed class PostgresHostContractTests(PostgresServerFixture fixture) : HostContractTests<PostgresServerFixture>(fixture);
