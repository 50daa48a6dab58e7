namespace Ferry.Runtimes.MLNet;

/// <summary>Limits for <see cref="MLNetSignatureReader"/>.</summary>
public sealed class MLNetSignatureReaderOptions
{
    /// <summary>The largest model zip read, in bytes; the zip is buffered in memory because ML.NET needs a seekable
    /// stream. The default is the largest array .NET allocates, just under 2 GiB.</summary>
    public long MaxModelBytes { get; set; } = Array.MaxLength;
}
