using System.Buffers;
using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ferry.Runtimes.Onnx;

/// <summary>
/// How a graph's inputs become request fields, and how a <see cref="FeatureBatch"/> becomes input tensors.
/// </summary>
/// <remarks>
/// <para>An input of shape <c>[-1]</c> or <c>[-1, 1]</c> is one field named after the input (scikit-learn pipelines
/// with one input per column): <c>float</c>/<c>double</c> are <see cref="FeatureKind.Number"/>, <c>int64</c>/<c>int32</c>
/// <see cref="FeatureKind.WholeNumber"/>, <c>string</c> <see cref="FeatureKind.Text"/>, <c>bool</c>
/// <see cref="FeatureKind.Boolean"/>.</para>
/// <para>A <c>float</c>/<c>double</c> input of shape <c>[-1, n]</c> is n <see cref="FeatureKind.Number"/> fields.
/// When it is the graph's only such input, they are named by the metadata property <c>ferry.feature_names</c>
/// (comma-separated; it also fixes n when the graph leaves the second dimension open); otherwise they are
/// <c>&lt;input&gt;_0</c> .. <c>&lt;input&gt;_{n-1}</c>. Inputs of other shapes cannot be served.</para>
/// <para>Buffers: a column whose element type matches the request's (double, int64, bool) is passed to ONNX Runtime
/// without a copy; float inputs and packed <c>[-1, n]</c> inputs are written into arrays rented from
/// <see cref="ArrayPool{T}.Shared"/> and returned after the run. Nothing is allocated per row except strings' native
/// copies.</para>
/// </remarks>
internal sealed class OnnxInputPlan
{
    /// <summary>The metadata property naming the features of a single <c>[-1, n]</c> input.</summary>
    public const string FeatureNamesKey = "ferry.feature_names";

    private readonly Binding[] _bindings;

    private OnnxInputPlan(Binding[] bindings, IReadOnlySet<string> imputedInputs)
    {
        _bindings = bindings;
        Bindings = bindings;
        InputNames = bindings.Select(b => b.InputName).ToArray();
        Features = bindings.SelectMany(b => b.FeatureNames.Select(name =>
            new FeatureSpec(name, b.Kind, AllowNaN: b.Kind == FeatureKind.Number && imputedInputs.Contains(b.InputName)))).ToArray();
    }

    /// <summary>Graph input names, in the order <see cref="Bind"/> returns values.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The request fields, in the graph's order.</summary>
    public IReadOnlyList<FeatureSpec> Features { get; }

    /// <summary>How each graph input is fed, in the order of <see cref="InputNames"/>.</summary>
    public IReadOnlyList<Binding> Bindings { get; }

    /// <summary>Derives the plan from the session's inputs and metadata.</summary>
    /// <param name="session">The loaded graph.</param>
    /// <param name="imputedInputs">Inputs whose NaN the graph imputes (see <see cref="OnnxImputedInputs"/>): their number fields accept NaN and null.</param>
    /// <exception cref="InvalidModelException">An input cannot be fed from request fields.</exception>
    public static OnnxInputPlan Create(InferenceSession session, IReadOnlySet<string>? imputedInputs = null)
    {
        session.ModelMetadata.CustomMetadataMap.TryGetValue(FeatureNamesKey, out var namesText);
        var metadataNames = string.IsNullOrWhiteSpace(namesText)
            ? null
            : namesText.Split(',', StringSplitOptions.TrimEntries);
        var wideInputs = session.InputNames.Count(name => session.InputMetadata[name] is { Dimensions.Length: 2 } m
            && m.Dimensions[1] != 1);
        var bindings = new List<Binding>();
        foreach (var name in session.InputNames)
        {
            bindings.Add(CreateBinding(name, session.InputMetadata[name], wideInputs == 1 ? metadataNames : null));
        }

        var duplicate = bindings.SelectMany(b => b.FeatureNames).GroupBy(n => n, StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidModelException(ModelFlavor.Onnx, $"the feature name '{duplicate.Key}' is used twice.");
        }

        return new OnnxInputPlan([.. bindings], imputedInputs ?? new HashSet<string>());
    }

    /// <summary>Creates one input value per graph input; the caller disposes them and then <paramref name="rented"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing or holds the wrong type of array.</exception>
    public OrtValue[] Bind(FeatureBatch batch, RentedBuffers rented)
    {
        foreach (var binding in _bindings)
        {
            foreach (var name in binding.FeatureNames)
            {
                if (!batch.Columns.ContainsKey(name))
                {
                    throw new ArgumentException($"The batch has no column '{name}'.", nameof(batch));
                }
            }
        }

        var values = new OrtValue[_bindings.Length];
        try
        {
            for (var i = 0; i < _bindings.Length; i++)
            {
                values[i] = _bindings[i].Create(batch, rented);
            }
        }
        catch
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }

            throw;
        }

        return values;
    }

    private static Binding CreateBinding(string name, NodeMetadata metadata, string[]? metadataNames)
    {
        if (metadata.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            throw Unsupported(name, $"is a {metadata.OnnxValueType}, not a tensor");
        }

        var type = metadata.ElementDataType;
        var dims = metadata.Dimensions;
        var kind = type switch
        {
            TensorElementType.Float or TensorElementType.Double => FeatureKind.Number,
            TensorElementType.Int64 or TensorElementType.Int32 => FeatureKind.WholeNumber,
            TensorElementType.String => FeatureKind.Text,
            TensorElementType.Bool => FeatureKind.Boolean,
            _ => throw Unsupported(name, $"has the element type {type}"),
        };
        if (dims.Length == 1 || (dims.Length == 2 && dims[1] == 1))
        {
            return new Binding(name, type, kind, [name], dims.Length);
        }

        if (dims.Length != 2 || kind != FeatureKind.Number)
        {
            throw Unsupported(name, $"has the shape [{string.Join(',', dims)}] of {type}; Ferry serves one column "
                + "per input ([-1] or [-1,1]) or a float/double matrix [-1,n]");
        }

        var width = dims[1] > 0 ? dims[1] : metadataNames?.Length
            ?? throw Unsupported(name, $"has an open second dimension and no '{FeatureNamesKey}' metadata");
        string[] names;
        if (metadataNames is not null)
        {
            if (metadataNames.Length != width)
            {
                throw new InvalidModelException(ModelFlavor.Onnx,
                    $"'{FeatureNamesKey}' names {metadataNames.Length} features but input '{name}' has {width}.");
            }

            names = metadataNames;
        }
        else
        {
            names = Enumerable.Range(0, width).Select(i => $"{name}_{i}").ToArray();
        }

        return new Binding(name, type, kind, names, 2);
    }

    private static InvalidModelException Unsupported(string input, string why) =>
        new(ModelFlavor.Onnx, $"the input '{input}' {why}, which Ferry cannot fill from request fields.");

    /// <summary>One graph input fed from one or more columns.</summary>
    internal sealed class Binding(string inputName, TensorElementType type, FeatureKind kind, string[] featureNames, int rank)
    {
        public string InputName { get; } = inputName;

        /// <summary>The input's element type.</summary>
        public TensorElementType ElementType { get; } = type;

        /// <summary>1 for <c>[-1]</c>, 2 for <c>[-1, n]</c>.</summary>
        public int Rank { get; } = rank;

        public FeatureKind Kind { get; } = kind;

        public string[] FeatureNames { get; } = featureNames;

        public OrtValue Create(FeatureBatch batch, RentedBuffers rented)
        {
            var rows = batch.RowCount;
            var width = FeatureNames.Length;
            long[] shape = Rank == 1 ? [rows] : [rows, width];
            switch (ElementType)
            {
                case TensorElementType.Double when width == 1:
                    return OrtValue.CreateTensorValueFromMemory(Column<double>(batch, 0), shape);
                case TensorElementType.Int64:
                    return OrtValue.CreateTensorValueFromMemory(Column<long>(batch, 0), shape);
                case TensorElementType.Bool:
                    return OrtValue.CreateTensorValueFromMemory(Column<bool>(batch, 0), shape);
                case TensorElementType.Double:
                    {
                        var buffer = rented.Rent<double>(rows * width);
                        for (var f = 0; f < width; f++)
                        {
                            var column = Column<double>(batch, f);
                            for (var r = 0; r < rows; r++)
                            {
                                buffer[(r * width) + f] = column[r];
                            }
                        }

                        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, rows * width), shape);
                    }

                case TensorElementType.Float:
                    {
                        var buffer = rented.Rent<float>(rows * width);
                        for (var f = 0; f < width; f++)
                        {
                            var column = Column<double>(batch, f);
                            for (var r = 0; r < rows; r++)
                            {
                                buffer[(r * width) + f] = (float)column[r];
                            }
                        }

                        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, rows * width), shape);
                    }

                case TensorElementType.Int32:
                    {
                        var column = Column<long>(batch, 0);
                        var buffer = rented.Rent<int>(rows);
                        for (var r = 0; r < rows; r++)
                        {
                            buffer[r] = checked((int)column[r]);
                        }

                        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, rows), shape);
                    }

                default:
                    {
                        var column = Column<string>(batch, 0);
                        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                        for (var r = 0; r < rows; r++)
                        {
                            value.StringTensorSetElementAt((column[r] ?? "").AsSpan(), r);
                        }

                        return value;
                    }
            }
        }

        /// <summary>The batch's column for feature <paramref name="feature"/> of this input.</summary>
        /// <exception cref="ArgumentException">The batch lacks it, or holds it as another type of array.</exception>
        public T[] Column<T>(FeatureBatch batch, int feature)
        {
            var name = FeatureNames[feature];
            if (!batch.Columns.TryGetValue(name, out var column))
            {
                throw new ArgumentException($"The batch has no column '{name}'.", nameof(batch));
            }

            return column as T[] ?? throw new ArgumentException(
                $"The column '{name}' holds {column.GetType().Name}; the model needs {typeof(T).Name}[].", nameof(batch));
        }
    }
}

/// <summary>Arrays rented for one run, returned to <see cref="ArrayPool{T}.Shared"/> on dispose.</summary>
internal sealed class RentedBuffers : IDisposable
{
    private readonly List<Action> _returns = [];

    /// <summary>Rents an array of at least <paramref name="length"/> elements.</summary>
    public T[] Rent<T>(int length)
    {
        var array = ArrayPool<T>.Shared.Rent(Math.Max(length, 1));
        _returns.Add(() => ArrayPool<T>.Shared.Return(array));
        return array;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var giveBack in _returns)
        {
            giveBack();
        }

        _returns.Clear();
    }
}
