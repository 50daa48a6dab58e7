namespace Ferry.Runtimes.MLNet;

/// <summary>Limits for <see cref="MLNetModelRuntime"/>.</summary>
public sealed class MLNetModelRuntimeOptions
{
    /// <summary>The largest model zip loaded, in bytes (buffered because ML.NET needs a seekable stream). The default
    /// is the largest array .NET allocates, just under 2 GiB.</summary>
    public long MaxModelBytes { get; set; } = Array.MaxLength;
}
