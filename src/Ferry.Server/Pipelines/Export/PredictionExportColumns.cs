using System.Text.Json;
using Ferry.Core.Signatures;
using Ferry.Server.Pipelines.Datasets;

namespace Ferry.Server.Pipelines.Export;

/// <summary>
/// The column layout of a prediction export, decided from a first pass over the window: <c>prediction_id</c>,
/// <c>timestamp</c>, <c>model_name</c>, <c>model_version</c>, <c>latency_micros</c>, one column per input feature,
/// <c>label</c>, <c>score</c>, one <c>probability_{class}</c> per class seen, <c>feedback_label</c>,
/// <c>feedback_value</c>, <c>feedback_received_at</c>, <c>subject_hash</c>, <c>erased_at</c>.
/// </summary>
/// <remarks>
/// Input columns are the union of the answering versions' signature inputs (in version order) and the fields seen in
/// the logged inputs (in order of first appearance); a version without a field leaves it null. A field's type is the
/// one its per-row scalar signature inputs give when every version in the window has a signature and all that name
/// the field agree; otherwise it is read from the logged JSON values: numbers double, true/false bool, and strings or
/// a mix string (JSON text). An input whose name is a fixed column's, or starts with <c>probability_</c>, is written
/// as <c>input_{name}</c>.
/// </remarks>
public sealed class PredictionExportColumns
{
    /// <summary>The fixed columns before the inputs.</summary>
    public static readonly string[] Leading = ["prediction_id", "timestamp", "model_name", "model_version", "latency_micros"];

    /// <summary>The fixed output columns after the inputs (the probabilities follow them).</summary>
    public static readonly string[] Outputs = ["label", "score"];

    /// <summary>The fixed columns after the probabilities.</summary>
    public static readonly string[] Trailing = ["feedback_label", "feedback_value", "feedback_received_at", "subject_hash", "erased_at"];

    /// <summary>The prefix of a class's probability column.</summary>
    public const string ProbabilityPrefix = "probability_";

    private readonly DatasetColumns _logged = new();
    private readonly List<string> _classes = [];
    private readonly HashSet<string> _classSet = new(StringComparer.Ordinal);
    private readonly SortedSet<(string Model, int Version)> _versions = [];

    /// <summary>The input fields, in column order (set by <see cref="Resolve"/>).</summary>
    public IReadOnlyList<string> Fields { get; private set; } = [];

    /// <summary>Each input field's type, aligned with <see cref="Fields"/> (set by <see cref="Resolve"/>).</summary>
    public IReadOnlyList<ExportKind> Kinds { get; private set; } = [];

    /// <summary>The probability classes, in order of first appearance.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>The (model, version) pairs that answered in the window.</summary>
    public IReadOnlyCollection<(string Model, int Version)> Versions => _versions;

    /// <summary>Rows seen by the first pass.</summary>
    public long Rows { get; private set; }

    /// <summary>Notes one logged row's version, input fields and probability classes.</summary>
    public void Observe(string model, int version, string inputsJson, string outputsJson)
    {
        Rows++;
        _versions.Add((model, version));
        using (var inputs = JsonDocument.Parse(inputsJson))
        {
            _logged.Observe(inputs.RootElement);
        }

        using var outputs = JsonDocument.Parse(outputsJson);
        if (outputs.RootElement.ValueKind == JsonValueKind.Object
            && outputs.RootElement.TryGetProperty("probabilities", out var probabilities)
            && probabilities.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in probabilities.EnumerateObject())
            {
                if (_classSet.Add(p.Name))
                {
                    _classes.Add(p.Name);
                }
            }
        }
    }

    /// <summary>
    /// Fixes the input columns and their types from the logged values and the versions' signatures
    /// (<paramref name="signatures"/>: one per entry of <see cref="Versions"/>, null where a version has none).
    /// </summary>
    public void Resolve(IReadOnlyList<ModelSignature?> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var declared = new Dictionary<string, HashSet<ExportKind?>>(StringComparer.Ordinal);
        foreach (var signature in signatures)
        {
            foreach (var input in signature?.Inputs ?? [])
            {
                if (seen.Add(input.Name))
                {
                    order.Add(input.Name);
                }

                if (!declared.TryGetValue(input.Name, out var kinds))
                {
                    declared[input.Name] = kinds = [];
                }

                kinds.Add(KindOf(input));
            }
        }

        order.AddRange(_logged.Fields.Where(seen.Add));
        var allSigned = signatures.All(s => s is not null);
        Fields = order;
        Kinds = [.. order.Select(field =>
            allSigned && declared.TryGetValue(field, out var kinds) && kinds.Count == 1 && kinds.Single() is { } agreed
                ? agreed
                : _logged.KindOf(field) switch
                {
                    FieldKind.Number => ExportKind.Double,
                    FieldKind.Boolean => ExportKind.Bool,
                    _ => ExportKind.Text,
                })];
    }

    /// <summary>The column an input field is written as.</summary>
    public static string ColumnOf(string field) =>
        Leading.Contains(field, StringComparer.Ordinal) || Outputs.Contains(field, StringComparer.Ordinal)
        || Trailing.Contains(field, StringComparer.Ordinal) || field.StartsWith(ProbabilityPrefix, StringComparison.Ordinal)
            ? "input_" + field
            : field;

    /// <summary>Every column name in file order.</summary>
    public IReadOnlyList<string> Names() =>
        [.. Leading, .. Fields.Select(ColumnOf), .. Outputs, .. _classes.Select(c => ProbabilityPrefix + c), .. Trailing];

    /// <summary>A per-row scalar signature input's kind; null for tensors and containers (logged as JSON arrays or objects).</summary>
    private static ExportKind? KindOf(TensorSpec spec)
    {
        if (spec.Shape.Count > 2 || (spec.Shape.Count == 2 && spec.Shape[1] != 1) || spec.Shape.Count == 0)
        {
            return null;
        }

        return spec.ElementType switch
        {
            ElementTypes.Float32 => ExportKind.Float,
            ElementTypes.Float64 => ExportKind.Double,
            ElementTypes.Int8 or ElementTypes.Int16 or ElementTypes.Int32 or ElementTypes.UInt8 or ElementTypes.UInt16 => ExportKind.Int,
            ElementTypes.Int64 or ElementTypes.UInt32 => ExportKind.Long,
            ElementTypes.Bool => ExportKind.Bool,
            ElementTypes.String => ExportKind.Text,
            _ => null,
        };
    }
}
