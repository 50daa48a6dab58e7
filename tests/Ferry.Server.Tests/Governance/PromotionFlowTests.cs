using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Server.Tests.Governance.Webhooks;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Governance.Gates.GateTestKit;
using static Ferry.Server.Tests.Governance.GovernanceTestKit;

namespace Ferry.Server.Tests.Governance;

/// <summary>
/// Issue 18's done-when flow on SQLite and PostgreSQL with real credit models from ../shared/models: a request for a
/// better model, the requester's own approval refused (four eyes), a second approver's approval moving champion in the
/// same transaction, a failing gate blocking approval, direct moves refused, break-glass, and the audit chain intact.
/// </summary>
public abstract class PromotionFlowTests(DatabaseKind kind)
{
    private const string Model = "credit";

    [SkippableFact]
    public async Task Promotion_SecondApproverApproves_MovesChampionAndKeepsTheRecord()
    {
        const string secret = "promotion-receiver-secret-0123";
        await using var server = await StartAsync(kind);
        await using var receiver = await WebhookReceiver.StartAsync(secret);
        var alice = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "alice"));
        var bob = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "bob"));
        var admin = server.CreateAdminClient();
        using (var hook = await admin.PostAsJsonAsync("/api/v1/governance/webhooks", new
        {
            name = "promotions",
            url = receiver.Url,
            events = new[] { "promotion.requested", "promotion.approved", "model_version_alias.created" },
            secret,
        }))
        {
            await hook.AssertJsonAsync(HttpStatusCode.Created);
        }

        // v1: XGBoost (test AUC 0.720) becomes champion through a request; v2: logistic regression (0.767), the better model.
        var v1 = await RegisterCreditAsync(server, Model, "xgb_pipeline.onnx");
        var v2 = await RegisterCreditAsync(server, Model, "lr_pipeline.onnx");
        await WriteCardAsync(admin, Model, v1);
        await WriteCardAsync(admin, Model, v2);
        var first = await RequestAsync(alice, Model, v1, new { target = "champion", justification = "first model" });
        var ownFirst = await DecideAsync(alice, first.GetProperty("id").GetString()!, "approve", "mine");
        Assert.Equal(HttpStatusCode.Conflict, ownFirst.Status);
        Assert.Contains("Four eyes", ownFirst.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await AliasAsync(admin, Model, "champion"));
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(bob, first.GetProperty("id").GetString()!, "approve", "ok")).Status);
        Assert.Equal(v1, await AliasAsync(admin, Model, "champion"));

        // From here the gates compare every candidate with the champion on the shared test rows.
        await PutTestSetAsync(server, Model, "test", "default", positiveLabel: "1");
        using (var policy = await admin.PutAsJsonAsync($"/api/v1/models/{Model}/policy", new { tier = "medium", gates = new { evaluationDataset = "test", championMargin = 0.01 } }))
        {
            await policy.AssertJsonAsync(HttpStatusCode.OK);
        }

        // A scientist asks for the better model; their own approval is refused (a scientist approves nothing, and never their own request).
        var sam = server.CreateClient(await server.CreateTokenAsync(Role.Scientist, "sam"));
        var request = await RequestAsync(sam, Model, v2, new { target = "champion", justification = "AUC 0.767 against 0.720 on the test rows" });
        var id = request.GetProperty("id").GetString()!;
        Assert.Equal("pending", request.GetProperty("state").GetString());
        Assert.True(request.GetProperty("gatesPassed").GetBoolean());
        Assert.Equal(v1, request.GetProperty("championVersion").GetInt32());
        Assert.Equal(64, request.GetProperty("cardSha256").GetString()!.Length);
        var results = request.GetProperty("evidence").GetProperty("results").EnumerateArray().ToList();
        Assert.Contains(results, r => r.GetProperty("gate").GetString() == "model-card");
        Assert.Contains(results, r => r.GetProperty("gate").GetString() == "champion" && r.GetProperty("verdict").GetString() == "pass");

        var own = await DecideAsync(sam, id, "approve", "looks good to me");
        Assert.True(own.Status is HttpStatusCode.Forbidden or HttpStatusCode.Conflict, own.Status.ToString());
        Assert.Equal(v1, await AliasAsync(admin, Model, "champion"));

        var approved = await DecideAsync(bob, id, "approve", "checked the evidence");
        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal("approved", approved.Body.GetProperty("state").GetString());
        Assert.Equal(v1, approved.Body.GetProperty("previousVersion").GetInt32());
        Assert.Equal("bob", approved.Body.GetProperty("closedBy").GetString());
        Assert.Equal(v2, await AliasAsync(admin, Model, "champion"));

        // A decided request takes no more decisions.
        Assert.Equal(HttpStatusCode.Conflict, (await DecideAsync(admin, id, "reject", "too late")).Status);

        // A worse model (random forest, test AUC 0.713) fails the champion gate, and no approval can move it.
        var v3 = await RegisterCreditAsync(server, Model, "rf_pipeline.onnx");
        await WriteCardAsync(admin, Model, v3);
        var worse = await RequestAsync(alice, Model, v3, new { target = "champion", justification = "try the forest" });
        Assert.False(worse.GetProperty("gatesPassed").GetBoolean());
        Assert.Contains(worse.GetProperty("failedChecks").EnumerateArray(), f => f.GetString()!.StartsWith("champion:", StringComparison.Ordinal));
        var blocked = await DecideAsync(bob, worse.GetProperty("id").GetString()!, "approve", "no");
        Assert.Equal(HttpStatusCode.Conflict, blocked.Status);
        Assert.Equal(v2, await AliasAsync(admin, Model, "champion"));

        var inbox = await admin.GetFromJsonAsync<JsonElement>("/api/v1/promotions?state=approved&model=credit");
        Assert.Equal(2, inbox.GetProperty("promotions").GetArrayLength());
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify");
        Assert.True(audit.GetProperty("isValid").GetBoolean());
        var events = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=promotion.approve");
        Assert.Contains("\"after\":" + v2, events.ToString(), StringComparison.Ordinal);

        // The receiver verified every delivery's signature: two requests and two approvals with their alias moves, and the third request.
        var received = new List<ReceivedWebhook>();
        for (var i = 0; i < 7; i++)
        {
            received.Add(await receiver.NextAsync());
        }

        Assert.All(received, r => Assert.True(r.SignatureValid, $"signature {r.Signature} does not verify for {r.DeliveryId}"));
        var kinds = received.Select(r => JsonDocument.Parse(r.Body).RootElement).Select(b => $"{b.GetProperty("entity").GetString()}.{b.GetProperty("action").GetString()}").ToList();
        Assert.Equal(3, kinds.Count(k => k == "promotion.requested"));
        Assert.Equal(2, kinds.Count(k => k == "promotion.approved"));
        Assert.Equal(2, kinds.Count(k => k == "model_version_alias.created"));
        var lastApproval = received.Select(r => JsonDocument.Parse(r.Body).RootElement).Last(b => b.GetProperty("action").GetString() == "approved");
        Assert.Contains("bob", lastApproval.GetRawText(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Approval_FailingGate_IsRefusedWithTheFailingChecks()
    {
        await using var server = await StartAsync(kind);
        var admin = server.CreateAdminClient();
        var bob = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "bob"));
        var scientist = server.CreateClient(await server.CreateTokenAsync(Role.Scientist, "sam"));
        var v1 = await RegisterCreditAsync(server, Model, "gbc_pipeline.onnx");
        using (var set = await admin.PutAsJsonAsync($"/api/v1/models/{Model}/policy", new { tier = "high" }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        // High tier: every gate; this version has no model card and no reference set.
        var request = await RequestAsync(scientist, Model, v1, new { target = "champion", justification = "try" });
        Assert.False(request.GetProperty("gatesPassed").GetBoolean());
        var failed = request.GetProperty("failedChecks").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("model-card: owner filled in", failed);
        Assert.Contains("explainability: reference set", failed);

        var refused = await DecideAsync(bob, request.GetProperty("id").GetString()!, "approve");
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("model-card: owner filled in", refused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await AliasAsync(admin, Model, "champion"));
    }

    [SkippableFact]
    public async Task DirectMove_GovernedModel_IsRefusedUnlessAnAdminBreaksTheGlass()
    {
        await using var server = await StartAsync(kind);
        var admin = server.CreateAdminClient();
        var approver = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "bob"));
        var v1 = await RegisterCreditAsync(server, Model, "lr_pipeline.onnx");

        using (var moved = await MlflowPostAsync(approver, "registered-models/alias", new { name = Model, alias = "champion", version = v1.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
        {
            var error = await moved.AssertJsonAsync(HttpStatusCode.Conflict);
            Assert.Equal("RESOURCE_CONFLICT", error.GetProperty("error_code").GetString());
            Assert.Contains($"/api/v1/models/{Model}/versions/{v1}/promotions", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using (var staged = await MlflowPostAsync(admin, "model-versions/transition-stage", new { name = Model, version = v1.ToString(System.Globalization.CultureInfo.InvariantCulture), stage = "Production", archive_existing_versions = false }))
        {
            await staged.AssertJsonAsync(HttpStatusCode.Conflict);
        }

        // Other aliases are not governed.
        using (var other = await MlflowPostAsync(approver, "registered-models/alias", new { name = Model, alias = "challenger", version = v1.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
        {
            await other.AssertJsonAsync(HttpStatusCode.OK);
        }

        // Break-glass needs an admin: an approver's reason is not enough.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/2.0/mlflow/registered-models/alias") { Content = JsonContent.Create(new { name = Model, alias = "champion", version = "1" }) })
        {
            request.Headers.Add("X-Ferry-Break-Glass-Reason", "incident 42");
            using var refused = await approver.SendAsync(request);
            await refused.AssertJsonAsync(HttpStatusCode.Conflict);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/2.0/mlflow/registered-models/alias") { Content = JsonContent.Create(new { name = Model, alias = "champion", version = "1" }) })
        {
            request.Headers.Add("X-Ferry-Break-Glass-Reason", "incident 42: the champion endpoint is down");
            using var moved = await admin.SendAsync(request);
            await moved.AssertJsonAsync(HttpStatusCode.OK);
        }

        Assert.Equal(v1, await AliasAsync(admin, Model, "champion"));
        var alerts = await admin.GetFromJsonAsync<JsonElement>("/api/v1/alerts?status=open");
        Assert.Contains("incident 42: the champion endpoint is down", alerts.ToString(), StringComparison.Ordinal);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=alert.open");
        Assert.Contains("break-glass:credit", audit.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Deploy_GovernedModel_ServesOnlyPromotedVersionsAndLimitsCanaries()
    {
        await using var server = await StartAsync(kind);
        var admin = server.CreateAdminClient();
        var bob = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "bob"));
        var sam = server.CreateClient(await server.CreateTokenAsync(Role.Scientist, "sam"));
        var v1 = await RegisterCreditAsync(server, Model, "xgb_pipeline.onnx");
        var v2 = await RegisterCreditAsync(server, Model, "lr_pipeline.onnx");
        await WriteCardAsync(sam, Model, v1);
        await WriteCardAsync(sam, Model, v2);

        await AssertDeployAsync(sam, HttpStatusCode.Conflict, new { model = Model, version = v1, weight = 100 });
        var first = await RequestAsync(sam, Model, v1, new { target = "champion", justification = "first" });
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(bob, first.GetProperty("id").GetString()!, "approve")).Status);
        await AssertDeployAsync(sam, HttpStatusCode.OK, new { model = Model, alias = "champion", weight = 100 });

        // v2 without a request: neither a canary nor a shadow.
        await AssertDeployAsync(sam, HttpStatusCode.Conflict, new { model = Model, alias = "champion", weight = 95 }, new { model = Model, version = v2, weight = 5 });
        await AssertDeployAsync(sam, HttpStatusCode.Conflict, new { model = Model, alias = "champion", weight = 100 }, new { model = Model, version = v2, role = "shadow" });

        // With a pending request: a shadow, and a canary up to the medium tier's 10 %.
        _ = await RequestAsync(sam, Model, v2, new { target = "champion", justification = "better" });
        await AssertDeployAsync(sam, HttpStatusCode.OK, new { model = Model, alias = "champion", weight = 100 }, new { model = Model, version = v2, role = "shadow" });
        await AssertDeployAsync(sam, HttpStatusCode.OK, new { model = Model, alias = "champion", weight = 90 }, new { model = Model, version = v2, weight = 10 });
        await AssertDeployAsync(sam, HttpStatusCode.Conflict, new { model = Model, alias = "champion", weight = 80 }, new { model = Model, version = v2, weight = 20 });
    }

    [SkippableFact]
    public async Task TransitionRequests_MlflowRoutes_MapOntoPromotionRequests()
    {
        await using var server = await StartAsync(kind);
        var admin = server.CreateAdminClient();
        var alice = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "alice"));
        var bob = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "bob"));
        var v1 = await RegisterCreditAsync(server, Model, "lr_pipeline.onnx");
        await WriteCardAsync(admin, Model, v1);
        var version = v1.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using (var created = await MlflowPostAsync(alice, "transition-requests/create", new { name = Model, version, stage = "Production", comment = "ready" }))
        {
            var body = await created.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal("Production", body.GetProperty("request").GetProperty("to_stage").GetString());
            Assert.Equal("alice", body.GetProperty("request").GetProperty("user_id").GetString());
        }

        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/2.0/mlflow/transition-requests/list?name={Model}&version={version}");
        Assert.Equal(1, listed.GetProperty("requests").GetArrayLength());
        using (var own = await MlflowPostAsync(alice, "transition-requests/approve", new { name = Model, version, stage = "Production", archive_existing_versions = true, comment = "me" }))
        {
            Assert.Equal("RESOURCE_CONFLICT", (await own.AssertJsonAsync(HttpStatusCode.Conflict)).GetProperty("error_code").GetString());
        }

        using (var approved = await MlflowPostAsync(bob, "transition-requests/approve", new { name = Model, version, stage = "Production", archive_existing_versions = true, comment = "fine" }))
        {
            var body = await approved.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal("APPROVED_REQUEST", body.GetProperty("activity").GetProperty("activity_type").GetString());
        }

        var got = await admin.GetFromJsonAsync<JsonElement>($"/api/2.0/mlflow/model-versions/get?name={Model}&version={version}");
        Assert.Equal("Production", got.GetProperty("model_version").GetProperty("current_stage").GetString());
        var ferry = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/models/{Model}/promotions");
        Assert.Equal("approved", ferry.GetProperty("promotions")[0].GetProperty("state").GetString());
        Assert.Equal("Production", ferry.GetProperty("promotions")[0].GetProperty("stage").GetString());
    }

    [SkippableFact]
    public async Task Request_PastItsExpiry_IsExpiredOnReadAndTakesNoApproval()
    {
        var clock = new TestClock();
        var sink = new RecordingSink();
        await using var server = await StartAsync(kind, sink: sink, clock: clock);
        var admin = server.CreateAdminClient();
        var bob = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "bob"));
        var v1 = await RegisterCreditAsync(server, Model, "lr_pipeline.onnx");
        await WriteCardAsync(admin, Model, v1);
        using (var set = await admin.PutAsJsonAsync($"/api/v1/models/{Model}/policy", new { tier = "medium", requestExpiryHours = 24 }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        var id = (await RequestAsync(admin, Model, v1, new { target = "champion", justification = "x" })).GetProperty("id").GetString()!;
        clock.Advance(TimeSpan.FromHours(25));
        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/promotions/{id}");
        Assert.Equal("expired", read.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await DecideAsync(bob, id, "approve")).Status);
        Assert.Contains(sink.Events, e => e.Type == "promotion.expired");
        Assert.Null(await AliasAsync(admin, Model, "champion"));
    }

    private static async Task AssertDeployAsync(HttpClient client, HttpStatusCode status, params object[] routes)
    {
        using var response = await client.PutAsJsonAsync("/api/v1/endpoints/scoring", new { routes, force = true });
        if (status == HttpStatusCode.OK)
        {
            await response.AssertJsonAsync(status);
        }
        else
        {
            var problem = await response.AssertProblemAsync(status);
            Assert.Contains("promotion", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }
}

public sealed class SqlitePromotionFlowTests() : PromotionFlowTests(DatabaseKind.Sqlite);

public sealed class PostgresPromotionFlowTests() : PromotionFlowTests(DatabaseKind.PostgreSql);
