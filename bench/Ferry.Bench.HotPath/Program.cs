using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Ferry.Core.Serving;
using Ferry.Runtimes.Onnx;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;
using Ferry.Statistics.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;

// Where one predict's CPU time goes, stage by stage, on the real model and the real request body (records_1.json: a
// single-row request; records_100.json: a 100-row one, each stage per request), one thread, no HTTP (Kestrel, auth
// and routing are what the echo route costs too):
//   dotnet Ferry.Bench.HotPath.dll MODEL.onnx RECORDS.json [MILLISECONDS_PER_STAGE=1500]
// Prints, per stage, the median of 5 rounds in microseconds per call and the bytes allocated per call.
if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: Ferry.Bench.HotPath MODEL.onnx RECORDS.json [MILLISECONDS_PER_STAGE]");
    return 2;
}

var body = File.ReadAllBytes(args[1]);
var budget = TimeSpan.FromMilliseconds(args.Length == 3 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 1500);
await using var file = File.OpenRead(args[0]);
using var model = await new OnnxModelRuntime().LoadAsync(file);
using var parsed = JsonDocument.Parse(body);
var records = parsed.RootElement.GetProperty("records");
var batch = RecordValidator.FromRecords(records, model.Features, "records");
var result = model.Predict(batch);

// The floor: ONNX Runtime's own Run on the same row, inputs created once (Ferry's session settings).
using var options = new SessionOptions
{
    IntraOpNumThreads = 1,
    InterOpNumThreads = 1,
    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
};
using var session = new InferenceSession(args[0], options);
using var runOptions = new RunOptions();
var inputNames = session.InputNames.ToArray();
var outputNames = session.OutputNames.ToArray();
OrtValue CreateInput(string name)
{
    var column = batch.Columns[name];
    if (column is string[] text)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [1, 1]);
        value.StringTensorSetElementAt(text[0].AsSpan(), 0);
        return value;
    }

    return OrtValue.CreateTensorValueFromMemory([(float)((double[])column)[0]], [1, 1]);
}

var fixedInputs = inputNames.Select(CreateInput).ToArray();
var inputPlan = OnnxInputPlan.Create(session);
var outputPlan = OnnxOutputPlan.Create(session);
using var rowInputs = new OnnxRowInputs(inputPlan.Bindings);
using var fixedOutputs = session.Run(runOptions, inputNames, fixedInputs, outputNames);

using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
var metrics = new ServingMetrics(services.GetRequiredService<IMeterFactory>());
using var listener = new MeterListener(); // as the Prometheus exporter listens in the server
listener.InstrumentPublished = (instrument, l) => l.EnableMeasurementEvents(instrument);
listener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
listener.SetMeasurementEventCallback<int>((_, _, _, _) => { });
listener.SetMeasurementEventCallback<double>((_, _, _, _) => { });
listener.Start();
var output = new ArrayBufferWriter<byte>(4096);
var id = Guid.CreateVersion7();
var profile = DatasetProfile.Empty(ProfileFolding.KindsOnly(model.Features));

var stages = new (string Name, Action Body)[]
{
    ("echo route's body work: parse + write back", () =>
    {
        using var document = JsonDocument.Parse(body);
        output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(output);
        document.RootElement.WriteTo(writer);
    }),
    ("parse request JSON", () => JsonDocument.Parse(body).Dispose()),
    ("validate + bind to FeatureBatch (RecordValidator)", () => RecordValidator.FromRecords(records, model.Features, "records")),
    ("model.Predict (inputs, ORT Run, outputs)", () => model.Predict(batch)),
    ("ORT Run alone, inputs made once (the floor)", () => session.Run(runOptions, inputNames, fixedInputs, outputNames).Dispose()),
    ("ORT: make 20 input OrtValues + Run", () =>
    {
        var inputs = inputNames.Select(CreateInput).ToArray();
        session.Run(runOptions, inputNames, inputs, outputNames).Dispose();
        foreach (var input in inputs)
        {
            input.Dispose();
        }
    }),
    ("Ferry's batch binding: OnnxInputPlan.Bind + dispose", () =>
    {
        using var rented = new RentedBuffers();
        foreach (var value in inputPlan.Bind(batch, rented))
        {
            value.Dispose();
        }
    }),
    ("Ferry's one-row binding: OnnxRowInputs.Fill", () => rowInputs.Fill(batch)),
    ("Ferry's outputs: OnnxOutputPlan.Map", () => outputPlan.Map(fixedOutputs, 1)),
    ("prediction-log rows (inputs kept as served values, outputs JSON), every row of the request", () =>
    {
        using var json = new RowJson();
        _ = new ServedRows(batch, model.Features);
        for (var i = 0; i < batch.RowCount; i++)
        {
            _ = json.Outputs(result.Rows[i]);
        }
    }),
    ("prediction-log inputs JSON as the router wrote it before (for comparison), every row", () =>
    {
        var served = new ServedRows(batch, model.Features);
        for (var i = 0; i < batch.RowCount; i++)
        {
            _ = served.InputsJson(i);
        }
    }),
    ("answer JSON", () =>
    {
        output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartArray("predictions");
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("model", "credit-pipeline");
        writer.WriteNumber("version", 1);
        RowJson.WritePrediction(writer, result.Rows[0], open: false);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }),
    ("request metrics (counter + 2 histograms)", () => metrics.Request("credit", 1, Router.Outcomes.Ok, 0.001, 1)),
    ("prediction ids: Guid v7", () => Guid.CreateVersion7()),
    ("profile fold (background collector, per request)", () => ProfileFolding.Fold(profile, batch, result)),
};

Console.WriteLine($"| stage | µs per call | bytes allocated per call |");
Console.WriteLine("| --- | ---: | ---: |");
foreach (var (name, stage) in stages)
{
    for (var i = 0; i < 2000; i++)
    {
        stage();
    }

    var rounds = new List<(double Micros, double Bytes)>();
    for (var round = 0; round < 5; round++)
    {
        var calls = 0L;
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < budget / 5)
        {
            for (var i = 0; i < 100; i++)
            {
                stage();
            }

            calls += 100;
        }

        rounds.Add((clock.Elapsed.TotalMicroseconds / calls, (double)(GC.GetAllocatedBytesForCurrentThread() - bytes) / calls));
    }

    var median = rounds.OrderBy(r => r.Micros).ElementAt(2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median.Micros:F2} | {median.Bytes:F0} |"));
}

foreach (var input in fixedInputs)
{
    input.Dispose();
}

return 0;
