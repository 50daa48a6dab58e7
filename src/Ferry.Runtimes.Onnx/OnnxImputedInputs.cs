using System.Buffers.Binary;
using System.Text;

namespace Ferry.Runtimes.Onnx;

/// <summary>
/// Finds the graph inputs whose missing values the graph itself fills: those that reach an <c>ai.onnx.ml</c>
/// <c>Imputer</c> replacing NaN (skl2onnx's <c>SimpleImputer</c>) through ops that keep each value in place
/// (<c>Cast</c>, <c>Identity</c>, <c>Reshape</c>, <c>Flatten</c>, <c>Squeeze</c>, <c>Unsqueeze</c>, <c>Concat</c>,
/// <c>FeatureVectorizer</c>). Such an input accepts NaN (and JSON <c>null</c>) at serving; others keep refusing it.
/// </summary>
/// <remarks>Reads the model's protobuf wire format directly (the graph's nodes and their attributes only).</remarks>
internal static class OnnxImputedInputs
{
    private static readonly HashSet<string> PassThrough = ["Cast", "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Concat", "FeatureVectorizer"];

    /// <summary>The names of <paramref name="inputs"/> that reach a NaN-replacing Imputer; empty when the file cannot be read.</summary>
    public static IReadOnlySet<string> Find(ReadOnlySpan<byte> model, IEnumerable<string> inputs)
    {
        List<Node> nodes;
        try
        {
            nodes = ReadNodes(model);
        }
        catch (FormatException)
        {
            return new HashSet<string>();
        }

        var consumers = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var input in node.Inputs)
            {
                if (!consumers.TryGetValue(input, out var list))
                {
                    consumers[input] = list = [];
                }

                list.Add(node);
            }
        }

        var imputed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { input };
            var pending = new Queue<string>([input]);
            while (pending.Count > 0 && !imputed.Contains(input))
            {
                foreach (var node in consumers.GetValueOrDefault(pending.Dequeue()) ?? [])
                {
                    if (node.OpType == "Imputer" && float.IsNaN(node.ReplacedValue))
                    {
                        imputed.Add(input);
                        break;
                    }

                    if (PassThrough.Contains(node.OpType))
                    {
                        foreach (var output in node.Outputs.Where(seen.Add))
                        {
                            pending.Enqueue(output);
                        }
                    }
                }
            }
        }

        return imputed;
    }

    private static List<Node> ReadNodes(ReadOnlySpan<byte> model)
    {
        var nodes = new List<Node>();
        var reader = new WireReader(model);
        while (reader.Next(out var field, out var graph))
        {
            if (field != 7)
            {
                continue;
            }

            // GraphProto: node = 1.
            var graphReader = new WireReader(graph);
            while (graphReader.Next(out var graphField, out var node))
            {
                if (graphField == 1)
                {
                    nodes.Add(ReadNode(node));
                }
            }
        }

        return nodes;
    }

    private static Node ReadNode(ReadOnlySpan<byte> bytes)
    {
        // NodeProto: input = 1, output = 2, op_type = 4, attribute = 5.
        var node = new Node();
        var reader = new WireReader(bytes);
        while (reader.Next(out var field, out var value))
        {
            switch (field)
            {
                case 1: node.Inputs.Add(Encoding.UTF8.GetString(value)); break;
                case 2: node.Outputs.Add(Encoding.UTF8.GetString(value)); break;
                case 4: node.OpType = Encoding.UTF8.GetString(value); break;
                case 5: ReadAttribute(value, node); break;
                default: break;
            }
        }

        return node;
    }

    private static void ReadAttribute(ReadOnlySpan<byte> bytes, Node node)
    {
        // AttributeProto: name = 1, f = 2 (fixed32).
        string? name = null;
        float? f = null;
        var reader = new WireReader(bytes);
        while (reader.Next(out var field, out var value))
        {
            if (field == 1)
            {
                name = Encoding.UTF8.GetString(value);
            }
            else if (field == 2 && value.Length == 4)
            {
                f = BinaryPrimitives.ReadSingleLittleEndian(value);
            }
        }

        if (name == "replaced_value_float" && f is { } replaced)
        {
            node.ReplacedValue = replaced;
        }
    }

    private sealed class Node
    {
        public List<string> Inputs { get; } = [];

        public List<string> Outputs { get; } = [];

        public string OpType { get; set; } = string.Empty;

        /// <summary>The Imputer's replaced_value_float; 0 (ONNX's default) when absent.</summary>
        public float ReplacedValue { get; set; }
    }

    /// <summary>Walks one protobuf message's fields; varints and fixed64 are skipped (their value is not needed here).</summary>
    private ref struct WireReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        /// <summary>The next length-delimited or fixed32 field (its bytes), skipping other wire types.</summary>
        public bool Next(out int field, out ReadOnlySpan<byte> value)
        {
            while (_at < _bytes.Length)
            {
                var tag = Varint();
                field = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0: Varint(); break;
                    case 1: Take(8); break;
                    case 2:
                        var length = Varint();
                        if (length > (ulong)(_bytes.Length - _at))
                        {
                            throw new FormatException("A length runs past the end of the message.");
                        }

                        value = Take((int)length);
                        return true;
                    case 5:
                        value = Take(4);
                        return true;
                    default: throw new FormatException($"Unsupported wire type {tag & 7}.");
                }
            }

            field = 0;
            value = default;
            return false;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _bytes.Length - _at)
            {
                throw new FormatException("A field runs past the end of the message.");
            }

            var slice = _bytes.Slice(_at, count);
            _at += count;
            return slice;
        }

        private ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_at >= _bytes.Length)
                {
                    throw new FormatException("A varint runs past the end of the message.");
                }

                var b = _bytes[_at++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw new FormatException("A varint is longer than 10 bytes.");
        }
    }
}
