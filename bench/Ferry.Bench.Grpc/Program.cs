// The gRPC benchmark's load client (bench/grpc/run.sh): for each case (rows per request x concurrent callers) it runs
// OIP ModelInfer over gRPC (typed contents, one HTTP/2 channel) and POST /v2/models/{name}/infer over REST (JSON, HTTP/1.1
// connections) for the same time on the same rows, and prints requests/s, rows/s and latency percentiles as Markdown.
//   Ferry.Bench.Grpc REST_URL GRPC_URL TOKEN ENDPOINT TEST_CSV SECONDS
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ferry.Server.Endpoints.Serving.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

if (args.Length < 6)
{
    Console.Error.WriteLine("usage: Ferry.Bench.Grpc REST_URL GRPC_URL TOKEN ENDPOINT TEST_CSV SECONDS");
    return 2;
}

var (restUrl, grpcUrl, token, endpoint, csv) = (args[0], args[1], args[2], args[3], args[4]);
var seconds = double.Parse(args[5], CultureInfo.InvariantCulture);
string[] strings = ["home_ownership", "loan_purpose", "employment_type"];
var lines = File.ReadLines(csv).Take(101).ToList();
var header = lines[0].Split(',');
var table = lines.Skip(1).Select(l => l.Split(',')).ToList();

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(restUrl) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
using var channel = GrpcChannel.ForAddress(grpcUrl, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
var auth = new Metadata { { "authorization", $"Bearer {token}" } };

Console.WriteLine("| case | transport | requests/s | rows/s | p50 ms | p99 ms | refused (log full) |");
Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
foreach (var rows in new[] { 1, 100 })
{
    var grpcRequest = GrpcRequest(rows);
    var restBody = Encoding.UTF8.GetBytes(RestBody(rows));
    foreach (var callers in new[] { 1, 16 })
    {
        var name = $"{rows} row{(rows == 1 ? "" : "s")}, c{callers}";
        Report(name, "gRPC ModelInfer", rows, await RunAsync(callers, async () =>
        {
            try
            {
                await client.ModelInferAsync(grpcRequest, auth);
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }));
        Report(name, "REST /v2 infer", rows, await RunAsync(callers, async () =>
        {
            using var content = new ByteArrayContent(restBody);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync($"/v2/models/{endpoint}/infer", content);
            if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
            {
                return false;
            }

            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            return true;
        }));
    }
}

return 0;

// Answered calls' latencies, and how many were refused because the prediction log's buffer stayed full (503 / UNAVAILABLE).
async Task<(List<double> Latencies, int Refused)> RunAsync(int callers, Func<Task<bool>> call)
{
    for (var i = 0; i < 20; i++)
    {
        await call(); // warm-up: connections, JIT, the model loaded
    }

    await Task.Delay(TimeSpan.FromSeconds(2)); // let the prediction log drain what the previous case queued

    var deadline = Stopwatch.StartNew();
    var latencies = new List<double>[callers];
    var refused = 0;
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async c =>
    {
        latencies[c] = [];
        while (deadline.Elapsed.TotalSeconds < seconds)
        {
            var started = Stopwatch.GetTimestamp();
            if (await call())
            {
                latencies[c].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                Interlocked.Increment(ref refused);
            }
        }
    }));
    return ([.. latencies.SelectMany(l => l).Order()], refused);
}

void Report(string name, string transport, int rows, (List<double> Latencies, int Refused) run)
{
    var latencies = run.Latencies;
    var rate = latencies.Count / seconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {transport} | {rate:F0} | {rate * rows:F0} | {Percentile(latencies, 0.5):F2} | {Percentile(latencies, 0.99):F2} | {run.Refused} |"));
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)(sorted.Count * p)];

ModelInferRequest GrpcRequest(int rows)
{
    var request = new ModelInferRequest { ModelName = endpoint };
    for (var c = 0; c < header.Length; c++)
    {
        var text = strings.Contains(header[c]);
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = header[c], Datatype = text ? "BYTES" : "FP32", Shape = { rows, 1 }, Contents = new InferTensorContents() };
        foreach (var row in table.Take(rows))
        {
            if (text)
            {
                tensor.Contents.BytesContents.Add(ByteString.CopyFromUtf8(row[c]));
            }
            else
            {
                tensor.Contents.Fp32Contents.Add(row[c].Length == 0 ? float.NaN : float.Parse(row[c], CultureInfo.InvariantCulture));
            }
        }

        request.Inputs.Add(tensor);
    }

    return request;
}

string RestBody(int rows)
{
    var inputs = new JsonArray();
    for (var c = 0; c < header.Length; c++)
    {
        var text = strings.Contains(header[c]);
        var data = new JsonArray(table.Take(rows).Select(r => text ? JsonValue.Create(r[c]) : r[c].Length == 0 ? null : (JsonNode)JsonValue.Create(float.Parse(r[c], CultureInfo.InvariantCulture))).ToArray());
        inputs.Add(new JsonObject { ["name"] = header[c], ["datatype"] = text ? "BYTES" : "FP32", ["shape"] = new JsonArray(rows, 1), ["data"] = data });
    }

    return new JsonObject { ["inputs"] = inputs }.ToJsonString();
}
