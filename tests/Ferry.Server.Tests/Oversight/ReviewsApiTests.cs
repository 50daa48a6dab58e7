using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>
/// Human reviews of logged decisions on a real credit-scoring pipeline (../shared/models, skl2onnx) deployed on a real
/// server: validation, overrides as ground truth, the override-rate alert, the review queue, on SQLite and PostgreSQL.
/// </summary>
public abstract class ReviewsApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Review_EachInvalidRequest_IsRefusedWithItsReason_AndNothingIsStored()
    {
        var (endpoint, ids) = await DeployAndPredictAsync("gbc_pipeline", 4);
        var approver = await ClientAsync(Role.Approver);
        var id = ids[0];

        await AssertRefusedAsync(approver, endpoint, id, new { reason = "no action" }, "action", "required");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "approve", reason = "x" }, "action", "'approve' is not one of");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "confirm" }, "reason", "required");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "confirm", reason = "   " }, "reason", "required");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "confirm", reason = new string('r', 2001) }, "reason", "at most 2000");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "confirm", outcome = "1", reason = "agree" }, "outcome", "only for an override");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "escalate", outcome = 0, reason = "unsure" }, "outcome", "only for an override");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "override", reason = "wrong" }, "outcome", "required for an override");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "override", outcome = "2", reason = "wrong" }, "outcome", "not one of the model's classes (0, 1)");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "override", outcome = "yes", reason = "wrong" }, "outcome", "not one of the model's classes");
        await AssertRefusedAsync(approver, endpoint, id, new { action = "override", outcome = new { label = 1 }, reason = "wrong" }, "outcome", "string or a number");

        using (var unknown = await approver.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/predictions/{Guid.CreateVersion7()}/review", new { action = "confirm", reason = "ok" }))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using (var otherEndpoint = await approver.PostAsJsonAsync($"/api/v1/endpoints/{UniqueName("ep")}/predictions/{id}/review", new { action = "confirm", reason = "ok" }))
        {
            await otherEndpoint.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        var scientist = await ClientAsync(Role.Scientist);
        using (var forbidden = await scientist.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/review", new { action = "confirm", reason = "ok" }))
        {
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        var reviews = await (await scientist.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/reviews")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Empty(reviews.GetProperty("reviews").EnumerateArray());
    }

    [SkippableFact]
    public async Task Override_IsStoredWithWhoAndWhen_AndBecomesFeedbackOnlyWhenConfigured()
    {
        var (endpoint, ids) = await DeployAndPredictAsync("gbc_pipeline", 4);
        var approver = await ClientAsync(Role.Approver);
        var viewer = await ClientAsync(Role.Viewer);
        var logged = await LoggedAsync(viewer, endpoint);
        var outcome = logged[ids[0]].Label == "1" ? 0 : 1;

        // Ground truth off (the default): the override is stored, no feedback is written.
        var first = await ReviewAsync(approver, endpoint, ids[0], new { action = "override", outcome, reason = "income verified by phone" });
        Assert.Equal("override", first.GetProperty("action").GetString());
        Assert.Equal(outcome.ToString(CultureInfo.InvariantCulture), first.GetProperty("outcome").GetString());
        Assert.Equal("income verified by phone", first.GetProperty("reason").GetString());
        Assert.Equal(ids[0], first.GetProperty("predictionId").GetGuid());
        Assert.Equal(endpoint, first.GetProperty("endpoint").GetString());
        Assert.Equal(1, first.GetProperty("modelVersion").GetInt32());
        Assert.StartsWith("approver-", first.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.True(first.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
        var plain = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[0]}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("feedback").ValueKind);
        Assert.Equal("override", plain.GetProperty("review").GetProperty("action").GetString());

        // Ground truth on: an override (outcome as a JSON string) becomes the prediction's label; a confirm does not.
        using (var set = await approver.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/review-settings", new { overridesAsGroundTruth = true }))
        {
            Assert.True((await set.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("overridesAsGroundTruth").GetBoolean());
        }

        var human = logged[ids[1]].Label == "1" ? "0" : "1";
        await ReviewAsync(approver, endpoint, ids[1], new { action = "escalate", reason = "needs a senior look" });
        await ReviewAsync(approver, endpoint, ids[1], new { action = "override", outcome = human, reason = "senior decision" });
        await ReviewAsync(approver, endpoint, ids[2], new { action = "confirm", reason = "agree" });

        var second = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[1]}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(human, second.GetProperty("feedback").GetProperty("label").GetString());
        Assert.Equal("override", second.GetProperty("review").GetProperty("action").GetString());
        var third = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[2]}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, third.GetProperty("feedback").ValueKind);
        Assert.Equal("confirm", third.GetProperty("review").GetProperty("action").GetString());

        var history = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[1]}/reviews")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["escalate", "override"], history.GetProperty("reviews").EnumerateArray().Select(r => r.GetProperty("action").GetString()));

        // The log's listing carries each prediction's latest review (or null).
        var page = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions")).AssertJsonAsync(HttpStatusCode.OK);
        var latest = page.GetProperty("predictions").EnumerateArray().ToDictionary(
            p => p.GetProperty("id").GetGuid(),
            p => p.GetProperty("review").ValueKind == JsonValueKind.Null ? null : p.GetProperty("review").GetProperty("action").GetString());
        Assert.Equal("override", latest[ids[0]]);
        Assert.Equal("override", latest[ids[1]]);
        Assert.Equal("confirm", latest[ids[2]]);
        Assert.Null(latest[ids[3]]);

        // Per version: 4 served, 3 reviewed, 2 overridden (counted by hand above).
        var overrides = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/overrides")).AssertJsonAsync(HttpStatusCode.OK);
        var version = Assert.Single(overrides.GetProperty("versions").EnumerateArray());
        Assert.Equal(4, version.GetProperty("predictions").GetInt64());
        Assert.Equal(3, version.GetProperty("reviewed").GetInt64());
        Assert.Equal(2, version.GetProperty("overridden").GetInt64());
        Assert.Equal(2.0 / 3, version.GetProperty("overrideRate").GetDouble(), 12);
    }

    [SkippableFact]
    public async Task OverrideRate_AboveItsLimit_OpensOneAlert_NotAtOrBelow_AndResolves()
    {
        var (endpoint, ids) = await DeployAndPredictAsync("gbc_pipeline", 12);
        var approver = await ClientAsync(Role.Approver);
        var logged = await LoggedAsync(approver, endpoint);
        await SettingsAsync(approver, endpoint, new { overrideRateLimit = 0.5 });
        var next = 0;
        async Task Override()
        {
            var id = ids[next++];
            await ReviewAsync(approver, endpoint, id, new { action = "override", outcome = logged[id].Label == "1" ? "0" : "1", reason = "human decision" });
        }

        async Task Confirm() => await ReviewAsync(approver, endpoint, ids[next++], new { action = "confirm", reason = "agree" });

        // 4 overrides of 4 reviewed: above the limit, but fewer than the 5 reviews the rate needs.
        for (var i = 0; i < 4; i++)
        {
            await Override();
        }

        Assert.Empty(await AlertsAsync(endpoint, "open"));

        // Without a limit nothing is judged; 4 confirmations make 4 of 8, and a limit of 0.5 then is met, not exceeded.
        await SettingsAsync(approver, endpoint, new { });
        for (var i = 0; i < 4; i++)
        {
            await Confirm();
        }

        await SettingsAsync(approver, endpoint, new { overrideRateLimit = 0.5 });
        Assert.Empty(await AlertsAsync(endpoint, "open"));

        // 5 of 9 = 0.556: above; one alert opens and a further override (6 of 10) does not open a second.
        await Override();
        var opened = Assert.Single(await AlertsAsync(endpoint, "open"));
        Assert.Equal("override-rate", opened.GetProperty("monitor").GetString());
        var message = opened.GetProperty("message").GetString()!;
        Assert.Contains($"'{endpoint}'", message, StringComparison.Ordinal);
        Assert.Contains("5 of 9", message, StringComparison.Ordinal);
        Assert.Contains("0.5556", message, StringComparison.Ordinal);
        Assert.Contains("limit is 0.5", message, StringComparison.Ordinal);
        await Override();
        Assert.Single(await AlertsAsync(endpoint, "open"));

        // 6 of 12 = 0.5: back at the limit, the alert resolves.
        await Confirm();
        await Confirm();
        Assert.Empty(await AlertsAsync(endpoint, "open"));
        var resolved = Assert.Single(await AlertsAsync(endpoint, "resolved"));
        Assert.Equal(opened.GetProperty("id").GetGuid(), resolved.GetProperty("id").GetGuid());

        var metrics = await Server.CreateClient().GetStringAsync("/metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith("ferry_prediction_reviews_total{", StringComparison.Ordinal)
            && l.Contains($"endpoint=\"{endpoint}\"", StringComparison.Ordinal) && l.Contains("action=\"override\"", StringComparison.Ordinal));
        Assert.Equal(6, double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture));
    }

    [SkippableTheory]
    [InlineData("gbc_pipeline", null)]
    [InlineData("gbc_pipeline_zipmap", null)]
    [InlineData("gbc_pipeline_zipmap", "0")]
    public async Task ReviewQueue_HoldsExactlyTheUnreviewedPredictionsInTheBand(string model, string? scoreClass)
    {
        var (endpoint, ids) = await DeployAndPredictAsync(model, 60);
        var approver = await ClientAsync(Role.Approver);

        // The band from the logged probabilities themselves: between their 30th and 60th percentile.
        var logged = await LoggedAsync(approver, endpoint);
        var scores = ids.ToDictionary(id => id, id => logged[id].Probabilities[scoreClass ?? "1"]);
        var sorted = scores.Values.Order().ToList();
        var (low, high) = (sorted[18], sorted[36]);
        using (var set = await approver.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/review-settings", new { reviewScoreClass = scoreClass, reviewBandLow = low, reviewBandHigh = high }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        var inBand = ids.Where(id => scores[id] >= low && scores[id] <= high).ToList();
        Assert.InRange(inBand.Count, 19, 30);
        await ReviewAsync(approver, endpoint, inBand[0], new { action = "confirm", reason = "looked at it" });
        var expected = inBand.Skip(1).ToList();

        var queue = await (await approver.GetAsync($"/api/v1/endpoints/{endpoint}/review-queue?limit=1000")).AssertJsonAsync(HttpStatusCode.OK);
        var queued = queue.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(expected.Order(), queued.Select(p => p.GetProperty("id").GetGuid()).Order());
        Assert.Equal(scoreClass ?? "1", queue.GetProperty("scoreClass").GetString());
        Assert.Equal(60, queue.GetProperty("scanned").GetInt32());
        Assert.All(queued, p => Assert.Equal(scores[p.GetProperty("id").GetGuid()], p.GetProperty("score").GetDouble()));

        var limited = await (await approver.GetAsync($"/api/v1/endpoints/{endpoint}/review-queue?limit=3")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(queued.Take(3).Select(p => p.GetProperty("id").GetGuid()), limited.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
    }

    [SkippableFact]
    public async Task ReviewSettings_OutOfRange_AreRefused_AndValidOnesShowInTheOversight()
    {
        var (endpoint, _) = await DeployAndPredictAsync("gbc_pipeline", 1);
        var approver = await ClientAsync(Role.Approver);
        async Task Refused(object body, string field)
        {
            using var response = await approver.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/review-settings", body);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        }

        await Refused(new { reviewBandLow = 0.6, reviewBandHigh = 0.4 }, "reviewBandHigh");
        await Refused(new { reviewBandLow = -0.1, reviewBandHigh = 0.4 }, "reviewBandLow");
        await Refused(new { reviewBandLow = 0.1, reviewBandHigh = 1.5 }, "reviewBandHigh");
        await Refused(new { reviewBandLow = 0.1 }, "reviewBandHigh");
        await Refused(new { overrideRateLimit = 0 }, "overrideRateLimit");
        await Refused(new { overrideRateLimit = 1.01 }, "overrideRateLimit");
        using (var scientist = await (await ClientAsync(Role.Scientist)).PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/review-settings", new { overrideRateLimit = 0.2 }))
        {
            await scientist.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var queueWithoutBand = await approver.GetAsync($"/api/v1/endpoints/{endpoint}/review-queue"))
        {
            await queueWithoutBand.AssertProblemAsync(HttpStatusCode.BadRequest);
        }

        using (var ok = await approver.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/review-settings", new { reviewBandLow = 0.4, reviewBandHigh = 0.6, overrideRateLimit = 1 }))
        {
            await ok.AssertJsonAsync(HttpStatusCode.OK);
        }

        var viewer = await ClientAsync(Role.Viewer);
        var oversight = await (await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/oversight")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(endpoint, oversight.GetProperty("endpointName").GetString());
        Assert.Equal(0.4, oversight.GetProperty("reviewBandLow").GetDouble());
        Assert.Equal(0.6, oversight.GetProperty("reviewBandHigh").GetDouble());
        Assert.Equal(1, oversight.GetProperty("overrideRateLimit").GetDouble());
        Assert.False(oversight.GetProperty("overridesAsGroundTruth").GetBoolean());
        Assert.False(oversight.GetProperty("suspended").GetBoolean());
        Assert.StartsWith("approver-", oversight.GetProperty("updatedBy").GetString(), StringComparison.Ordinal);
        using var unknown = await viewer.GetAsync($"/api/v1/endpoints/{UniqueName("ep")}/oversight");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);

        var audit = await (await Server.CreateAdminClient().GetAsync("/api/v1/audit?action=endpoint.review-settings&limit=1000")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Contains(audit.GetProperty("events").EnumerateArray(), e => e.GetProperty("target").GetString() == $"endpoint/{endpoint}");
    }

    private static async Task AssertRefusedAsync(HttpClient client, string endpoint, Guid id, object body, string field, string reason)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/review", body);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}': {problem}");
        Assert.Contains(reason, messages[0].GetString(), StringComparison.Ordinal);
    }

    private static async Task SettingsAsync(HttpClient client, string endpoint, object body)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/review-settings", body);
        await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    private static async Task<JsonElement> ReviewAsync(HttpClient client, string endpoint, Guid id, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/review", body);
        return await response.AssertJsonAsync(HttpStatusCode.Created);
    }

    private async Task<List<JsonElement>> AlertsAsync(string endpoint, string status)
    {
        var alerts = await (await Server.CreateAdminClient().GetAsync($"/api/v1/alerts?status={status}&monitor=override-rate&limit=1000")).AssertJsonAsync(HttpStatusCode.OK);
        return [.. alerts.GetProperty("alerts").EnumerateArray().Where(a => a.GetProperty("endpoint").GetString() == endpoint)];
    }

    private async Task<HttpClient> ClientAsync(Role role) => Server.CreateClient(await Server.CreateTokenAsync(role));

    /// <summary>Each logged prediction's label and class probabilities, as the log holds them.</summary>
    private static async Task<Dictionary<Guid, (string? Label, Dictionary<string, double> Probabilities)>> LoggedAsync(HttpClient client, string endpoint)
    {
        var page = await (await client.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?limit=1000")).AssertJsonAsync(HttpStatusCode.OK);
        return page.GetProperty("predictions").EnumerateArray().ToDictionary(
            p => p.GetProperty("id").GetGuid(),
            p =>
            {
                var outputs = p.GetProperty("outputs");
                return (outputs.TryGetProperty("label", out var l) ? l.GetString() : null,
                    outputs.GetProperty("probabilities").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetDouble()));
            });
    }

    /// <summary>Registers and deploys a shared model, scores the first <paramref name="rows"/> complete test rows and waits for the log.</summary>
    private async Task<(string Endpoint, List<Guid> Ids)> DeployAndPredictAsync(string model, int rows)
    {
        var name = UniqueName("model");
        var version = await ServingTestKit.RegisterAsync(Server, name, File.ReadAllBytes(SharedCreditRows.File(model + ".onnx")), model + ".onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model = name, version, weight = 100 });
        var answer = await ServingTestKit.PredictAsync(Server.CreateAdminClient(), endpoint, SharedCreditRows.Complete().Take(rows));
        await Server.WaitForPredictionLogAsync();
        return (endpoint, [.. answer.GetProperty("predictions").EnumerateArray().Select(p => Guid.Parse(p.GetProperty("id").GetString()!))]);
    }

}

public sealed class SqliteReviewsApiTests(SqliteServerFixture fixture) : ReviewsApiTests<SqliteServerFixture>(fixture);

public sealed class PostgresReviewsApiTests(PostgresServerFixture fixture) : ReviewsApiTests<PostgresServerFixture>(fixture);
