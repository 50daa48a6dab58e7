using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// An Open Inference Protocol inference request, checked on arrival (datatypes, shapes, element counts) and bound to
/// a model's fields: an input named like a field is that field's column (shape <c>[N]</c> or <c>[N, 1]</c>); an input
/// <c>x</c> of shape <c>[N, k]</c> fills fields <c>x_0</c>..<c>x_{k-1}</c>; a single input of shape <c>[N, F]</c>
/// (F = the model's field count, all numbers) fills every field in the model's order (a <c>[-1, n]</c> tensor input).
/// <c>data</c> may be nested or flat; <c>null</c> stands for NaN in float tensors.
/// </summary>
internal sealed class OipRequest
{
    private static readonly HashSet<string> Datatypes =
        ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES"];

    private OipRequest(string? id, List<Input> inputs, List<string>? outputs)
    {
        Id = id;
        Inputs = inputs;
        Outputs = outputs;
    }

    public string? Id { get; }

    private List<Input> Inputs { get; }

    private List<string>? Outputs { get; }

    /// <summary>Reads and checks the request.</summary>
    /// <exception cref="ValidationException">It is malformed.</exception>
    public static OipRequest Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("$", "the inference request must be a JSON object");
        }

        string? id = null;
        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
        {
            id = idElement.GetString();
        }

        if (!root.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Array || inputsElement.GetArrayLength() == 0)
        {
            throw new ValidationException("inputs", "is required: an array of {name, shape, datatype, data}");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var inputs = new List<Input>();
        var index = 0;
        foreach (var element in inputsElement.EnumerateArray())
        {
            var input = ParseInput(element, $"inputs[{index++}]", errors);
            if (input is not null)
            {
                inputs.Add(input);
            }
        }

        List<string>? outputs = null;
        if (root.TryGetProperty("outputs", out var outputsElement) && outputsElement.ValueKind == JsonValueKind.Array)
        {
            outputs = [];
            foreach (var output in outputsElement.EnumerateArray())
            {
                if (output.ValueKind == JsonValueKind.Object && output.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                {
                    outputs.Add(n.GetString()!);
                }
                else
                {
                    errors[$"outputs[{outputs.Count}]"] = ["must be an object with a string name"];
                }
            }
        }

        var rows = inputs.Select(i => i.Rows).Distinct().ToList();
        if (errors.Count == 0 && rows.Count > 1)
        {
            errors["inputs"] = [$"every input must have the same first dimension (rows); got {string.Join(", ", rows)}"];
        }

        return errors.Count > 0 ? throw new ValidationException(errors) : new OipRequest(id, inputs, outputs);
    }

    /// <summary>The request as a batch of the model's fields.</summary>
    /// <exception cref="ValidationException">It does not fit the model.</exception>
    public FeatureBatch Bind(ILoadedModel model)
    {
        var features = model.Features;
        var rows = Inputs[0].Rows;
        var builder = new BatchBuilder(features, rows);
        var seen = new bool[features.Count];
        foreach (var input in Inputs)
        {
            var targets = Targets(input, features);
            if (targets is null)
            {
                builder.Error($"inputs.{input.Name}", $"is not an input of this model (its inputs: {string.Join(", ", features.Select(f => f.Name))})");
                continue;
            }

            var width = targets.Length;
            var misfit = targets.Select(t => features[t]).FirstOrDefault(f => !Fits(input.Datatype, f.Kind));
            if (misfit is not null)
            {
                builder.Error($"inputs.{input.Name}", $"datatype {input.Datatype} does not fit field '{misfit.Name}' ({Describe(misfit.Kind)})");
                continue;
            }

            for (var i = 0; i < input.Data.Count; i++)
            {
                var feature = targets[i % width];
                seen[feature] = true;
                builder.SetColumnar(feature, i / width, input.Data[i], "inputs");
            }

            foreach (var target in targets)
            {
                seen[target] = true;
            }
        }

        for (var i = 0; i < features.Count; i++)
        {
            if (!seen[i])
            {
                builder.Error($"inputs.{features[i].Name}", "is required");
            }
        }

        if (Outputs is not null)
        {
            foreach (var output in Outputs.Where(o => !model.Signature.Outputs.Any(s => s.Name == o)))
            {
                builder.Error($"outputs.{output}", $"is not an output of this model (its outputs: {string.Join(", ", model.Signature.Outputs.Select(s => s.Name))})");
            }
        }

        return builder.Build();
    }

    /// <summary>The outputs asked for, in the order asked, or all of them.</summary>
    public IEnumerable<OutputTensor> SelectOutputs(IReadOnlyList<OutputTensor> outputs) =>
        Outputs is null ? outputs : Outputs.Select(name => outputs.FirstOrDefault(o => o.Name == name)).OfType<OutputTensor>();

    // Field indexes an input fills, in element order within a row; null when it matches none.
    private static int[]? Targets(Input input, IReadOnlyList<FeatureSpec> features)
    {
        var width = input.Shape.Length >= 2 ? input.Shape[1] : 1;
        var rank2 = input.Shape.Length == 2;
        var exact = IndexOf(features, input.Name);
        if (exact >= 0 && (input.Shape.Length <= 1 || (rank2 && width == 1)))
        {
            return [exact];
        }

        if (!rank2 || input.Shape.Length > 2)
        {
            return null;
        }

        var slots = new int[width];
        for (var c = 0; c < width; c++)
        {
            slots[c] = IndexOf(features, $"{input.Name}_{c}");
            if (slots[c] < 0)
            {
                slots = null;
                break;
            }
        }

        if (slots is not null)
        {
            return slots;
        }

        return width == features.Count && features.All(f => f.Kind is FeatureKind.Number or FeatureKind.WholeNumber)
            ? Enumerable.Range(0, width).ToArray()
            : null;
    }

    private static int IndexOf(IReadOnlyList<FeatureSpec> features, string name)
    {
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool Fits(string datatype, FeatureKind kind) => kind switch
    {
        FeatureKind.Number => datatype is not ("BYTES" or "BOOL"),
        FeatureKind.WholeNumber => datatype.StartsWith("INT", StringComparison.Ordinal) || datatype.StartsWith("UINT", StringComparison.Ordinal),
        FeatureKind.Text => datatype == "BYTES",
        _ => datatype == "BOOL",
    };

    private static string Describe(FeatureKind kind) => kind switch
    {
        FeatureKind.Number => "a number: FP16/FP32/FP64 or an integer type",
        FeatureKind.WholeNumber => "a whole number: an INT or UINT type",
        FeatureKind.Text => "text: BYTES",
        _ => "a boolean: BOOL",
    };

    private static Input? ParseInput(JsonElement element, string key, Dictionary<string, string[]> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors[key] = ["must be an object {name, shape, datatype, data}"];
            return null;
        }

        var problems = new List<string>();
        var name = element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
        if (name is null)
        {
            problems.Add("needs a string name");
        }

        var datatype = element.TryGetProperty("datatype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : null;
        if (datatype is null || !Datatypes.Contains(datatype))
        {
            problems.Add(datatype is null ? "needs a datatype" : $"has an unknown datatype '{datatype}'");
        }

        var shape = new List<int>();
        if (!element.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array)
        {
            problems.Add("needs a shape (an array of non-negative integers)");
        }
        else
        {
            foreach (var dim in s.EnumerateArray())
            {
                if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out var value) || value < 0)
                {
                    problems.Add("has a shape dimension that is not a non-negative integer");
                    break;
                }

                shape.Add(value);
            }
        }

        var data = new List<JsonElement>();
        if (!element.TryGetProperty("data", out var dataElement) || dataElement.ValueKind != JsonValueKind.Array)
        {
            problems.Add("needs data (an array, nested or flat)");
        }
        else
        {
            Flatten(dataElement, data);
        }

        var expected = shape.Aggregate(1L, (a, b) => a * b);
        if (problems.Count == 0 && expected != data.Count)
        {
            problems.Add($"has {data.Count} elements but its shape [{string.Join(", ", shape)}] needs {expected}");
        }

        if (problems.Count == 0 && shape.Count > 0 && shape[0] == 0)
        {
            problems.Add("has no rows");
        }

        if (problems.Count > 0)
        {
            errors[name is null ? key : $"inputs.{name}"] = [.. problems];
            return null;
        }

        return new Input(name!, datatype!, [.. shape], data);
    }

    private static void Flatten(JsonElement array, List<JsonElement> into)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Flatten(item, into);
            }
            else
            {
                into.Add(item);
            }
        }
    }

    private sealed record Input(string Name, string Datatype, int[] Shape, List<JsonElement> Data)
    {
        public int Rows => Shape.Length == 0 ? 1 : Shape[0];
    }
}
