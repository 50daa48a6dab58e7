namespace Ferry.Runtimes.Onnx;

/// <summary>Limits for <see cref="OnnxSignatureReader"/>.</summary>
public sealed class OnnxSignatureReaderOptions
{
    /// <summary>The largest model file read, in bytes. ONNX Runtime needs the whole file in memory, and a single
    /// protobuf message cannot exceed 2 GiB (larger ONNX models keep their weights as external data), so the
    /// default is the largest array .NET allocates, just under 2 GiB.</summary>
    public long MaxModelBytes { get; set; } = Array.MaxLength;
}
