using Onnx;

namespace Ferry.Explain.Readers.Onnx;

/// <summary>A node's attributes by name, with the float-or-tensor fallback the ai.onnx.ml tree ops allow.</summary>
internal sealed class OnnxAttributes(NodeProto node)
{
    private readonly Dictionary<string, AttributeProto> _byName =
        node.Attribute.GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public bool Has(string name) => _byName.ContainsKey(name);

    public long[] Ints(string name) => _byName.TryGetValue(name, out var a) ? [.. a.Ints] : [];

    public long Int(string name, long fallback) => _byName.TryGetValue(name, out var a) && a.HasI ? a.I : fallback;

    public double Float(string name, double fallback) => _byName.TryGetValue(name, out var a) && a.HasF ? a.F : fallback;

    public string[] Strings(string name) => _byName.TryGetValue(name, out var a) ? [.. a.Strings.Select(s => s.ToStringUtf8())] : [];

    public string String(string name, string fallback) => _byName.TryGetValue(name, out var a) && a.HasS ? a.S.ToStringUtf8() : fallback;

    /// <summary>Floats from <c>{name}_as_tensor</c> (double precision) when present, else from the float list.</summary>
    public double[] Floats(string name)
    {
        if (_byName.TryGetValue(name + "_as_tensor", out var tensor) && tensor.T is not null)
        {
            return OnnxTensors.ToDoubles(tensor.T);
        }

        return _byName.TryGetValue(name, out var a) ? [.. a.Floats.Select(v => (double)v)] : [];
    }
}
