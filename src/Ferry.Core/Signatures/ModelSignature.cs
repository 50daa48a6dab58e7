using System.Text;
using System.Text.Json;

namespace Ferry.Core.Signatures;

/// <summary>
/// The typed input/output schema of a model version, read from the model file when the version is registered.
/// </summary>
/// <remarks>
/// <para>Ferry stores a signature as this JSON (see <see cref="ToJson"/>): specs in the model's declared order,
/// <c>"optional"</c> written only when true.</para>
/// <code>
/// {"inputs":[{"name":"x","type":"float32","shape":[-1,4]}],
///  "outputs":[{"name":"label","type":"int64","shape":[-1]},
///             {"name":"output_probability","type":"seq(map(int64,float32))","shape":[]}]}
/// </code>
/// <para>MLflow stores the same information as <c>{"inputs": "&lt;json string&gt;", "outputs": "&lt;json string&gt;"}</c>,
/// where each string is a JSON array of either tensor specs
/// (<c>[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "x"}]</c>) or column specs
/// (<c>[{"type": "double", "name": "age"}]</c>). Ferry's <c>type</c> is MLflow's <c>dtype</c> and <c>shape</c> is the
/// same list; a spec of shape <c>[-1]</c> is what MLflow would write as a column spec; see <see cref="TensorSpec"/>
/// and <see cref="ElementTypes"/> for the name mapping. Ferry keeps one flat format instead of MLflow's
/// JSON-in-JSON because both of Ferry's runtimes describe every input with a name, a type and a shape.</para>
/// </remarks>
/// <param name="Inputs">What the model accepts, in declared order.</param>
/// <param name="Outputs">What the model returns, in declared order.</param>
public sealed record ModelSignature(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs)
{
    /// <summary>What the model accepts, in declared order.</summary>
    public IReadOnlyList<TensorSpec> Inputs { get; init; } = Inputs?.ToArray() ?? throw new ArgumentNullException(nameof(Inputs));

    /// <summary>What the model returns, in declared order.</summary>
    public IReadOnlyList<TensorSpec> Outputs { get; init; } = Outputs?.ToArray() ?? throw new ArgumentNullException(nameof(Outputs));

    /// <inheritdoc />
    public bool Equals(ModelSignature? other) =>
        other is not null && Inputs.SequenceEqual(other.Inputs) && Outputs.SequenceEqual(other.Outputs);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var spec in Inputs.Concat(Outputs))
        {
            hash.Add(spec);
        }

        return hash.ToHashCode();
    }

    /// <summary>Writes the signature in Ferry's JSON form (described on <see cref="ModelSignature"/>).</summary>
    /// <returns>Compact JSON.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteSpecs(writer, "inputs", Inputs);
            WriteSpecs(writer, "outputs", Outputs);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads a signature written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="FormatException">The text is not a signature; the message names the JSON path at fault.</exception>
    public static ModelSignature FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("$: a signature is a JSON object with 'inputs' and 'outputs'.");
            }

            return new ModelSignature(ReadSpecs(root, "inputs"), ReadSpecs(root, "outputs"));
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The signature is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void WriteSpecs(Utf8JsonWriter writer, string property, IReadOnlyList<TensorSpec> specs)
    {
        writer.WriteStartArray(property);
        foreach (var spec in specs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", spec.Name);
            writer.WriteString("type", spec.ElementType);
            writer.WriteStartArray("shape");
            foreach (var dim in spec.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            if (spec.Optional)
            {
                writer.WriteBoolean("optional", true);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static TensorSpec[] ReadSpecs(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"$.{property}: expected an array of specs.");
        }

        var specs = new List<TensorSpec>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"$.{property}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{path}: expected an object with 'name', 'type' and 'shape'.");
            }

            var name = ReadString(item, "name", path);
            var type = ReadString(item, "type", path);
            if (!item.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{path}.shape: expected an array of integers.");
            }

            var shape = new List<int>();
            foreach (var dim in shapeElement.EnumerateArray())
            {
                if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out var size) || size < -1)
                {
                    throw new FormatException($"{path}.shape: each dimension is -1 or an integer of 0 or more.");
                }

                shape.Add(size);
            }

            var optional = false;
            if (item.TryGetProperty("optional", out var optionalElement))
            {
                optional = optionalElement.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new FormatException($"{path}.optional: expected true or false."),
                };
            }

            specs.Add(new TensorSpec(name, type, shape, optional));
        }

        return [.. specs];
    }

    private static string ReadString(JsonElement item, string property, string path) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"{path}.{property}: expected a non-empty string.");
}
