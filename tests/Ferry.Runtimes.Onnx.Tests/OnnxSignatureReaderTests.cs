using Ferry.Core.Signatures;

namespace Ferry.Runtimes.Onnx.Tests;

/// <summary>Reads the real models made by tests/testdata/make_onnx_models.py and checks what the script declared.</summary>
public sealed class OnnxSignatureReaderTests
{
    private readonly OnnxSignatureReader _reader = new();

    [Fact]
    public void Flavor_Always_IsOnnx() => Assert.Equal(ModelFlavor.Onnx, _reader.Flavor);

    [Fact]
    public async Task ReadAsync_LinearModel_ReturnsFloatInputWithDynamicBatchAndBothOutputs()
    {
        var signature = await ReadFileAsync("linear.onnx");

        Assert.Equal([new TensorSpec("x", "float32", [-1, 4])], signature.Inputs);
        Assert.Equal(
            [new TensorSpec("logit", "float32", [-1, 1]), new TensorSpec("probability", "float32", [-1, 1])],
            signature.Outputs);
    }

    [Fact]
    public async Task ReadAsync_MixedTypes_MapsStringInt64BoolDoubleAndUnknownDims()
    {
        var signature = await ReadFileAsync("mixed_types.onnx");

        Assert.Equal(
            [
                new TensorSpec("purpose", "string", [-1, 1]),
                new TensorSpec("term_months", "int64", [-1, 1]),
                new TensorSpec("flag", "bool", [-1]),
            ],
            signature.Inputs);
        Assert.Equal(
            [
                new TensorSpec("purpose_out", "string", [-1, 1]),
                new TensorSpec("term_double", "float64", [-1, 1]),
                new TensorSpec("not_flag", "bool", [-1]),
            ],
            signature.Outputs);
    }

    [Fact]
    public async Task ReadAsync_ZipMapClassifier_DescribesSequenceOfMapsOutput()
    {
        var signature = await ReadFileAsync("zipmap.onnx");

        Assert.Equal([new TensorSpec("probabilities", "float32", [-1, 2])], signature.Inputs);
        Assert.Equal(
            [
                new TensorSpec("label", "int64", [-1]),
                new TensorSpec("output_probability", "seq(map(int64,float32))", []),
            ],
            signature.Outputs);
    }

    [Fact]
    public async Task ReadAsync_Signature_SurvivesJsonRoundTrip()
    {
        var signature = await ReadFileAsync("zipmap.onnx");

        var json = signature.ToJson();

        Assert.Equal(
            """{"inputs":[{"name":"probabilities","type":"float32","shape":[-1,2]}],"outputs":[{"name":"label","type":"int64","shape":[-1]},{"name":"output_probability","type":"seq(map(int64,float32))","shape":[]}]}""",
            json);
        Assert.Equal(signature, ModelSignature.FromJson(json));
    }

    [Fact]
    public async Task ReadAsync_NonSeekableStream_ReadsTheSameSignature()
    {
        var bytes = await File.ReadAllBytesAsync(TestFile("linear.onnx"));
        await using var stream = new NonSeekableStream(bytes);

        var signature = await _reader.ReadAsync(stream);

        Assert.Equal(await ReadFileAsync("linear.onnx"), signature);
    }

    [Theory]
    [InlineData("linear.onnx")]
    [InlineData("mixed_types.onnx")]
    [InlineData("zipmap.onnx")]
    public async Task ReadAsync_TruncatedFile_ThrowsInvalidModelException(string file)
    {
        var bytes = await File.ReadAllBytesAsync(TestFile(file));

        var ex = await Assert.ThrowsAsync<InvalidModelException>(
            () => _reader.ReadAsync(new MemoryStream(bytes[..(bytes.Length / 2)])));

        Assert.Equal(ModelFlavor.Onnx, ex.Flavor);
        Assert.StartsWith("The file is not a readable ONNX model: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.NotNull(ex.InnerException);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReadAsync_RandomBytes_ThrowsInvalidModelException(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => _reader.ReadAsync(new MemoryStream(bytes)));

        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task ReadAsync_TextFile_ThrowsInvalidModelException()
    {
        var bytes = "this is not a model, just a README\n"u8.ToArray();

        await Assert.ThrowsAsync<InvalidModelException>(() => _reader.ReadAsync(new MemoryStream(bytes)));
    }

    [Fact]
    public async Task ReadAsync_EmptyStream_ThrowsInvalidModelExceptionSayingEmpty()
    {
        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => _reader.ReadAsync(new MemoryStream()));

        Assert.Equal("the file is empty.", ex.Reason);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadAsync_FileOverLimit_ThrowsInvalidModelExceptionNamingLimit(bool seekable)
    {
        var reader = new OnnxSignatureReader(new OnnxSignatureReaderOptions { MaxModelBytes = 100 });
        var bytes = await File.ReadAllBytesAsync(TestFile("linear.onnx"));
        Stream stream = seekable ? new MemoryStream(bytes) : new NonSeekableStream(bytes);

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => reader.ReadAsync(stream));

        Assert.Contains("100-byte limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_FileAtLimit_IsRead()
    {
        var bytes = await File.ReadAllBytesAsync(TestFile("linear.onnx"));
        var reader = new OnnxSignatureReader(new OnnxSignatureReaderOptions { MaxModelBytes = bytes.Length });

        var signature = await reader.ReadAsync(new MemoryStream(bytes));

        Assert.Equal("x", Assert.Single(signature.Inputs).Name);
    }

    [Fact]
    public void Constructor_ZeroLimit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new OnnxSignatureReader(new OnnxSignatureReaderOptions { MaxModelBytes = 0 }));

    [Fact]
    public async Task ReadAsync_CancelledToken_ThrowsOperationCanceled()
    {
        var bytes = await File.ReadAllBytesAsync(TestFile("linear.onnx"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _reader.ReadAsync(new MemoryStream(bytes), new CancellationToken(canceled: true)));
    }

    private async Task<ModelSignature> ReadFileAsync(string file)
    {
        await using var stream = File.OpenRead(TestFile(file));
        return await _reader.ReadAsync(stream);
    }

    private static string TestFile(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", name);

    /// <summary>A stream that cannot seek, like an HTTP request body.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
