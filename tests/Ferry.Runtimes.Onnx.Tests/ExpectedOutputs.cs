using System.Text.Json;
using Ferry.Core.Serving;

namespace Ferry.Runtimes.Onnx.Tests;

/// <summary>A model's inputs and the producing library's outputs, as saved by tests/testdata/make_serving_models.py.</summary>
public sealed class ExpectedOutputs
{
    private readonly JsonElement _features;

    private ExpectedOutputs(JsonElement root)
    {
        _features = root.GetProperty("features");
        Classes = root.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Labels = root.GetProperty("labels").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Probabilities = root.GetProperty("probabilities").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(p => p.GetDouble()).ToArray()).ToArray();
    }

    public string[] Classes { get; }

    public string[] Labels { get; }

    public double[][] Probabilities { get; }

    public int RowCount => Labels.Length;

    public static ExpectedOutputs Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", name)));
        return new ExpectedOutputs(document.RootElement.Clone());
    }

    /// <summary>Builds the batch the model's features ask for from the saved inputs.</summary>
    public FeatureBatch Batch(IReadOnlyList<FeatureSpec> features, int? rows = null, int skip = 0)
    {
        var count = rows ?? RowCount - skip;
        var columns = new Dictionary<string, Array>(StringComparer.Ordinal);
        foreach (var feature in features)
        {
            var values = _features.GetProperty(feature.Name).EnumerateArray().Skip(skip).Take(count).ToArray();
            columns[feature.Name] = feature.Kind switch
            {
                FeatureKind.Number => values.Select(v => v.GetDouble()).ToArray(),
                FeatureKind.WholeNumber => values.Select(v => v.GetInt64()).ToArray(),
                FeatureKind.Text => values.Select(v => v.GetString()!).ToArray(),
                _ => values.Select(v => v.GetBoolean()).ToArray(),
            };
        }

        return new FeatureBatch(count, columns);
    }
}
