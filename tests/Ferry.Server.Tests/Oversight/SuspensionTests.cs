using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Server.Endpoints.Serving.Grpc.Protocol;
using Ferry.Server.Tests.Dashboard;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>A server with an HTTP/2-only gRPC port beside the HTTP/1.1 one, for the suspension tests.</summary>
public abstract class SuspensionServerFixture : IAsyncLifetime
{
    private FerryTestServer? _server;

    public abstract DatabaseKind Kind { get; }

    /// <summary>The server; skips (locally) or fails (CI) when its database is unavailable.</summary>
    public FerryTestServer Server
    {
        get
        {
            DatabaseRequirement.EnsureAvailable(Kind);
            return _server ?? throw new InvalidOperationException("The test server did not start.");
        }
    }

    public int GrpcPort { get; private set; }

    public static string SharedModels => Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "models"));

    public async Task InitializeAsync()
    {
        if (Kind == DatabaseKind.PostgreSql && TestDatabase.PostgresUnavailableReason is not null && !TestDatabase.InCi)
        {
            return;
        }

        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            GrpcPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _server = await FerryTestServer.StartAsync(Kind, host: builder => builder.Configuration["Ferry:Grpc:Port"] = GrpcPort.ToString(CultureInfo.InvariantCulture));
    }

    public GrpcChannel Channel() => GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public sealed class SqliteSuspensionServerFixture : SuspensionServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresSuspensionServerFixture : SuspensionServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.PostgreSql;
}

public sealed class SqliteSuspensionTests(SqliteSuspensionServerFixture fixture) : SuspensionTests<SqliteSuspensionServerFixture>(fixture);

public sealed class PostgresSuspensionTests(PostgresSuspensionServerFixture fixture) : SuspensionTests<PostgresSuspensionServerFixture>(fixture);

/// <summary>
/// Stop and fall back (issue 19, Deliver 2) on the shared gbc_pipeline credit model: an approver suspends an endpoint,
/// every serving protocol answers the fallback (no model runs) and logs it, the change is audited and alerted, and a
/// resume brings the model back.
/// </summary>
public abstract class SuspensionTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : SuspensionServerFixture
{
    private static readonly string[] Strings = ["home_ownership", "loan_purpose", "employment_type"];

    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Suspend_EveryProtocol_AnswersTheFallbackAndLogsIt_ResumeServesTheModelAgain()
    {
        var (model, version, endpoint) = await DeployAsync();
        var admin = Server.CreateAdminClient();
        var approverName = $"approver-{Guid.NewGuid():N}";
        var approver = Server.CreateClient(await Server.CreateTokenAsync(Role.Approver, approverName));
        var rows = Rows(5);

        var before = await PredictAsync(admin, endpoint, rows);
        Assert.All(before.Body.GetProperty("predictions").EnumerateArray(), p => Assert.True(p.TryGetProperty("label", out _)));
        Assert.False(before.Suspended);

        // Only an approver stops a model: a scientist is refused, and a reason is required.
        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));
        using (var refused = await scientist.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend", new { reason = "bias found" }))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var noReason = await approver.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend", new { reason = "  " }))
        {
            Assert.True((await noReason.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("reason", out _));
        }

        using (var suspended = await approver.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend", new { reason = "refusal rate doubled overnight" }))
        {
            var view = await suspended.AssertJsonAsync(HttpStatusCode.OK);
            Assert.True(view.GetProperty("suspended").GetBoolean());
            Assert.Equal(approverName, view.GetProperty("suspendedBy").GetString());
            Assert.Equal("refer", view.GetProperty("fallback").GetProperty("outcome").GetString());
        }

        using (var again = await approver.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend", new { reason = "twice" }))
        {
            Assert.Contains("already suspended", (await again.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // The endpoint's own view says so.
        var shown = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/endpoints/{endpoint}");
        Assert.True(shown.GetProperty("suspended").GetBoolean());
        Assert.Equal(approverName, shown.GetProperty("suspendedBy").GetString());
        Assert.Equal("refusal rate doubled overnight", shown.GetProperty("suspendReason").GetString());
        Assert.NotEqual(JsonValueKind.Null, shown.GetProperty("suspendedAt").ValueKind);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/endpoints");
        Assert.True(listed.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("name").GetString() == endpoint).GetProperty("suspended").GetBoolean());

        // Records: the fallback's members in place of the model's answer, version 0, marked by the header.
        var records = await PredictAsync(admin, endpoint, rows);
        Assert.True(records.Suspended);
        var ids = new List<string>();
        foreach (var p in records.Body.GetProperty("predictions").EnumerateArray())
        {
            Assert.Equal("refer", p.GetProperty("outcome").GetString());
            Assert.Equal("suspended", p.GetProperty("reason").GetString());
            Assert.Equal(0, p.GetProperty("version").GetInt32());
            Assert.Equal(model, p.GetProperty("model").GetString());
            Assert.False(p.TryGetProperty("label", out _));
            ids.Add(p.GetProperty("id").GetString()!);
        }

        Assert.Equal(rows.Count, ids.Count);

        // MLflow's scoring protocol: the fallback object per row, whatever the output mode.
        using (var invocations = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/invocations", new { dataframe_records = new JsonArray([.. rows.Select(r => (JsonNode)r.DeepClone())]) }))
        {
            var body = await invocations.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal("true", invocations.Headers.GetValues("Ferry-Suspended").Single());
            Assert.All(body.GetProperty("predictions").EnumerateArray(), p => Assert.Equal("""{"outcome":"refer","reason":"suspended"}""", p.GetRawText()));
            ids.AddRange(invocations.Headers.GetValues("Ferry-Prediction-Ids").Single().Split(','));
        }

        // OIP REST: one BYTES tensor of shape [N] per fallback member.
        using (var infer = await admin.PostAsJsonAsync($"/v2/models/{endpoint}/infer", OipBody(rows)))
        {
            var body = await infer.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal("true", infer.Headers.GetValues("Ferry-Suspended").Single());
            Assert.Equal("0", body.GetProperty("model_version").GetString());
            Assert.True(body.GetProperty("parameters").GetProperty("suspended").GetBoolean());
            var outputs = body.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
            Assert.Equal(["outcome", "reason"], outputs.Keys.Order());
            Assert.Equal("BYTES", outputs["outcome"].GetProperty("datatype").GetString());
            Assert.Equal([rows.Count], outputs["outcome"].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.All(outputs["outcome"].GetProperty("data").EnumerateArray(), d => Assert.Equal("refer", d.GetString()));
            ids.AddRange(body.GetProperty("parameters").GetProperty("prediction_ids").GetString()!.Split(','));
        }

        // OIP gRPC, typed and raw.
        using (var channel = fixture.Channel())
        {
            var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
            using var call = client.ModelInferAsync(GrpcRequest(endpoint, rows, raw: false), Auth());
            var typed = await call.ResponseAsync;
            Assert.Equal("true", (await call.ResponseHeadersAsync).GetValue("ferry-suspended"));
            Assert.True(typed.Parameters["suspended"].BoolParam);
            Assert.Equal("0", typed.ModelVersion);
            var outcome = typed.Outputs.Single(o => o.Name == "outcome");
            Assert.Equal("BYTES", outcome.Datatype);
            Assert.All(outcome.Contents.BytesContents, b => Assert.Equal("refer", b.ToStringUtf8()));
            Assert.Equal(rows.Count, outcome.Contents.BytesContents.Count);
            ids.AddRange(typed.Parameters["prediction_ids"].StringParam.Split(','));

            var raw = await client.ModelInferAsync(GrpcRequest(endpoint, rows, raw: true), Auth());
            var reasonAt = raw.Outputs.ToList().FindIndex(o => o.Name == "reason");
            var bytes = raw.RawOutputContents[reasonAt].ToByteArray();
            // BYTES raw: each element is a 4-byte little-endian length, then the bytes.
            Assert.Equal(rows.Count * (4 + "suspended".Length), bytes.Length);
            Assert.Equal("suspended", System.Text.Encoding.UTF8.GetString(bytes, 4, BitConverter.ToInt32(bytes, 0)));
            ids.AddRange(raw.Parameters["prediction_ids"].StringParam.Split(','));
        }

        // Every fallback answer is a logged decision with its own id: version 0, the fallback as its output, the inputs kept.
        Assert.Equal(5 * rows.Count, ids.Distinct().Count());
        await Server.WaitForPredictionLogAsync();
        foreach (var id in ids)
        {
            var logged = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/endpoints/{endpoint}/predictions/{id}");
            Assert.Equal(0, logged.GetProperty("version").GetInt32());
            Assert.Equal("refer", logged.GetProperty("outputs").GetProperty("outcome").GetString());
            Assert.Equal(JsonValueKind.String, logged.GetProperty("inputs").GetProperty("home_ownership").ValueKind);
        }

        // A fallback answer has no explanation: a clear 409, not a failure.
        using (var explanation = await admin.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{ids[0]}/explanation"))
        {
            Assert.Contains("no model ran", (await explanation.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Alerted and measured.
        var alert = (await OpenAlertsAsync(admin, endpoint)).Single();
        Assert.Contains(approverName, alert.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("refusal rate doubled overnight", alert.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await GaugeAsync(endpoint));

        // Resume: the model answers again, the alert is resolved, a second resume is a conflict.
        using (var resumed = await approver.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/resume", new { reason = "retrained and re-approved" }))
        {
            Assert.False((await resumed.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("suspended").GetBoolean());
        }

        using (var again = await approver.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/resume", new { reason = "twice" }))
        {
            await again.AssertProblemAsync(HttpStatusCode.Conflict);
        }

        var after = await PredictAsync(admin, endpoint, rows);
        Assert.False(after.Suspended);
        Assert.All(after.Body.GetProperty("predictions").EnumerateArray(), p =>
        {
            Assert.Equal(version, p.GetProperty("version").GetInt32());
            Assert.True(p.TryGetProperty("probabilities", out _));
            Assert.False(p.TryGetProperty("outcome", out _));
        });
        using (var channel = fixture.Channel())
        {
            var typed = await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(GrpcRequest(endpoint, rows, raw: false), Auth());
            Assert.Equal(version.ToString(CultureInfo.InvariantCulture), typed.ModelVersion);
            Assert.Contains(typed.Outputs, o => o.Name == "probabilities");
        }

        Assert.Empty(await OpenAlertsAsync(admin, endpoint));
        Assert.Equal(0, await GaugeAsync(endpoint));
        Assert.False((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/endpoints/{endpoint}")).GetProperty("suspended").GetBoolean());

        // Both changes are in the audit trail, by the approver, and the chain verifies.
        foreach (var action in new[] { "endpoint.suspend", "endpoint.resume" })
        {
            var events = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={action}&target=endpoint/{endpoint}")).GetProperty("events");
            Assert.Equal(approverName, events.EnumerateArray().Single().GetProperty("actor").GetString());
        }

        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify")).GetProperty("isValid").GetBoolean());
    }

    [SkippableFact]
    public async Task Suspend_WithAFallback_AnswersItOnEveryProtocol_AndRefusesReservedOrNonObjectFallbacks()
    {
        var (_, _, endpoint) = await DeployAsync();
        var admin = Server.CreateAdminClient();
        var rows = Rows(2);

        using (var reserved = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend", new { reason = "r", fallback = new { id = 1 } }))
        {
            Assert.True((await reserved.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("fallback.id", out _));
        }

        using (var notObject = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend", new { reason = "r", fallback = "refer" }))
        {
            await notObject.AssertProblemAsync(HttpStatusCode.BadRequest);
        }

        using (var unknown = await admin.PostAsJsonAsync($"/api/v1/endpoints/no-such-{Guid.NewGuid():N}/suspend", new { reason = "r" }))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.False((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/endpoints/{endpoint}")).GetProperty("suspended").GetBoolean());
        using (var suspended = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend",
            new { reason = "regulator request", fallback = new { decision = "manual-review", reason = "suspended", queue = 7 } }))
        {
            await suspended.AssertJsonAsync(HttpStatusCode.OK);
        }

        var records = await PredictAsync(admin, endpoint, rows);
        Assert.All(records.Body.GetProperty("predictions").EnumerateArray(), p =>
        {
            Assert.Equal("manual-review", p.GetProperty("decision").GetString());
            Assert.Equal(7, p.GetProperty("queue").GetInt32());
        });
        using (var infer = await admin.PostAsJsonAsync($"/v2/models/{endpoint}/infer", OipBody(rows)))
        {
            var outputs = (await infer.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
            Assert.Equal(["7", "7"], outputs["queue"].GetProperty("data").EnumerateArray().Select(d => d.GetString()));
        }

        // A malformed request is still refused as before (the model's fields are checked; nothing is logged).
        var broken = (JsonObject)rows[0].DeepClone();
        broken["age"] = "forty";
        using (var bad = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/predict", new JsonObject { ["records"] = new JsonArray(broken) }))
        {
            await bad.AssertProblemAsync(HttpStatusCode.BadRequest);
        }

        using var resumed = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/resume", new { reason = "done" });
        await resumed.AssertJsonAsync(HttpStatusCode.OK);
    }

    [SkippableFact]
    public async Task Monitor_OverAWindowWithFallbackRows_RunsOnTheModelsRowsOnly()
    {
        var (model, version, endpoint) = await DeployAsync();
        var admin = Server.CreateAdminClient();
        await admin.PutReferenceAsync(model, version, new JsonObject { ["records"] = new JsonArray([.. Rows(200, "train.csv").Select(r => (JsonNode)r)]) });
        var monitor = $"mon-{Guid.NewGuid():N}";
        (await admin.PutAsJsonAsync($"/api/v1/monitors/{monitor}", new { endpoint, spec = new { windowSeconds = 3600, minRows = 10 } })).EnsureSuccessStatusCode();

        var rows = Rows(30);
        await PredictAsync(admin, endpoint, rows);
        (await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/suspend", new { reason = "investigating" })).EnsureSuccessStatusCode();
        var fallback = await PredictAsync(admin, endpoint, rows);
        Assert.True(fallback.Suspended);
        await Server.WaitForPredictionLogAsync();

        using var run = await admin.PostAsync($"/api/v1/monitors/{monitor}/run", null);
        var report = (await run.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("report");
        Assert.Equal(rows.Count, report.GetProperty("rows").GetInt32());
        Assert.Equal(version, report.GetProperty("modelVersion").GetInt32());
        Assert.Contains(report.GetProperty("checks").EnumerateArray(), c => c.GetProperty("key").GetString() == "drift:income");
    }

    [SkippableFact]
    public async Task DashboardEndpointPage_ShowsTheBanner_AndApproversSuspendAndResumeThroughTheForm()
    {
        var (_, _, endpoint) = await DeployAsync();
        var admin = Server.CreateAdminClient();
        var page = $"/ui/endpoints/{endpoint}";
        var form = $"/ui/endpoints/{endpoint}/suspension";

        // A scientist sees no form, and a post of one is refused.
        using (var scientist = new DashboardBrowser(Server.Address))
        {
            (await scientist.SignInAsync(await Server.CreateTokenAsync(Role.Scientist))).Dispose();
            Assert.DoesNotContain("suspension-form", await TextAsync(await scientist.GetAsync(page)), StringComparison.Ordinal);
            using var refused = await scientist.PostFormAsync(form, Fields(("action", "suspend"), ("reason", "no")));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var approverName = $"approver-{Guid.NewGuid():N}";
        using var approver = new DashboardBrowser(Server.Address);
        (await approver.SignInAsync(await Server.CreateTokenAsync(Role.Approver, approverName))).Dispose();
        var before = await TextAsync(await approver.GetAsync(page));
        Assert.Contains("suspension-form", before, StringComparison.Ordinal);
        Assert.Contains("Suspend the model", before, StringComparison.Ordinal);
        Assert.DoesNotContain("suspended-banner", before, StringComparison.Ordinal);

        // Without the antiforgery token, or without a reason, nothing changes.
        using (var forged = await approver.PostFormAsync(form, Fields(("action", "suspend"), ("reason", "forged")), withFormToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var noReason = await approver.PostFormAsync(form, Fields(("action", "suspend"), ("reason", " "))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            Assert.Contains("suspension-error", await TextAsync(noReason), StringComparison.Ordinal);
        }

        Assert.False((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/endpoints/{endpoint}")).GetProperty("suspended").GetBoolean());

        // Suspend through the form: post-redirect-get back to the page, which shows the banner (who, why) and a resume form.
        (await approver.GetAsync(page)).Dispose();
        using (var suspended = await approver.PostFormAsync(form, Fields(("action", "suspend"), ("reason", "dashboard stop: bias in refusals"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, suspended.StatusCode);
            Assert.Equal(page, suspended.Headers.Location?.OriginalString);
        }

        var after = await TextAsync(await approver.GetAsync(page));
        Assert.Contains("suspended-banner", after, StringComparison.Ordinal);
        Assert.Contains(approverName, after, StringComparison.Ordinal);
        Assert.Contains("dashboard stop: bias in refusals", after, StringComparison.Ordinal);
        Assert.Contains("Resume the model", after, StringComparison.Ordinal);
        Assert.True((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/endpoints/{endpoint}")).GetProperty("suspended").GetBoolean());
        Assert.True((await PredictAsync(admin, endpoint, Rows(1))).Suspended);

        // A viewer sees the banner but no form.
        using (var viewer = new DashboardBrowser(Server.Address))
        {
            (await viewer.SignInAsync(await Server.CreateTokenAsync(Role.Viewer))).Dispose();
            var seen = await TextAsync(await viewer.GetAsync(page));
            Assert.Contains("suspended-banner", seen, StringComparison.Ordinal);
            Assert.DoesNotContain("suspension-form", seen, StringComparison.Ordinal);
        }

        using (var resumed = await approver.PostFormAsync(form, Fields(("action", "resume"), ("reason", "fixed"))))
        {
            Assert.Equal(HttpStatusCode.Redirect, resumed.StatusCode);
        }

        Assert.DoesNotContain("suspended-banner", await TextAsync(await approver.GetAsync(page)), StringComparison.Ordinal);
        Assert.False((await PredictAsync(admin, endpoint, Rows(1))).Suspended);
        var events = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=endpoint.suspend&target=endpoint/{endpoint}")).GetProperty("events");
        Assert.Equal(approverName, events.EnumerateArray().Single().GetProperty("actor").GetString());
    }

    private static List<KeyValuePair<string, string>> Fields(params (string Name, string Value)[] fields) => [.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))];

    private static async Task<string> TextAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return await response.Content.ReadAsStringAsync();
        }
    }

    private Metadata Auth() => new() { { "authorization", $"Bearer {Server.AdminToken}" } };

    private async Task<(string Model, int Version, string Endpoint)> DeployAsync()
    {
        var model = $"credit-{Guid.NewGuid():N}";
        var version = await ServingTestKit.RegisterAsync(Server, model, await File.ReadAllBytesAsync(Path.Combine(SuspensionServerFixture.SharedModels, "gbc_pipeline.onnx")), "gbc_pipeline.onnx");
        var endpoint = $"credit-{Guid.NewGuid():N}";
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        return (model, version, endpoint);
    }

    private static async Task<(JsonElement Body, bool Suspended)> PredictAsync(HttpClient client, string endpoint, IEnumerable<JsonObject> rows)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/predict", new JsonObject { ["records"] = new JsonArray([.. rows.Select(r => (JsonNode)r.DeepClone())]) });
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        return (body, response.Headers.TryGetValues("Ferry-Suspended", out var values) && values.Single() == "true");
    }

    private static async Task<List<JsonElement>> OpenAlertsAsync(HttpClient client, string endpoint)
    {
        var alerts = await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?status=open&monitor=suspension");
        return [.. alerts.GetProperty("alerts").EnumerateArray().Where(a => a.GetProperty("endpoint").GetString() == endpoint)];
    }

    private async Task<int> GaugeAsync(string endpoint)
    {
        var text = await Server.CreateClient().GetStringAsync("/metrics");
        var line = text.Split('\n').Single(l => l.StartsWith($"ferry_endpoint_suspended{{endpoint=\"{endpoint}\"}}", StringComparison.Ordinal));
        return (int)double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture);
    }

    // The shared set's rows without missing cells, as records (numbers as float32, as trained).
    private static List<JsonObject> Rows(int count, string file = "test.csv")
    {
        var lines = File.ReadLines(Path.Combine(SuspensionServerFixture.SharedModels, file)).ToList();
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Where(l => !l.Contains(",,", StringComparison.Ordinal) && !l.EndsWith(',')).Take(count).Select(l =>
        {
            var cells = l.Split(',');
            var record = new JsonObject();
            for (var j = 0; j < 20; j++)
            {
                record[header[j]] = Strings.Contains(header[j]) ? JsonValue.Create(cells[j]) : JsonValue.Create((double)float.Parse(cells[j], CultureInfo.InvariantCulture));
            }

            return record;
        })];
    }

    private static JsonObject OipBody(List<JsonObject> rows)
    {
        var inputs = new JsonArray();
        foreach (var (column, _) in rows[0])
        {
            var isText = Strings.Contains(column);
            inputs.Add(new JsonObject
            {
                ["name"] = column,
                ["datatype"] = isText ? "BYTES" : "FP32",
                ["shape"] = new JsonArray(rows.Count, 1),
                ["data"] = new JsonArray([.. rows.Select(r => r[column]!.DeepClone())]),
            });
        }

        return new JsonObject { ["inputs"] = inputs };
    }

    private static ModelInferRequest GrpcRequest(string endpoint, List<JsonObject> rows, bool raw)
    {
        var request = new ModelInferRequest { ModelName = endpoint };
        foreach (var (column, _) in rows[0])
        {
            var isText = Strings.Contains(column);
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = column, Datatype = isText ? "BYTES" : "FP32", Shape = { rows.Count, 1 } };
            request.Inputs.Add(tensor);
            if (isText)
            {
                var values = rows.Select(r => ByteString.CopyFromUtf8(r[column]!.GetValue<string>())).ToList();
                if (raw)
                {
                    using var bytes = new MemoryStream();
                    foreach (var v in values)
                    {
                        bytes.Write(BitConverter.GetBytes((uint)v.Length));
                        bytes.Write(v.Span);
                    }

                    request.RawInputContents.Add(ByteString.CopyFrom(bytes.ToArray()));
                }
                else
                {
                    tensor.Contents = new InferTensorContents { BytesContents = { values } };
                }
            }
            else
            {
                var values = rows.Select(r => (float)r[column]!.GetValue<double>()).ToArray();
                if (raw)
                {
                    request.RawInputContents.Add(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));
                }
                else
                {
                    tensor.Contents = new InferTensorContents { Fp32Contents = { values } };
                }
            }
        }

        return request;
    }
}
