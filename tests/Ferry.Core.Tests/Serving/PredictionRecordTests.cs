using Ferry.Core.Serving;
using Xunit;

namespace Ferry.Core.Tests.Serving;

/// <summary>
/// A logged record's texts: written from the served values and answer on first read (and kept), a text set explicitly
/// wins, and a record with neither says so instead of logging nothing.
/// </summary>
public sealed class PredictionRecordTests
{
    private static readonly ServedRows Served = new(
        new FeatureBatch(2, new Dictionary<string, Array>
        {
            ["age"] = new[] { 41.0, double.NaN },
            ["purpose"] = new[] { "car", "tv \"new\"" },
            ["owner"] = new[] { true, false },
            ["dependents"] = new[] { 2L, 0L },
        }),
        [new("purpose", FeatureKind.Text), new("age", FeatureKind.Number, AllowNaN: true), new("owner", FeatureKind.Boolean), new("dependents", FeatureKind.WholeNumber)]);

    [Fact]
    public void ServedRecord_WritesItsTextsOnFirstRead_InFeatureOrder()
    {
        var record = new PredictionRecord
        {
            EndpointName = "credit",
            ModelName = "m",
            Served = Served,
            ServedRow = 1,
            Answer = new RowPrediction("0", 0.25, new Dictionary<string, double> { ["0"] = 0.75, ["1"] = 0.25 }),
        };

        Assert.False(record.HasInputsText());
        Assert.False(record.HasOutputsText());
        Assert.Equal("""{"purpose":"tv \u0022new\u0022","age":null,"owner":false,"dependents":0}""", record.InputsJson);
        Assert.True(record.HasInputsText());
        Assert.Same(record.InputsJson, record.InputsJson);
        Assert.Equal("""{"label":"0","score":0.25,"probabilities":{"0":0.75,"1":0.25}}""", record.OutputsJson);
        Assert.Equal("""{"purpose":"car","age":41,"owner":true,"dependents":2}""", Served.InputsJson(0));
    }

    [Fact]
    public void TextSetExplicitly_WinsOverTheServedValues()
    {
        var record = new PredictionRecord
        {
            EndpointName = "credit",
            ModelName = "m",
            Served = Served,
            Answer = new RowPrediction("1", null, null),
            InputsJson = "{}",
            OutputsJson = """{"error":"x"}""",
        };

        Assert.True(record.HasInputsText());
        Assert.True(record.HasOutputsText());
        Assert.Equal("{}", record.InputsJson);
        Assert.Equal("""{"error":"x"}""", record.OutputsJson);
    }

    [Fact]
    public void RecordWithNeitherTextNorValues_Throws()
    {
        var record = new PredictionRecord { EndpointName = "credit", ModelName = "m" };
        Assert.Throws<InvalidOperationException>(() => record.InputsJson);
        Assert.Throws<InvalidOperationException>(() => record.OutputsJson);
    }

    [Fact]
    public void Estimates_CoverTheTextsTheyStandFor()
    {
        var answer = new RowPrediction("0", 0.25, new Dictionary<string, double> { ["0"] = 0.75, ["1"] = 0.25 });
        Assert.True(Served.EstimatedChars >= Served.InputsJson(0).Length);
        Assert.True(ServedJson.EstimatedChars(answer) >= ServedJson.Prediction(answer).Length);
    }
}
