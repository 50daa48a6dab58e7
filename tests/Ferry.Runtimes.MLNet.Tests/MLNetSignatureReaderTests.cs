using Ferry.Core.Signatures;
using Microsoft.ML;

namespace Ferry.Runtimes.MLNet.Tests;

/// <summary>Trains a tiny real model, saves it as a registry would receive it, and reads its signature back.</summary>
public sealed class MLNetSignatureReaderTests
{
    private static readonly string[] Purposes = ["car", "home", "education"];

    private readonly MLNetSignatureReader _reader = new();

    [Fact]
    public void Flavor_Always_IsMLNet() => Assert.Equal(ModelFlavor.MLNet, _reader.Flavor);

    [Fact]
    public async Task ReadAsync_TrainedBinaryClassifier_ReturnsInputColumnsWithTypesAndShapes()
    {
        var signature = await _reader.ReadAsync(new MemoryStream(TrainAndSave()));

        Assert.Equal(
            [
                new TensorSpec("Age", "float32", [-1]),
                new TensorSpec("Income", "float64", [-1]),
                new TensorSpec("Purpose", "string", [-1]),
                new TensorSpec("History", "float32", [-1, 3]),
                new TensorSpec("Label", "bool", [-1], Optional: true),
            ],
            signature.Inputs);
    }

    [Fact]
    public async Task ReadAsync_TrainedBinaryClassifier_ReturnsColumnsTheModelAdds()
    {
        var signature = await _reader.ReadAsync(new MemoryStream(TrainAndSave()));

        var outputs = signature.Outputs.ToDictionary(o => o.Name);
        Assert.Equal(new TensorSpec("Score", "float32", [-1]), outputs["Score"]);
        Assert.Equal(new TensorSpec("Probability", "float32", [-1]), outputs["Probability"]);
        Assert.Equal(new TensorSpec("PredictedLabel", "bool", [-1]), outputs["PredictedLabel"]);
        Assert.Equal(new TensorSpec("IncomeSingle", "float32", [-1]), outputs["IncomeSingle"]);
        Assert.Equal(new TensorSpec("PurposeEncoded", "float32", [-1, Purposes.Length]), outputs["PurposeEncoded"]);
        Assert.Equal(new TensorSpec("Features", "float32", [-1, 2 + Purposes.Length + 3]), outputs["Features"]);
        Assert.Equal(6, signature.Outputs.Count);
        Assert.DoesNotContain(signature.Outputs, o => o.Name is "Age" or "Purpose" or "Label");
    }

    [Fact]
    public async Task ReadAsync_NonSeekableStream_ReadsTheSameSignature()
    {
        var bytes = TrainAndSave();

        var fromNonSeekable = await _reader.ReadAsync(new NonSeekableStream(bytes));

        Assert.Equal(await _reader.ReadAsync(new MemoryStream(bytes)), fromNonSeekable);
    }

    [Fact]
    public async Task ReadAsync_ModelSavedWithoutInputSchema_ThrowsInvalidModelExceptionSayingHowToSave()
    {
        var context = new MLContext(seed: 0);
        var (model, _) = Train(context);
        using var stream = new MemoryStream();
        context.Model.Save(model, inputSchema: null, stream);

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => _reader.ReadAsync(new MemoryStream(stream.ToArray())));

        Assert.Contains("without its input schema", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TruncatedZip_ThrowsInvalidModelException()
    {
        var bytes = TrainAndSave();

        var ex = await Assert.ThrowsAsync<InvalidModelException>(
            () => _reader.ReadAsync(new MemoryStream(bytes[..(bytes.Length / 2)])));

        Assert.Equal(ModelFlavor.MLNet, ex.Flavor);
        Assert.StartsWith("The file is not a readable ML.NET model: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ReadAsync_RandomBytes_ThrowsInvalidModelException(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => _reader.ReadAsync(new MemoryStream(bytes)));

        Assert.NotNull(ex.InnerException);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task ReadAsync_ZipWithoutModel_ThrowsInvalidModelException()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = await archive.CreateEntry("readme.txt").OpenAsync();
            await entry.WriteAsync("not a model"u8.ToArray());
        }

        await Assert.ThrowsAsync<InvalidModelException>(() => _reader.ReadAsync(new MemoryStream(zip.ToArray())));
    }

    [Fact]
    public async Task ReadAsync_EmptyStream_ThrowsInvalidModelExceptionSayingEmpty()
    {
        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => _reader.ReadAsync(new MemoryStream()));

        Assert.Equal("the file is empty.", ex.Reason);
    }

    [Fact]
    public async Task ReadAsync_FileOverLimit_ThrowsInvalidModelExceptionNamingLimit()
    {
        var reader = new MLNetSignatureReader(new MLNetSignatureReaderOptions { MaxModelBytes = 1000 });

        var ex = await Assert.ThrowsAsync<InvalidModelException>(() => reader.ReadAsync(new NonSeekableStream(TrainAndSave())));

        Assert.Contains("1,000-byte limit", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] TrainAndSave()
    {
        var context = new MLContext(seed: 0);
        var (model, data) = Train(context);
        using var stream = new MemoryStream();
        context.Model.Save(model, data.Schema, stream);
        return stream.ToArray();
    }

    private static (ITransformer Model, IDataView Data) Train(MLContext context)
    {
        var random = new Random(42);
        var rows = Enumerable.Range(0, 50).Select(i =>
        {
            var age = 20 + random.Next(50);
            var income = 20_000 + random.Next(80_000);
            return new LoanApplication
            {
                Age = age,
                Income = income,
                Purpose = Purposes[i % Purposes.Length],
                History = [random.Next(5), random.Next(5), random.Next(5)],
                Label = income < 50_000 && age < 40,
            };
        }).ToList();
        var data = context.Data.LoadFromEnumerable(rows);
        var pipeline = context.Transforms.Conversion.ConvertType("IncomeSingle", "Income", Microsoft.ML.Data.DataKind.Single)
            .Append(context.Transforms.Categorical.OneHotEncoding("PurposeEncoded", "Purpose"))
            .Append(context.Transforms.Concatenate("Features", "Age", "IncomeSingle", "PurposeEncoded", "History"))
            .Append(context.Transforms.NormalizeMinMax("Features"))
            .Append(context.BinaryClassification.Trainers.SdcaLogisticRegression(maximumNumberOfIterations: 10));
        return (pipeline.Fit(data), data);
    }

    /// <summary>A stream that cannot seek, like an HTTP request body.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
