using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ferry.Core.Identity;
using Ferry.Core.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>Feedback and prediction reads over HTTP, on SQLite and PostgreSQL.</summary>
public abstract class FeedbackApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Json_AttachesLabelsAndValues_AndTheyShowOnThePrediction()
    {
        var (endpoint, ids) = await SeedAsync(3);
        var client = await ScientistAsync();
        using var response = await client.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/feedback", new
        {
            feedback = new object[]
            {
                new { predictionId = ids[0], label = "1" },
                new { predictionId = ids[1], label = 0 },
                new { predictionId = ids[2], value = 3.2 },
            },
        });
        Assert.Equal(3, (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("accepted").GetInt32());

        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        var first = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[0]}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("1", first.GetProperty("feedback").GetProperty("label").GetString());
        Assert.Equal(35, first.GetProperty("inputs").GetProperty("age").GetInt32());
        Assert.Equal("0", first.GetProperty("outputs").GetProperty("label").GetString());
        Assert.Equal("credit-risk", first.GetProperty("model").GetString());
        Assert.Equal(500, first.GetProperty("latencyMicros").GetInt64());
        var second = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[1]}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("0", second.GetProperty("feedback").GetProperty("label").GetString());
        var third = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[2]}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3.2, third.GetProperty("feedback").GetProperty("value").GetDouble());
    }

    [SkippableFact]
    public async Task JsonLines_InBulk_AreAccepted_DaysLate()
    {
        var (endpoint, ids) = await SeedAsync(500, Server.Clock.GetUtcNow().AddDays(-9));
        var body = new StringBuilder();
        foreach (var id in ids)
        {
            body.Append("{\"predictionId\":\"").Append(id).Append("\",\"value\":1.5}\n");
        }

        body.Append('\n');
        using var response = await (await ScientistAsync()).PostAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new StringContent(body.ToString(), Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(500, (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
    }

    [SkippableFact]
    public async Task Csv_WithQuotedCells_IsAccepted_AndALaterFeedbackReplacesTheEarlier()
    {
        var (endpoint, ids) = await SeedAsync(2);
        var client = await ScientistAsync();
        var csv = $"prediction_id,label\r\n{ids[0]},\"good, paid\"\r\n\"{ids[1]}\",bad\r\n";
        using var first = await client.PostAsync($"/api/v1/endpoints/{endpoint}/feedback", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(2, (await first.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
        var quoted = await (await client.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[0]}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("good, paid", quoted.GetProperty("feedback").GetProperty("label").GetString());

        using var second = await client.PostAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new StringContent($"prediction_id,value\n{ids[0]},42.5\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(1, (await second.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("accepted").GetInt32());

        var view = await (await client.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[0]}")).AssertJsonAsync(HttpStatusCode.OK);
        var feedback = view.GetProperty("feedback");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, feedback.GetProperty("label").ValueKind);
        Assert.Equal(42.5, feedback.GetProperty("value").GetDouble());
        var other = await (await client.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[1]}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("bad", other.GetProperty("feedback").GetProperty("label").GetString());
    }

    [SkippableFact]
    public async Task UnknownOrForeignIds_Return400NamingThem_AndNothingIsWritten()
    {
        var (endpoint, ids) = await SeedAsync(1);
        var (_, foreign) = await SeedAsync(1);
        var unknown = Guid.CreateVersion7();
        using var response = await (await ScientistAsync()).PostAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new StringContent($"prediction_id,label\n{ids[0]},1\n{unknown},0\n{foreign[0]},1\n", Encoding.UTF8, "text/csv"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var text = problem.GetProperty("errors").GetProperty("predictionId")[0].GetString();
        Assert.Contains(unknown.ToString(), text, StringComparison.Ordinal);
        Assert.Contains(foreign[0].ToString(), text, StringComparison.Ordinal);

        await using var scope = Server.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<IFeedbackStore>().FindAsync(ids[0]));
    }

    [SkippableFact]
    public async Task EndpointWithoutPredictions_Returns404()
    {
        using var response = await (await ScientistAsync()).PostAsJsonAsync($"/api/v1/endpoints/never-served-{Guid.NewGuid():N}/feedback",
            new { feedback = new[] { new { predictionId = Guid.CreateVersion7(), label = "1" } } });
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Viewer_CannotPostFeedback()
    {
        var (endpoint, ids) = await SeedAsync(1);
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var response = await viewer.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new { feedback = new[] { new { predictionId = ids[0], label = "1" } } });
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [SkippableFact]
    public async Task MalformedCsv_Returns400WithLineNumbers()
    {
        var (endpoint, ids) = await SeedAsync(1);
        var csv = $"prediction_id,value\n{ids[0]},1\n{ids[0]}\nnot-a-guid,2\n{ids[0]},abc\n";
        using var response = await (await ScientistAsync()).PostAsync($"/api/v1/endpoints/{endpoint}/feedback", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("expected 2 fields", errors.GetProperty("line 3")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("not a prediction id", errors.GetProperty("line 4")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("not a number", errors.GetProperty("line 5")[0].GetString(), StringComparison.Ordinal);

        using var header = await (await ScientistAsync()).PostAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new StringContent("id,truth\nx,1\n", Encoding.UTF8, "text/csv"));
        Assert.True((await header.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("line 1", out _));
    }

    [SkippableFact]
    public async Task MalformedJsonAndJsonLines_Return400WithPositions()
    {
        var (endpoint, ids) = await SeedAsync(1);
        var client = await ScientistAsync();
        using var json = await client.PostAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new StringContent("{\"feedback\": [\n  {\"predictionId\": \"x\", \"label\": \"1\"},\n  {oops}\n]}", Encoding.UTF8, "application/json"));
        var jsonProblem = await json.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("line 3", jsonProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var items = await client.PostAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new StringContent($"{{\"feedback\":[{{\"predictionId\":\"{ids[0]}\"}},{{\"predictionId\":\"{ids[0]}\",\"label\":\"1\",\"value\":2}}]}}", Encoding.UTF8, "application/json"));
        var itemErrors = (await items.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(itemErrors.TryGetProperty("feedback[0]", out _));
        Assert.True(itemErrors.TryGetProperty("feedback[1]", out _));

        using var lines = await client.PostAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new StringContent($"{{\"predictionId\":\"{ids[0]}\",\"label\":\"1\"}}\n{{\"predictionId\":\n", Encoding.UTF8, "application/x-ndjson"));
        Assert.True((await lines.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("line 2", out _));

        using var xml = await client.PostAsync($"/api/v1/endpoints/{endpoint}/feedback", new StringContent("<feedback/>", Encoding.UTF8, "application/xml"));
        await xml.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [SkippableFact]
    public async Task Predictions_GetById_AndPagedListing()
    {
        var (endpoint, ids) = await SeedAsync(5);
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var missing = await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{Guid.CreateVersion7()}");
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        using var elsewhere = await viewer.GetAsync($"/api/v1/endpoints/other-{Guid.NewGuid():N}/predictions/{ids[0]}");
        await elsewhere.AssertProblemAsync(HttpStatusCode.NotFound);

        var seen = new List<Guid>();
        string? after = null;
        do
        {
            var page = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?limit=2{(after is null ? "" : "&after=" + after)}"))
                .AssertJsonAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
            after = page.GetProperty("nextAfter").GetString();
        }
        while (after is not null);

        Assert.Equal(ids.Order(), seen.Order());
        using var badLimit = await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?limit=0");
        await badLimit.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<HttpClient> ScientistAsync() => Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));

    private async Task<(string Endpoint, Guid[] Ids)> SeedAsync(int count, DateTimeOffset? at = null)
    {
        var endpoint = $"ep-{Guid.NewGuid():N}";
        PredictionRecord[] records = PredictionLogBufferTests.Records(count, endpoint, at);
        await using var scope = Server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(records, skipExisting: false);
        return (endpoint, [.. records.Select(r => r.Id)]);
    }
}

public sealed class SqliteFeedbackApiTests(SqliteServerFixture fixture) : FeedbackApiTests<SqliteServerFixture>(fixture);

public sealed class PostgresFeedbackApiTests(PostgresServerFixture fixture) : FeedbackApiTests<PostgresServerFixture>(fixture);
