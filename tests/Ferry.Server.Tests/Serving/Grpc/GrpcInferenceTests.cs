using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Server.Endpoints.Serving.Grpc.Protocol;
using Ferry.Server.Endpoints.Serving.Grpc.Protocol.Repository;
using Ferry.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

namespace Ferry.Server.Tests.Serving.Grpc;

/// <summary>A server with <c>Ferry:Grpc:Port</c> set (an HTTP/2-only port beside the HTTP/1.1 one) and gbc_pipeline deployed.</summary>
public abstract class GrpcServerFixture : IAsyncLifetime
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

    public string Endpoint { get; } = $"grpc-{Guid.NewGuid():N}";

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

        _server = await FerryTestServer.StartAsync(Kind, host: builder => builder.Configuration["Ferry:Grpc:Port"] = GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var model = $"gbc-{Guid.NewGuid():N}";
        var version = await ServingTestKit.RegisterAsync(_server, model, await File.ReadAllBytesAsync(Path.Combine(SharedModels, "gbc_pipeline.onnx")), "gbc_pipeline.onnx");
        await ServingTestKit.DeployAsync(_server, Endpoint, new { model, version, weight = 100 });
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

public sealed class SqliteGrpcServerFixture : GrpcServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresGrpcServerFixture : GrpcServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.PostgreSql;
}

public sealed class SqliteGrpcInferenceTests(SqliteGrpcServerFixture fixture) : GrpcInferenceTests<SqliteGrpcServerFixture>(fixture);

public sealed class PostgresGrpcInferenceTests(PostgresGrpcServerFixture fixture) : GrpcInferenceTests<PostgresGrpcServerFixture>(fixture);

/// <summary>
/// The Open Inference Protocol over gRPC, called by a .NET client generated from the same proto and by a Python client
/// generated at test time with Debian's grpc_tools: the same answers, validation, auth and prediction log as REST.
/// </summary>
public abstract class GrpcInferenceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : GrpcServerFixture
{
    private static readonly string[] Strings = ["home_ownership", "loan_purpose", "employment_type"];

    private FerryTestServer Server => fixture.Server;

    private Metadata Auth(string? token = null) => new() { { "authorization", $"Bearer {token ?? Server.AdminToken}" } };

    [SkippableFact]
    public async Task HealthAndMetadata_AnswerAsRest()
    {
        using var channel = fixture.Channel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest(), Auth())).Live);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest(), Auth())).Ready);
        var server = await client.ServerMetadataAsync(new ServerMetadataRequest(), Auth());
        Assert.Equal("ferry", server.Name);
        Assert.Contains("model_repository", server.Extensions);
        var model = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = fixture.Endpoint }, Auth());
        var rest = await Server.CreateAdminClient().GetFromJsonAsync<JsonElement>($"/v2/models/{fixture.Endpoint}");
        Assert.Equal(rest.GetProperty("platform").GetString(), model.Platform);
        Assert.Equal(rest.GetProperty("versions").EnumerateArray().Select(v => v.GetString()), model.Versions);
        Assert.Equal(rest.GetProperty("inputs").EnumerateArray().Select(i => (i.GetProperty("name").GetString()!, i.GetProperty("datatype").GetString()!)),
            model.Inputs.Select(i => (i.Name, i.Datatype)));
        Assert.Equal(20, model.Inputs.Count);
        Assert.Equal(["label", "probabilities"], model.Outputs.Select(o => o.Name));
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = fixture.Endpoint, Version = "1" }, Auth())).Ready);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.ModelMetadataAsync(new ModelMetadataRequest { Name = "no-such-model" }, Auth()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Model with name no-such-model does not exist.", unknown.Status.Detail);
        var version = await Assert.ThrowsAsync<RpcException>(() => client.ModelReadyAsync(new ModelReadyRequest { Name = fixture.Endpoint, Version = "7" }, Auth()).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
    }

    [SkippableFact]
    public async Task ModelInfer_TypedAndRaw_EqualRestInfer_AndAreLogged()
    {
        var rows = ReadRows(12);
        using var channel = fixture.Channel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var typed = await client.ModelInferAsync(Request(rows, raw: false, "typed-1"), Auth());
        var raw = await client.ModelInferAsync(Request(rows, raw: true, "raw-1"), Auth());
        using var restResponse = await Server.CreateAdminClient().PostAsync($"/v2/models/{fixture.Endpoint}/infer", JsonContent.Create(RestBody(rows)));
        var rest = await restResponse.AssertJsonAsync(HttpStatusCode.OK);

        var restProbabilities = rest.GetProperty("outputs").EnumerateArray().First(o => o.GetProperty("name").GetString() == "probabilities")
            .GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal("typed-1", typed.Id);
        Assert.Equal("1", typed.ModelVersion);
        var typedProbabilities = typed.Outputs.Single(o => o.Name == "probabilities");
        Assert.Equal("FP32", typedProbabilities.Datatype);
        Assert.Equal([rows.Count, 2L], typedProbabilities.Shape);
        Assert.Equal(restProbabilities, typedProbabilities.Contents.Fp32Contents.Select(p => (double)p));
        Assert.Equal(rows.Count, typed.Outputs.Single(o => o.Name == "label").Contents.Int64Contents.Count);

        // Raw in, raw out (as Triton answers): the same numbers, little-endian, in output order, and no typed contents.
        Assert.DoesNotContain(raw.Outputs, o => o.Contents is not null);
        Assert.Equal(raw.Outputs.Count, raw.RawOutputContents.Count);
        var rawIndex = raw.Outputs.ToList().FindIndex(o => o.Name == "probabilities");
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.RawOutputContents[rawIndex].Span).ToArray();
        Assert.Equal(restProbabilities, floats.Select(p => (double)p));

        var ids = typed.Parameters["prediction_ids"].StringParam.Split(',');
        Assert.Equal(rows.Count, ids.Length);
        await Server.WaitForPredictionLogAsync();
        using var logged = await Server.CreateAdminClient().GetAsync($"/api/v1/endpoints/{fixture.Endpoint}/predictions/{ids[3]}");
        var prediction = await logged.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(rows[3]["loan_purpose"], prediction.GetProperty("inputs").GetProperty("loan_purpose").GetString());
    }

    [SkippableFact]
    public async Task Errors_AnswerGrpcStatuses_WithRestsMessages()
    {
        var rows = ReadRows(2);
        using var channel = fixture.Channel();
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var repository = new ModelRepositoryService.ModelRepositoryServiceClient(channel);

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(Request(rows, false, null)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var unknownToken = await Assert.ThrowsAsync<RpcException>(() => client.ServerLiveAsync(new ServerLiveRequest(), Auth("fry_unknown")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, unknownToken.StatusCode);
        Assert.Contains("unknown, revoked or expired", unknownToken.Status.Detail, StringComparison.Ordinal);
        var viewer = await Server.CreateTokenAsync(Role.Viewer);
        var forbidden = await Assert.ThrowsAsync<RpcException>(() =>
            repository.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = fixture.Endpoint }, Auth(viewer)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, forbidden.StatusCode);
        Assert.Contains("'viewer' is too low", forbidden.Status.Detail, StringComparison.Ordinal);
        Assert.True((await client.ModelInferAsync(Request(rows, false, null), Auth(viewer))).Outputs.Count > 0);

        var unknownModel = Request(rows, false, null);
        unknownModel.ModelName = "no-such-model";
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(unknownModel, Auth()).ResponseAsync)).StatusCode);

        var wrongType = Request(rows, false, null);
        wrongType.Inputs[0].Datatype = "BYTES";
        wrongType.Inputs[0].Contents = new InferTensorContents { BytesContents = { ByteString.CopyFromUtf8("1"), ByteString.CopyFromUtf8("2") } };
        var invalid = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(wrongType, Auth()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("datatype BYTES does not fit field 'income'", invalid.Status.Detail, StringComparison.Ordinal);

        var wrongField = Request(rows, false, null);
        wrongField.Inputs[0].Datatype = "FP64";
        Assert.Contains("inputs[0].contents: datatype FP64 reads fp64_contents, but the values are in fp32_contents",
            (await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(wrongField, Auth()).ResponseAsync)).Status.Detail, StringComparison.Ordinal);

        var shortShape = Request(rows, false, null);
        shortShape.Inputs[1].Shape[0] = 3;
        Assert.Contains("inputs.age: has 2 elements but its shape [3, 1] needs 3",
            (await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(shortShape, Auth()).ResponseAsync)).Status.Detail, StringComparison.Ordinal);

        var mixed = Request(rows, true, null);
        mixed.Inputs[0].Contents = new InferTensorContents { Fp32Contents = { 1f, 2f } };
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(mixed, Auth()).ResponseAsync)).StatusCode);

        var ragged = Request(rows, true, null);
        ragged.RawInputContents[0] = ByteString.CopyFrom(new byte[7]);
        Assert.Contains("has 7 bytes, not a whole number of FP32 elements",
            (await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(ragged, Auth()).ResponseAsync)).Status.Detail, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Repository_IndexLoadUnload_OnRestAndGrpc_AreAudited()
    {
        using var channel = fixture.Channel();
        var repository = new ModelRepositoryService.ModelRepositoryServiceClient(channel);
        var admin = Server.CreateAdminClient();

        using (var unload = await admin.PostAsync($"/v2/repository/models/{fixture.Endpoint}/unload", null))
        {
            Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        }

        Assert.Equal("UNAVAILABLE", (await IndexAsync(admin))[fixture.Endpoint]);
        Assert.DoesNotContain(fixture.Endpoint, (await repository.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true }, Auth())).Models.Select(m => m.Name));

        await repository.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = fixture.Endpoint }, Auth());
        var index = await repository.RepositoryIndexAsync(new RepositoryIndexRequest(), Auth());
        var entry = index.Models.Single(m => m.Name == fixture.Endpoint);
        Assert.Equal(("1", "READY"), (entry.Version, entry.State));
        Assert.Equal("READY", (await IndexAsync(admin))[fixture.Endpoint]);

        await repository.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = fixture.Endpoint }, Auth());
        Assert.Equal("UNAVAILABLE", (await IndexAsync(admin))[fixture.Endpoint]);
        using (var load = await admin.PostAsync($"/v2/repository/models/{fixture.Endpoint}/load", null))
        {
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        }

        Assert.Equal("READY", (await IndexAsync(admin))[fixture.Endpoint]);
        using (var missing = await admin.PostAsync("/v2/repository/models/no-such-model/load", null))
        {
            Assert.Equal("Model with name no-such-model does not exist.", (await missing.AssertJsonAsync(HttpStatusCode.NotFound)).GetProperty("error").GetString());
        }

        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            repository.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "no-such-model" }, Auth()).ResponseAsync)).StatusCode);
        foreach (var action in new[] { "endpoint.model-load", "endpoint.model-unload" })
        {
            var events = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={action}&target=endpoint/{fixture.Endpoint}");
            Assert.Equal(2, events.GetProperty("events").GetArrayLength());
        }

        using var verify = await admin.GetAsync("/api/v1/audit/verify");
        Assert.True((await verify.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("isValid").GetBoolean());
    }

    [SkippableFact]
    public async Task PythonClient_FromOfficialProto_ModelInferEqualsRest_AndIsLogged()
    {
        using var output = new TempDirectory("oip-grpc-py");
        var root = RepositoryRoot.Find();
        var script = Path.Combine(root, "tests", "Ferry.Server.Tests", "Serving", "Grpc", "oip_grpc_client.py");
        const int Rows = 10;
        var result = await SharedPython.RunAsync(script,
            [$"127.0.0.1:{fixture.GrpcPort}", Server.Address.ToString().TrimEnd('/'), Server.AdminToken, fixture.Endpoint,
                Path.Combine(GrpcServerFixture.SharedModels, "test.csv"), Path.Combine(root, "src", "Ferry.Server", "Protos"), output.Path, Rows.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["PYTHONPATH"] = "" }, TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.ToString());
        var answer = JsonDocument.Parse(result.Output).RootElement;

        Assert.True(answer.GetProperty("live").GetBoolean());
        Assert.True(answer.GetProperty("model_ready").GetBoolean());
        Assert.Contains("model_repository", answer.GetProperty("server").GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("BYTES", answer.GetProperty("model").GetProperty("inputs").GetProperty("loan_purpose").GetString());
        var typed = answer.GetProperty("typed");
        Assert.Equal("py-typed", typed.GetProperty("id").GetString());
        Assert.Equal([Rows, 2], typed.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var rest = Doubles(answer.GetProperty("rest").GetProperty("probabilities"));
        Assert.Equal(2 * Rows, rest.Length);
        Assert.Equal(rest, Doubles(typed.GetProperty("probabilities")));
        Assert.Equal(rest, Doubles(answer.GetProperty("raw").GetProperty("probabilities")));
        Assert.True(answer.GetProperty("raw").GetProperty("typed_contents_empty").GetBoolean());

        // scikit-learn's own predict_proba for these rows (the shared set's reference outputs).
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(GrpcServerFixture.SharedModels, "gbc_pipeline_expected.json")))!;
        var reference = expected["predict_proba"]!.AsArray().Take(Rows).SelectMany(r => r!.AsArray().Select(p => p!.GetValue<double>())).ToArray();
        Assert.All(reference.Zip(rest), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 1e-5));

        Assert.Equal("READY", answer.GetProperty("index").GetProperty(fixture.Endpoint).GetProperty("state").GetString());
        var errors = answer.GetProperty("errors");
        Assert.Equal("UNAUTHENTICATED", errors.GetProperty("no_token").GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", errors.GetProperty("unknown_model").GetProperty("code").GetString());
        Assert.Equal("INVALID_ARGUMENT", errors.GetProperty("bad_datatype").GetProperty("code").GetString());
        Assert.Contains("datatype BYTES does not fit field 'income'", errors.GetProperty("bad_datatype").GetProperty("details").GetString(), StringComparison.Ordinal);

        var ids = typed.GetProperty("prediction_ids").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(Rows, ids.Count);
        await Server.WaitForPredictionLogAsync();
        using var logged = await Server.CreateAdminClient().GetAsync($"/api/v1/endpoints/{fixture.Endpoint}/predictions/{ids[^1]}");
        var prediction = await logged.AssertJsonAsync(HttpStatusCode.OK);
        // The log keeps the probabilities by class: class 1's is the row's second.
        var logged1 = prediction.GetProperty("outputs").GetProperty("probabilities").EnumerateObject().Single(p => p.Name == "1").Value.GetDouble();
        Assert.InRange(Math.Abs(rest[^1] - logged1), 0, 1e-6);
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    // The first rows of the shared test set, as text (empty = missing).
    private static List<Dictionary<string, string>> ReadRows(int count)
    {
        var lines = File.ReadLines(Path.Combine(GrpcServerFixture.SharedModels, "test.csv")).Take(count + 1).ToList();
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private ModelInferRequest Request(List<Dictionary<string, string>> rows, bool raw, string? id)
    {
        var request = new ModelInferRequest { ModelName = fixture.Endpoint, Id = id ?? "" };
        foreach (var column in rows[0].Keys)
        {
            var isText = Strings.Contains(column);
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = column, Datatype = isText ? "BYTES" : "FP32", Shape = { rows.Count, 1 } };
            request.Inputs.Add(tensor);
            if (isText)
            {
                var values = rows.Select(r => ByteString.CopyFromUtf8(r[column])).ToList();
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
                var values = rows.Select(r => r[column].Length == 0 ? float.NaN : float.Parse(r[column], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
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

    private static JsonObject RestBody(List<Dictionary<string, string>> rows)
    {
        var inputs = new JsonArray();
        foreach (var column in rows[0].Keys)
        {
            var isText = Strings.Contains(column);
            var data = new JsonArray(rows.Select(r => isText ? JsonValue.Create(r[column]) : r[column].Length == 0 ? null : (JsonNode)JsonValue.Create(float.Parse(r[column], System.Globalization.CultureInfo.InvariantCulture))).ToArray());
            inputs.Add(new JsonObject { ["name"] = column, ["datatype"] = isText ? "BYTES" : "FP32", ["shape"] = new JsonArray(rows.Count, 1), ["data"] = data });
        }

        return new JsonObject { ["inputs"] = inputs };
    }

    private static async Task<Dictionary<string, string>> IndexAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/v2/repository/index", JsonContent.Create(new { }));
        var index = await response.AssertJsonAsync(HttpStatusCode.OK);
        return index.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("state").GetString()!);
    }
}
