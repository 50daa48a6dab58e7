using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Governance.GovernanceTestKit;

namespace Ferry.Server.Tests.Governance;

/// <summary>Promotion policies: the installation default tier, revisions with history, validation, who may set them.</summary>
public sealed class PolicyApiTests
{
    [Fact]
    public async Task Policy_NeverSet_IsTheInstallationDefaultTierMedium()
    {
        await using var server = await StartAsync(DatabaseKind.Sqlite);
        var v1 = await RegisterCreditAsync(server, "credit", "lr_pipeline.onnx");
        var policy = await server.CreateClient(await server.CreateTokenAsync(Role.Viewer)).GetFromJsonAsync<JsonElement>("/api/v1/models/credit/policy");

        Assert.Equal(1, v1);
        Assert.Equal("default", policy.GetProperty("source").GetString());
        Assert.Equal(0, policy.GetProperty("revision").GetInt32());
        Assert.Equal("medium", policy.GetProperty("tier").GetString());
        Assert.Equal(1, policy.GetProperty("approvals").GetInt32());
        Assert.False(policy.GetProperty("requesterMayApprove").GetBoolean());
        Assert.True(policy.GetProperty("governed").GetBoolean());
        Assert.Equal("approver", policy.GetProperty("approverRole").GetString());
        Assert.Equal(0.01, policy.GetProperty("gates").GetProperty("championMargin").GetDouble());
        Assert.True(policy.GetProperty("gates").GetProperty("requireModelCard").GetBoolean());
    }

    [Fact]
    public async Task SetPolicy_TwoChanges_StoresRevisionsWithOverridesAndHistory()
    {
        await using var server = await StartAsync(DatabaseKind.Sqlite);
        var admin = server.CreateAdminClient();
        _ = await RegisterCreditAsync(server, "credit", "lr_pipeline.onnx");

        using (var first = await admin.PutAsJsonAsync("/api/v1/models/credit/policy", new { tier = "high" }))
        {
            var body = await first.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal(1, body.GetProperty("revision").GetInt32());
            Assert.Equal(2, body.GetProperty("approvals").GetInt32());
            Assert.True(body.GetProperty("gates").GetProperty("requireExplainability").GetBoolean());
        }

        using (var second = await admin.PutAsJsonAsync("/api/v1/models/credit/policy",
            new { tier = "low", approvals = 1, approverGroup = "risk", gates = new { minAuc = 0.75, championMargin = (double?)null } }))
        {
            var body = await second.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal(2, body.GetProperty("revision").GetInt32());
            Assert.Equal("low", body.GetProperty("tier").GetString());
            Assert.Equal(1, body.GetProperty("approvals").GetInt32());
            Assert.Equal("risk", body.GetProperty("approverGroup").GetString());
            Assert.Equal(0.75, body.GetProperty("gates").GetProperty("minAuc").GetDouble());
            Assert.Equal(JsonValueKind.Null, body.GetProperty("gates").GetProperty("championMargin").ValueKind);
        }

        var history = await admin.GetFromJsonAsync<JsonElement>("/api/v1/models/credit/policy/history");
        Assert.Equal([2, 1], history.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("revision").GetInt32()));
        Assert.Equal("high", history.GetProperty("revisions")[1].GetProperty("tier").GetString());
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=policy.set");
        Assert.Equal(2, audit.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task SetPolicy_BadValuesOrNotAdmin_IsRefusedAndStoresNothing()
    {
        await using var server = await StartAsync(DatabaseKind.Sqlite);
        var admin = server.CreateAdminClient();
        _ = await RegisterCreditAsync(server, "credit", "lr_pipeline.onnx");

        using (var tier = await admin.PutAsJsonAsync("/api/v1/models/credit/policy", new { tier = "extreme" }))
        {
            Assert.Contains("tier", (await tier.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").ToString(), StringComparison.Ordinal);
        }

        using (var gate = await admin.PutAsJsonAsync("/api/v1/models/credit/policy", new { tier = "low", approvals = -1, gates = new { minAcu = 0.7 } }))
        {
            var errors = (await gate.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("approvals", out _));
            Assert.True(errors.TryGetProperty("gates.minAcu", out _));
        }

        var approver = server.CreateClient(await server.CreateTokenAsync(Role.Approver));
        using (var forbidden = await approver.PutAsJsonAsync("/api/v1/models/credit/policy", new { tier = "low" }))
        {
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var missing = await admin.PutAsJsonAsync("/api/v1/models/nope/policy", new { tier = "low" }))
        {
            await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        var policy = await admin.GetFromJsonAsync<JsonElement>("/api/v1/models/credit/policy");
        Assert.Equal(0, policy.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task LowTier_RequestWithPassingGates_CompletesAtOnceAndDirectMovesAreAllowed()
    {
        await using var server = await StartAsync(DatabaseKind.Sqlite, tier: "low");
        var sam = server.CreateClient(await server.CreateTokenAsync(Role.Scientist, "sam"));
        var approver = server.CreateClient(await server.CreateTokenAsync(Role.Approver, "bob"));
        var v1 = await RegisterCreditAsync(server, "credit", "lr_pipeline.onnx");

        var request = await RequestAsync(sam, "credit", v1, new { target = "champion", justification = "low risk" });
        Assert.Equal("approved", request.GetProperty("state").GetString());
        Assert.Equal(v1, await AliasAsync(sam, "credit", "champion"));
        using var moved = await MlflowPostAsync(approver, "registered-models/alias", new { name = "credit", alias = "champion", version = "1" });
        await moved.AssertJsonAsync(HttpStatusCode.OK);
    }
}
