using Ferry.Core.Signatures;

namespace Ferry.Runtimes.Onnx.Tests;

/// <summary>Ferry's signature JSON (Ferry.Core), checked here beside the reader that produces it.</summary>
public sealed class ModelSignatureJsonTests
{
    [Fact]
    public void ToJson_OptionalSpec_WritesOptionalOnlyWhenTrue()
    {
        var signature = new ModelSignature(
            [new TensorSpec("Label", "bool", [-1], Optional: true), new TensorSpec("Age", "float32", [-1])],
            []);

        Assert.Equal(
            """{"inputs":[{"name":"Label","type":"bool","shape":[-1],"optional":true},{"name":"Age","type":"float32","shape":[-1]}],"outputs":[]}""",
            signature.ToJson());
    }

    [Fact]
    public void FromJson_OptionalSpec_RoundTrips()
    {
        var signature = new ModelSignature([new TensorSpec("Label", "bool", [-1], Optional: true)], [new TensorSpec("s", "string", [])]);

        Assert.Equal(signature, ModelSignature.FromJson(signature.ToJson()));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "$:")]
    [InlineData("""{"inputs":[]}""", "$.outputs")]
    [InlineData("""{"inputs":[{"type":"float32","shape":[-1]}],"outputs":[]}""", "$.inputs[0].name")]
    [InlineData("""{"inputs":[],"outputs":[{"name":"y","type":"","shape":[-1]}]}""", "$.outputs[0].type")]
    [InlineData("""{"inputs":[],"outputs":[{"name":"y","type":"int64","shape":[-2]}]}""", "$.outputs[0].shape")]
    [InlineData("""{"inputs":[],"outputs":[{"name":"y","type":"int64","shape":[1.5]}]}""", "$.outputs[0].shape")]
    [InlineData("""{"inputs":[{"name":"x","type":"int64","shape":[-1],"optional":"yes"}],"outputs":[]}""", "$.inputs[0].optional")]
    public void FromJson_Malformed_ThrowsFormatExceptionNamingPath(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ModelSignature.FromJson(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TensorSpec_DimensionBelowMinusOne_Throws() =>
        Assert.Throws<ArgumentException>(() => new TensorSpec("x", "float32", [-1, -3]));

    [Fact]
    public void TensorSpec_SameShapeInDifferentArrays_AreEqual() =>
        Assert.Equal(new TensorSpec("x", "float32", [-1, 4]), new TensorSpec("x", "float32", new List<int> { -1, 4 }));

    [Fact]
    public void ToString_OptionalSpec_ShowsCompactForm() =>
        Assert.Equal("x?: float32[-1,4]", new TensorSpec("x", "float32", [-1, 4], Optional: true).ToString());
}
