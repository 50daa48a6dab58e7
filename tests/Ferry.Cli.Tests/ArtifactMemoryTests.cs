using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Ferry.Cli.Tests.Infrastructure;
using Xunit.Abstractions;
using TestS3 = Ferry.Testing.TestS3;

namespace Ferry.Cli.Tests;

/// <summary>
/// A 200 MB artifact goes up and comes back through a real <c>ferry server</c> process while the server's peak
/// resident memory stays flat: the proof that the MLflow artifact proxy streams instead of buffering.
/// </summary>
public sealed class ArtifactMemoryTests(ITestOutputHelper output)
{
    private const long FileBytes = 200L * 1000 * 1000;
    private const long WarmUpBytes = 32L * 1024 * 1024;
    private const long AllowedGrowthBytes = 64L * 1024 * 1024;

    // The S3 store holds up to five 8 MiB part buffers (four in flight, one filling) and the SDK's own per-request
    // buffers; the bound is generous, and still far below the 200 MB that buffering the artifact would take.
    private const long AllowedS3GrowthBytes = 150L * 1024 * 1024;

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task UploadingAndDownloading200MB_KeepsServersPeakMemory_Flat()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // VmHWM comes from /proc; CI runs on Linux.
        }

        using var data = new TempDirectory("artifact-memory");
        using var server = await FerryServerProcess.StartAsync(data.Path);
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(data.Combine("admin.token")).Trim());

        // Warm up (JIT, pools, the first store write), so the baseline already holds every fixed cost.
        await RoundTripAsync(client, "1/warm/artifacts/warm-up.bin", WarmUpBytes, seed: 1);
        var before = PeakResidentBytes(server.ProcessId);

        await RoundTripAsync(client, "1/big/artifacts/model/weights.bin", FileBytes, seed: 42);
        var after = PeakResidentBytes(server.ProcessId);

        output.WriteLine($"server VmHWM: {before / 1048576.0:F1} MiB before, {after / 1048576.0:F1} MiB after a {FileBytes / 1e6:F0} MB round trip");
        Assert.True(after - before < AllowedGrowthBytes,
            $"the server's peak RSS grew by {(after - before) / 1048576.0:F1} MiB for a {FileBytes / 1e6:F0} MB artifact (allowed: {AllowedGrowthBytes / 1048576} MiB)");
        Assert.Equal(FileBytes, new FileInfo(data.Combine("artifacts", "1", "big", "artifacts", "model", "weights.bin")).Length);
    }

    [SkippableFact]
    [SupportedOSPlatform("linux")]
    public async Task UploadingAndDownloading200MB_OnS3_KeepsServersPeakMemoryBounded()
    {
        TestS3.EnsureAvailable();
        if (!OperatingSystem.IsLinux())
        {
            return; // VmHWM comes from /proc; CI runs on Linux.
        }

        using var data = new TempDirectory("artifact-memory-s3");
        using var server = await FerryServerProcess.StartAsync(data.Path, TestS3.ServerEnvironment(TestS3.NewRoot()));
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(data.Combine("admin.token")).Trim());

        // Warm up with a multipart upload too (32 MiB: four 8 MiB parts), so the part buffers are in the baseline.
        await RoundTripAsync(client, "1/warm/artifacts/warm-up.bin", WarmUpBytes, seed: 1);
        var before = PeakResidentBytes(server.ProcessId);

        await RoundTripAsync(client, "1/big/artifacts/model/weights.bin", FileBytes, seed: 42);
        var after = PeakResidentBytes(server.ProcessId);

        output.WriteLine($"server VmHWM on S3: {before / 1048576.0:F1} MiB before, {after / 1048576.0:F1} MiB after a {FileBytes / 1e6:F0} MB round trip");
        Assert.True(after - before < AllowedS3GrowthBytes,
            $"the server's peak RSS grew by {(after - before) / 1048576.0:F1} MiB for a {FileBytes / 1e6:F0} MB artifact on S3 (allowed: {AllowedS3GrowthBytes / 1048576} MiB)");
        Assert.False(Directory.Exists(data.Combine("artifacts", "1", "big")), "the artifact went to the local disk, not to S3");

        // A Range request is answered from the bucket: 206 with exactly those bytes.
        const long offset = 150_000_000;
        using var ranged = new HttpRequestMessage(HttpMethod.Get, "/api/2.0/mlflow-artifacts/artifacts/1/big/artifacts/model/weights.bin");
        ranged.Headers.Range = new RangeHeaderValue(offset, offset + 999);
        using var partial = await client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        var expected = new byte[offset + 1000];
        using (var generated = new GeneratedStream(expected.Length, 42))
        {
            generated.ReadExactly(expected);
        }

        Assert.Equal(expected.AsSpan((int)offset, 1000).ToArray(), await partial.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Uploads generated bytes (PUT, Content-Length, Expect: 100-continue) and downloads them, comparing SHA-256s taken while streaming.</summary>
    private static async Task RoundTripAsync(HttpClient client, string path, long length, ulong seed)
    {
        var url = "/api/2.0/mlflow-artifacts/artifacts/" + path;
        var source = new GeneratedStream(length, seed);
        string sent;
        using (var content = new StreamContent(source, 81920)) // disposes the source
        using (var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = content })
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = length;
            put.Headers.ExpectContinue = true;
            using var response = await client.SendAsync(put);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("{}", await response.Content.ReadAsStringAsync());
            Assert.Equal(length, source.Position);
            sent = source.Sha256();
        }

        using var get = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(length, get.Content.Headers.ContentLength);
        await using var body = await get.Content.ReadAsStreamAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long received = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            received += read;
        }

        Assert.Equal(length, received);
        Assert.Equal(sent, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>VmHWM (peak resident set size) of a process, in bytes.</summary>
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }


    /// <summary>
    /// <paramref name="length"/> pseudo-random bytes (xorshift64*) made on the fly, never held in memory, hashed as
    /// they are read.
    /// </summary>
    private sealed class GeneratedStream(long length, ulong seed) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private ulong _state = seed | 1;
        private long _position;
        private string? _digest;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        /// <summary>The SHA-256 of everything read; final once asked for or once the stream is disposed (HttpClient may dispose it).</summary>
        public string Sha256() => _digest ??= Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, length - _position) & ~7; // whole 8-byte words...
            if (count == 0)
            {
                count = (int)Math.Min(buffer.Length, length - _position); // ...except at the very end
            }

            Span<byte> word = stackalloc byte[8];
            for (var i = 0; i < count; i += 8)
            {
                _state ^= _state >> 12;
                _state ^= _state << 25;
                _state ^= _state >> 27;
                BinaryPrimitives.WriteUInt64LittleEndian(word, _state * 0x2545F4914F6CDD1DUL);
                word[..Math.Min(8, count - i)].CopyTo(buffer[i..]);
            }

            _hash.AppendData(buffer[..count]);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Sha256();
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
