using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

// Raw, in-process, batched ONNX Runtime: the ceiling Ferry's adaptive batching is measured against.
//   dotnet Ferry.Bench.Serving.dll MODEL.onnx BATCH SECONDS [THREADS]
// Same session settings as Ferry's ONNX runtime (one intra-op and one inter-op thread, sequential, all graph
// optimisations); THREADS (default 1) threads each score one batch after another on the shared session (one thread
// is what one adaptive batcher does). Prints `RESULT raw_onnx rows_per_s=... batch=... threads=...`.
if (args.Length is < 3 or > 4)
{
    Console.Error.WriteLine("usage: Ferry.Bench.Serving MODEL.onnx BATCH SECONDS [THREADS]");
    return 2;
}

var path = args[0];
var batch = int.Parse(args[1], CultureInfo.InvariantCulture);
var seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
var threads = args.Length == 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;

using var options = new SessionOptions
{
    IntraOpNumThreads = 1,
    InterOpNumThreads = 1,
    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
};
using var session = new InferenceSession(path, options);
var input = session.InputMetadata.Keys.Single();
var width = session.InputMetadata[input].Dimensions[1];

// Credit-like rows (age, income, ...), fixed seed; a fresh input array per batch as a server would build.
var random = new Random(42);
float[] Row() =>
[
    random.Next(21, 70), random.Next(15_000, 150_000), random.Next(0, 30), (float)random.NextDouble(),
    (float)random.NextDouble(), random.Next(0, 12), random.Next(0, 3), random.Next(1_000, 40_000),
];
var rows = Enumerable.Range(0, 4096).Select(_ => Row()).ToArray();
using var runOptions = new RunOptions();

long Run(TimeSpan duration)
{
    var batches = 0L;
    var clock = Stopwatch.StartNew();
    var next = Environment.CurrentManagedThreadId * 97;
    while (clock.Elapsed < duration)
    {
        var data = new float[batch * width];
        for (var r = 0; r < batch; r++)
        {
            rows[next++ % rows.Length].CopyTo(data, r * width);
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(data, [batch, width]);
        using var results = session.Run(runOptions, [input], [tensor], session.OutputNames);
        batches++;
    }

    return batches;
}

Run(TimeSpan.FromSeconds(Math.Min(3, seconds))); // warm-up
var watch = Stopwatch.StartNew();
var counts = await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(
    () => Run(TimeSpan.FromSeconds(seconds)), TaskCreationOptions.LongRunning)));
var done = counts.Sum();
var elapsed = watch.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT raw_onnx rows_per_s={done * batch / elapsed:F0} batch={batch} threads={threads} batches={done} seconds={elapsed:F1}"));
return 0;
