using Microsoft.ML.OnnxRuntime;

namespace Ferry.Runtimes.Onnx;

/// <summary>How <see cref="OnnxModelRuntime"/> opens sessions for serving.</summary>
public sealed class OnnxModelRuntimeOptions
{
    /// <summary>Threads one inference may use inside an operator. The default, 1, suits serving many small requests
    /// concurrently (parallelism comes from requests, not from splitting one tiny tree walk); raise it for large
    /// batches or large networks.</summary>
    public int IntraOpNumThreads { get; set; } = 1;

    /// <summary>Threads used to run independent graph branches in parallel; 1 runs the graph sequentially.</summary>
    public int InterOpNumThreads { get; set; } = 1;

    /// <summary>Graph optimisation applied when the session is created; all optimisations by default.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>The largest model file loaded, in bytes (ONNX Runtime needs the whole file in memory). The default
    /// is the largest array .NET allocates, just under 2 GiB.</summary>
    public long MaxModelBytes { get; set; } = Array.MaxLength;
}
