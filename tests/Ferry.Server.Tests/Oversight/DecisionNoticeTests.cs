using System.Net;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Oversight.NoticeTestKit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>
/// <c>GET /api/v1/endpoints/{name}/predictions/{id}/notice</c> on real credit models (../shared/models) with a labelled
/// reference: the decision in the card's words, factors worded faithfully to the explanation, reviews, contest text,
/// erased inputs and fallback answers; on SQLite and PostgreSQL.
/// </summary>
public abstract class DecisionNoticeTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    /// <summary>
    /// Every factor of every notice states the sign of its SHAP value (raised / lowered) and whether it counted in favour
    /// of or against the decision, in the explanation's rank order: compared with the explanation route's attributions
    /// of the same logged prediction, for a tree ensemble and a linear model. The card's threshold is the median score of
    /// the rows, so both decisions are worded.
    /// </summary>
    [Theory]
    [InlineData("gbc_pipeline.onnx")]
    [InlineData("lr_pipeline.onnx")]
    public async Task NoticeFactors_RealModels_SignAndRankMatchTheExplanation(string file)
    {
        var (model, version, endpoint) = await DeployAsync(Server, file);
        var predictions = await PredictAsync(Server, endpoint, 8);
        var scores = predictions.Select(p => p.GetProperty("score").GetDouble()).Order().ToList();
        var threshold = (scores[3] + scores[4]) / 2;
        await SetCardAsync(Server, model, version, new { decisionThreshold = threshold, positiveDecision = "refused", negativeDecision = "approved", positiveOutcome = "default" });
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var prediction in predictions)
        {
            var id = prediction.GetProperty("id").GetString()!;
            var refused = prediction.GetProperty("score").GetDouble() >= threshold;
            var notice = await NoticeJsonAsync(Server, endpoint, id, "?reasons=6");
            using var explanationResponse = await Server.CreateAdminClient().GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/explanation");
            var explanation = await explanationResponse.AssertJsonAsync(HttpStatusCode.OK);

            Assert.Equal("model", notice.GetProperty("kind").GetString());
            Assert.Equal(refused ? "refused" : "approved", notice.GetProperty("decision").GetProperty("text").GetString());
            Assert.Equal("1", notice.GetProperty("decision").GetProperty("explainedClass").GetString());
            var attributions = explanation.GetProperty("attributions").EnumerateArray()
                .Where(a => a.GetProperty("contribution").GetDouble() != 0).Take(6).ToList();
            var factors = notice.GetProperty("factors").EnumerateArray().ToList();
            Assert.Equal(6, factors.Count);
            for (var i = 0; i < factors.Count; i++)
            {
                var factor = factors[i];
                var contribution = attributions[i].GetProperty("contribution").GetDouble();
                Assert.Equal(i + 1, factor.GetProperty("rank").GetInt32());
                Assert.Equal(attributions[i].GetProperty("feature").GetString(), factor.GetProperty("feature").GetString());
                Assert.Equal(contribution, factor.GetProperty("contribution").GetDouble(), 12);
                var direction = contribution > 0 ? "raised" : "lowered";
                var effect = (contribution > 0) == refused ? "in favour of" : "against";
                Assert.Equal(direction, factor.GetProperty("direction").GetString());
                Assert.Equal(effect, factor.GetProperty("effect").GetString());
                var sentence = factor.GetProperty("sentence").GetString()!;
                Assert.StartsWith(attributions[i].GetProperty("feature").GetString() + " ", sentence, StringComparison.Ordinal);
                Assert.Contains($": this {direction} the model's score for default by ", sentence, StringComparison.Ordinal);
                Assert.DoesNotContain(contribution > 0 ? " lowered " : " raised ", sentence, StringComparison.Ordinal);
                Assert.EndsWith($", which counted {effect} the decision '{(refused ? "refused" : "approved")}'.", sentence, StringComparison.Ordinal);
                seen.Add($"{direction}/{effect}");
            }
        }

        // Both signs met both decisions: every wording was checked.
        Assert.Equal(["lowered/against", "lowered/in favour of", "raised/against", "raised/in favour of"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Notice_LoggedPrediction_JsonAndHtmlGiveDecisionFactorsNoReviewAndDefaultContest()
    {
        var (model, version, endpoint) = await DeployAsync(Server, "gbc_pipeline.onnx");
        await SetCardAsync(Server, model, version, new { decisionThreshold = 0.2, positiveDecision = "refused", negativeDecision = "approved", positiveOutcome = "default" });
        var prediction = (await PredictAsync(Server, endpoint, 1))[0];
        var id = prediction.GetProperty("id").GetString()!;
        var score = prediction.GetProperty("score").GetDouble();
        var decision = score >= 0.2 ? "refused" : "approved";

        var notice = await NoticeJsonAsync(Server, endpoint, id);
        var html = await NoticeHtmlAsync(Server, endpoint, id);

        Assert.Equal(id, notice.GetProperty("predictionId").GetString());
        Assert.Equal(version, notice.GetProperty("version").GetInt32());
        Assert.Equal(decision, notice.GetProperty("decision").GetProperty("text").GetString());
        Assert.Equal(score, notice.GetProperty("decision").GetProperty("score").GetDouble(), 12);
        Assert.Contains("the decision threshold 0.2", notice.GetProperty("decision").GetProperty("statement").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, notice.GetProperty("factors").GetArrayLength());
        Assert.Equal(0, notice.GetProperty("reviews").GetArrayLength());
        Assert.Equal(decision, notice.GetProperty("finalDecision").GetString());
        Assert.Contains(id, notice.GetProperty("contest").GetString(), StringComparison.Ordinal);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"<p class=\"decision\" id=\"decision\">{decision}</p>", html, StringComparison.Ordinal);
        foreach (var factor in notice.GetProperty("factors").EnumerateArray())
        {
            Assert.Contains(WebUtility.HtmlEncode(factor.GetProperty("sentence").GetString()!), html, StringComparison.Ordinal);
        }

        Assert.Contains("No person has reviewed this decision yet.", html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(notice.GetProperty("contest").GetString()!), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_ReviewedAndOverridden_NamesEachReviewAndTheDecisionThatStands()
    {
        var (model, version, endpoint) = await DeployAsync(Server, "gbc_pipeline.onnx");
        var prediction = (await PredictAsync(Server, endpoint, 1))[0];
        var id = prediction.GetProperty("id").GetString()!;
        // The threshold sits above the score: the model approved; the reviewer refuses (the positive class, "1").
        await SetCardAsync(Server, model, version, new { decisionThreshold = prediction.GetProperty("score").GetDouble() + 0.01, positiveDecision = "refused", negativeDecision = "approved" });
        using (var scope = Server.Services.CreateScope())
        {
            var reviews = scope.ServiceProvider.GetRequiredService<IPredictionReviewStore>();
            await reviews.AddAsync(new PredictionReview { PredictionId = Guid.Parse(id), EndpointName = endpoint, ModelName = model, Action = ReviewAction.Escalate, Reason = "unusual income", Actor = "junior-analyst" });
            await reviews.AddAsync(new PredictionReview { PredictionId = Guid.Parse(id), EndpointName = endpoint, ModelName = model, Action = ReviewAction.Override, Outcome = "1", Reason = "income not verified", Actor = "senior-analyst" });
        }

        var notice = await NoticeJsonAsync(Server, endpoint, id);
        var html = await NoticeHtmlAsync(Server, endpoint, id);

        Assert.Equal("approved", notice.GetProperty("decision").GetProperty("text").GetString());
        Assert.Equal(["escalate", "override"], notice.GetProperty("reviews").EnumerateArray().Select(r => r.GetProperty("action").GetString()!));
        var review = notice.GetProperty("review");
        Assert.Equal("override", review.GetProperty("action").GetString());
        Assert.Equal("refused", review.GetProperty("outcome").GetString());
        Assert.Equal("senior-analyst", review.GetProperty("reviewer").GetString());
        Assert.Equal("income not verified", review.GetProperty("reason").GetString());
        Assert.Equal("refused", notice.GetProperty("finalDecision").GetString());
        Assert.Contains("replaced it with 'refused'", review.GetProperty("statement").GetString(), StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(review.GetProperty("statement").GetString()!), html, StringComparison.Ordinal);
        Assert.Contains("after a person's review: refused", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_CardContestText_IsGivenAndHostileTextIsEscaped()
    {
        var (model, version, endpoint) = await DeployAsync(Server, "lr_pipeline.onnx");
        const string contest = "<script>alert('x')</script>Write to <b>appeals@bank.example</b> & quote the reference.";
        await SetCardAsync(Server, model, version, new { contest, positiveOutcome = "<img src=x onerror=alert(1)>" });
        var id = (await PredictAsync(Server, endpoint, 1))[0].GetProperty("id").GetString()!;

        var notice = await NoticeJsonAsync(Server, endpoint, id);
        var html = await NoticeHtmlAsync(Server, endpoint, id);

        Assert.Equal(contest, notice.GetProperty("contest").GetString());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;Write to &lt;b&gt;appeals@bank.example&lt;/b&gt; &amp; quote the reference.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_ErasedInputs_KeepsTheDecisionAndSaysTheInputsWereErased()
    {
        var (_, _, endpoint) = await DeployAsync(Server, "gbc_pipeline.onnx");
        var prediction = (await PredictAsync(Server, endpoint, 1))[0];
        var id = Guid.Parse(prediction.GetProperty("id").GetString()!);
        var erasedAt = Server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var db = Server.Database.CreateContext())
        {
            var row = await db.Predictions.SingleAsync(p => p.Id == id);
            row.InputDigest = PredictionDigests.Input(row.InputsJson);
            row.InputsJson = "{}";
            row.ErasedAt = erasedAt;
            await db.SaveChangesAsync();
        }

        var notice = await NoticeJsonAsync(Server, endpoint, id.ToString());

        Assert.Equal("erased", notice.GetProperty("kind").GetString());
        Assert.Equal(prediction.GetProperty("label").GetString(), notice.GetProperty("decision").GetProperty("label").GetString());
        Assert.Equal(0, notice.GetProperty("factors").GetArrayLength());
        Assert.Contains("personal inputs of this case were erased", notice.GetProperty("factorsNote").GetString(), StringComparison.Ordinal);
        Assert.Equal(erasedAt, notice.GetProperty("inputsErasedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Notice_FallbackAnswer_SaysTheCaseWentToAPersonWithoutFactors()
    {
        var (model, _, endpoint) = await DeployAsync(Server, "gbc_pipeline.onnx", referenceRows: 50);
        var id = Guid.CreateVersion7();
        using (var scope = Server.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(
            [
                new PredictionRecord
                {
                    Id = id, EndpointName = endpoint, ModelName = model, ModelVersion = 0, Timestamp = Server.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
                    InputsJson = "{}", OutputsJson = EndpointOversight.DefaultFallbackJson,
                },
            ], skipExisting: false);
        }

        var notice = await NoticeJsonAsync(Server, endpoint, id.ToString());
        var html = await NoticeHtmlAsync(Server, endpoint, id.ToString());

        Assert.Equal("fallback", notice.GetProperty("kind").GetString());
        Assert.Equal("referred to a person", notice.GetProperty("decision").GetProperty("text").GetString());
        Assert.Contains("(reason: suspended)", notice.GetProperty("decision").GetProperty("statement").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, notice.GetProperty("factors").GetArrayLength());
        Assert.Contains("referred to a person", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<ol id=\"factors\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notice_UnknownPredictionOrPdf_AnswersProblems()
    {
        var (_, _, endpoint) = await DeployAsync(Server, "gbc_pipeline.onnx", referenceRows: 50);
        var id = (await PredictAsync(Server, endpoint, 1))[0].GetProperty("id").GetString()!;
        var admin = Server.CreateAdminClient();

        using var unknown = await admin.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{Guid.CreateVersion7()}/notice");
        using var pdf = await admin.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/notice?format=pdf");
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Ferry.Core.Identity.Role.Viewer));
        using var read = await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/notice?format=html");

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        var problem = await pdf.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("pdf is not offered", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}

public sealed class SqliteDecisionNoticeTests(SqliteServerFixture fixture) : DecisionNoticeTests<SqliteServerFixture>(fixture);

public sealed class PostgresDecisionNoticeTests(PostgresServerFixture fixture) : DecisionNoticeTests<PostgresServerFixture>(fixture);
