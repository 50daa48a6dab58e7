using System.Globalization;
using Ferry.Explain.Readers.Onnx.Plans;
using Onnx;

namespace Ferry.Explain.Readers.Onnx;

/// <summary>
/// Traces a tensor of an ONNX graph back to the model's inputs through common preprocessing ops (Cast, Identity,
/// shape-only ops, Concat, FeatureVectorizer, Scaler, Imputer, Binarizer, OneHotEncoder, LabelEncoder to numbers,
/// ArrayFeatureExtractor/Gather, and Add/Sub/Mul/Div with a constant), giving each slot its source feature and a row
/// evaluator. Anything else stops the trace with a <see cref="NotSupportedException"/> naming the op and node; so
/// does a Normalizer, whose every output column depends on all of its input columns (no per-column game is exact).
/// </summary>
internal sealed class GraphTracer
{
    private static readonly HashSet<string> ShapeOnly = new(StringComparer.Ordinal) { "Identity", "Flatten", "Reshape", "Squeeze", "Unsqueeze" };
    private readonly GraphProto _graph;
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueInfoProto> _inputs = new(StringComparer.Ordinal);
    private readonly string[]? _columnNames;

    public GraphTracer(ModelProto model)
    {
        _graph = model.Graph;
        foreach (var node in _graph.Node)
        {
            foreach (var output in node.Output)
            {
                _producers[output] = node;
            }
        }

        foreach (var initializer in _graph.Initializer)
        {
            _initializers[initializer.Name] = initializer;
        }

        foreach (var input in _graph.Input.Where(i => !_initializers.ContainsKey(i.Name)))
        {
            _inputs[input.Name] = input;
        }

        var names = model.MetadataProps.FirstOrDefault(p => p.Key == "ferry.feature_names")?.Value;
        _columnNames = string.IsNullOrEmpty(names) ? null : names.Split(',').Select(n => n.Trim()).ToArray();
    }

    public TensorPlan Trace(string tensor)
    {
        if (_inputs.TryGetValue(tensor, out var input))
        {
            return Input(input);
        }

        if (!_producers.TryGetValue(tensor, out var node))
        {
            throw new NotSupportedException($"Tensor '{tensor}' is neither a graph input nor produced by a node.");
        }

        var attributes = new OnnxAttributes(node);
        return node.OpType switch
        {
            _ when ShapeOnly.Contains(node.OpType) => Trace(node.Input[0]),
            "Cast" => Cast(node, attributes),
            "Concat" => ConcatOnFeatures(node, attributes),
            "FeatureVectorizer" => new ConcatPlan([.. node.Input.Select(Trace)]),
            "Scaler" => new ElementwisePlan(Trace(node.Input[0]), "Scaler", attributes.Floats("offset"), false, attributes.Floats("scale")),
            "Imputer" => new ImputerPlan(Trace(node.Input[0]), attributes.Floats("imputed_value_floats"), attributes.Float("replaced_value_float", 0)),
            "Binarizer" => new BinarizerPlan(Trace(node.Input[0]), attributes.Float("threshold", 0)),
            "OneHotEncoder" => OneHot(node, attributes),
            "LabelEncoder" => LabelEncoder(node, attributes),
            "Normalizer" => throw new NotSupportedException(
                $"Cannot trace features through 'Normalizer' (node '{node.Name}'): its {attributes.String("norm", "MAX")} norm divides each of "
                + "its columns by a norm of the whole row, so every column it gives depends on all of its input columns."),
            "ArrayFeatureExtractor" => new SelectPlan(Trace(node.Input[0]), Constant(node.Input[1])),
            "Gather" when attributes.Int("axis", 0) == 1 => new SelectPlan(Trace(node.Input[0]), Constant(node.Input[1])),
            "Add" or "Sub" or "Mul" or "Div" => Elementwise(node),
            _ => throw new NotSupportedException($"Cannot trace features through '{node.OpType}' (node '{node.Name}')."),
        };
    }

    private InputPlan Input(ValueInfoProto input)
    {
        var type = input.Type?.TensorType ?? throw new NotSupportedException($"Input '{input.Name}' is not a tensor.");
        var dims = type.Shape?.Dim.ToList() ?? [];
        var width = dims.Count switch
        {
            <= 1 => 1,
            2 when dims[1].HasDimValue => (int)dims[1].DimValue,
            _ => throw new NotSupportedException($"Input '{input.Name}' needs a known feature dimension [N, k]."),
        };
        var slots = width == 1
            ? [new FeatureSlot(input.Name, input.Name, input.Name)]
            : Enumerable.Range(0, width).Select(j =>
            {
                var name = _columnNames?.Length == width && _inputs.Count == 1
                    ? _columnNames[j]
                    : $"{input.Name}[{j.ToString(CultureInfo.InvariantCulture)}]";
                return new FeatureSlot(name, name, input.Name, j);
            }).ToList();
        return new InputPlan(input.Name, slots, type.ElemType == OnnxTensors.Float);
    }

    private CastPlan Cast(NodeProto node, OnnxAttributes attributes)
    {
        var to = (int)attributes.Int("to", 0);
        if (to == OnnxTensors.String)
        {
            throw new NotSupportedException($"Cannot trace a Cast to string (node '{node.Name}').");
        }

        return new CastPlan(Trace(node.Input[0]), to == OnnxTensors.Float, to is >= 2 and <= 7 or 12 or 13);
    }

    private ConcatPlan ConcatOnFeatures(NodeProto node, OnnxAttributes attributes)
    {
        var axis = attributes.Int("axis", 1);
        var parts = node.Input.Select(Trace).ToArray();

        // A OneHotEncoder on an [N, 1] column gives [N, 1, k]; skl2onnx joins those on axis 2 (or -1) and reshapes to
        // [N, Σk], which keeps the categories in order: the same slots as a feature-axis concat.
        var oneHots = parts.All(p => p is OneHotPlan) && axis is 2 or -1;
        if (axis is not (1 or -1) && !oneHots)
        {
            throw new NotSupportedException($"Concat on axis {axis} is not on the feature axis (node '{node.Name}').");
        }

        return new ConcatPlan(parts);
    }

    private OneHotPlan OneHot(NodeProto node, OnnxAttributes attributes)
    {
        var column = InputColumn(node);
        var strings = attributes.Strings("cats_strings");
        var numeric = strings.Length == 0;
        var categories = numeric
            ? attributes.Ints("cats_int64s").Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray()
            : strings;
        return new OneHotPlan(column.Input!, column.Source, categories, numeric, attributes.Int("zeros", 1) != 0);
    }

    /// <summary>
    /// LabelEncoder as skl2onnx emits it for OrdinalEncoder: keys (strings, int64s or floats) to int64 or float
    /// codes, one column (an input, or one column picked from a Concat of inputs by ArrayFeatureExtractor).
    /// </summary>
    private LabelEncoderPlan LabelEncoder(NodeProto node, OnnxAttributes attributes)
    {
        var textKeys = attributes.Strings("keys_strings");
        double[] numberKeys = [.. attributes.Floats("keys_floats"), .. attributes.Ints("keys_int64s").Select(k => (double)k)];
        double[] values = [.. attributes.Ints("values_int64s").Select(v => (double)v), .. attributes.Floats("values_floats")];
        if (attributes.Strings("values_strings").Length > 0 || values.Length == 0 || values.Length != textKeys.Length + numberKeys.Length)
        {
            throw new NotSupportedException($"LabelEncoder '{node.Name}' does not map its keys one to one onto numbers.");
        }

        var fallback = attributes.Has("values_int64s") ? attributes.Int("default_int64", -1) : attributes.Float("default_float", -0.0);
        if (textKeys.Length > 0)
        {
            // String keys read the row's own text for the column, so the column must be a graph input's.
            _ = InputColumn(node);
        }

        return new LabelEncoderPlan(Trace(node.Input[0]), textKeys, numberKeys, values, fallback);
    }

    /// <summary>The one input column (a graph input of width 1) that a categorical op reads, possibly through a Concat and an ArrayFeatureExtractor.</summary>
    private FeatureSlot InputColumn(NodeProto node)
    {
        var plan = Trace(node.Input[0]);
        return plan is { Width: 1 } && plan.Slots[0] is { Input: not null, Column: null } slot && _inputs.ContainsKey(slot.Input)
            ? slot
            : throw new NotSupportedException($"{node.OpType} '{node.Name}' must read one graph input column.");
    }

    private ElementwisePlan Elementwise(NodeProto node)
    {
        var firstConstant = _initializers.ContainsKey(node.Input[0]);
        var secondConstant = _initializers.ContainsKey(node.Input[1]);
        if (firstConstant == secondConstant)
        {
            throw new NotSupportedException($"'{node.OpType}' node '{node.Name}' must combine one tensor with one constant.");
        }

        var inner = Trace(node.Input[firstConstant ? 1 : 0]);
        var constant = OnnxTensors.ToDoubles(_initializers[node.Input[firstConstant ? 0 : 1]]);
        if (constant.Length != 1 && constant.Length != inner.Width)
        {
            throw new NotSupportedException($"'{node.OpType}' node '{node.Name}' broadcasts a constant across slots.");
        }

        return new ElementwisePlan(inner, node.OpType, constant, firstConstant);
    }

    private int[] Constant(string name) => _initializers.TryGetValue(name, out var tensor)
        ? [.. OnnxTensors.ToDoubles(tensor).Select(v => (int)v)]
        : throw new NotSupportedException($"Column indices '{name}' are not a constant.");
}
