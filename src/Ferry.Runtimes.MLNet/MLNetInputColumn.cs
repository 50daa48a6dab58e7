using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ferry.Runtimes.MLNet;

/// <summary>
/// One input-schema column the model needs, and the request fields that fill it.
/// </summary>
/// <remarks>
/// <para><c>Single</c>/<c>Double</c> columns are <see cref="FeatureKind.Number"/>, signed integer columns
/// <see cref="FeatureKind.WholeNumber"/>, <c>Text</c> <see cref="FeatureKind.Text"/>, <c>Boolean</c>
/// <see cref="FeatureKind.Boolean"/>. A fixed-size vector column of n numbers is n fields named
/// <c>&lt;column&gt;_0</c> .. <c>&lt;column&gt;_{n-1}</c> (as the ONNX runtime names a <c>[-1,n]</c> input's columns).
/// Other types (keys, dates, variable-size vectors) cannot be filled from request fields.</para>
/// </remarks>
internal sealed class MLNetInputColumn
{
    private MLNetInputColumn(DataViewSchema.Column column, FeatureKind kind, string[] featureNames)
    {
        Column = column;
        Kind = kind;
        FeatureNames = featureNames;
    }

    /// <summary>The input-schema column.</summary>
    public DataViewSchema.Column Column { get; }

    /// <summary>The kind of every field filling it.</summary>
    public FeatureKind Kind { get; }

    /// <summary>The fields, one for a scalar column and one per slot for a vector.</summary>
    public string[] FeatureNames { get; }

    /// <summary>Maps a column, refusing a type Ferry cannot fill.</summary>
    public static MLNetInputColumn Create(DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType vector)
        {
            if (!vector.IsKnownSize || vector.Dimensions.Length != 1 || KindOf(vector.ItemType) != FeatureKind.Number)
            {
                throw Unsupported(column);
            }

            var names = Enumerable.Range(0, vector.Size).Select(i => $"{column.Name}_{i}").ToArray();
            return new MLNetInputColumn(column, FeatureKind.Number, names);
        }

        return new MLNetInputColumn(column, KindOf(column.Type) ?? throw Unsupported(column), [column.Name]);
    }

    /// <summary>Makes the getter a cursor returns for this column, reading row <paramref name="position"/>().</summary>
    /// <exception cref="ArgumentException">A field is missing from the batch or holds the wrong array type.</exception>
    public Delegate CreateGetter(FeatureBatch batch, Func<long> position)
    {
        var type = Column.Type;
        if (type is VectorDataViewType vector)
        {
            var width = FeatureNames.Length;
            if (vector.ItemType == NumberDataViewType.Single)
            {
                var columns = FeatureNames.Select((_, i) => Array<double>(batch, i)).ToArray();
                return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    var row = (int)position();
                    var editor = VBufferEditor.Create(ref value, width);
                    for (var i = 0; i < width; i++)
                    {
                        editor.Values[i] = (float)columns[i][row];
                    }

                    value = editor.Commit();
                });
            }

            var doubles = FeatureNames.Select((_, i) => Array<double>(batch, i)).ToArray();
            return (ValueGetter<VBuffer<double>>)((ref VBuffer<double> value) =>
            {
                var row = (int)position();
                var editor = VBufferEditor.Create(ref value, width);
                for (var i = 0; i < width; i++)
                {
                    editor.Values[i] = doubles[i][row];
                }

                value = editor.Commit();
            });
        }

        if (type == NumberDataViewType.Single)
        {
            var values = Array<double>(batch, 0);
            return (ValueGetter<float>)((ref float value) => value = (float)values[(int)position()]);
        }

        if (type == NumberDataViewType.Double)
        {
            var values = Array<double>(batch, 0);
            return (ValueGetter<double>)((ref double value) => value = values[(int)position()]);
        }

        if (type == NumberDataViewType.Int64)
        {
            var values = Array<long>(batch, 0);
            return (ValueGetter<long>)((ref long value) => value = values[(int)position()]);
        }

        if (type == NumberDataViewType.Int32)
        {
            var values = Array<long>(batch, 0);
            return (ValueGetter<int>)((ref int value) => value = checked((int)values[(int)position()]));
        }

        if (type is BooleanDataViewType)
        {
            var values = Array<bool>(batch, 0);
            return (ValueGetter<bool>)((ref bool value) => value = values[(int)position()]);
        }

        var texts = Array<string>(batch, 0);
        return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) =>
            value = (texts[(int)position()] ?? "").AsMemory());
    }

    /// <summary>Checks that every field is present with the right array type.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public void Check(FeatureBatch batch)
    {
        for (var i = 0; i < FeatureNames.Length; i++)
        {
            _ = Kind switch
            {
                FeatureKind.Number => Array<double>(batch, i),
                FeatureKind.WholeNumber => Array<long>(batch, i),
                FeatureKind.Text => Array<string>(batch, i),
                _ => (Array)Array<bool>(batch, i),
            };
        }
    }

    private T[] Array<T>(FeatureBatch batch, int feature)
    {
        var name = FeatureNames[feature];
        if (!batch.Columns.TryGetValue(name, out var column))
        {
            throw new ArgumentException($"The batch has no column '{name}'.", nameof(batch));
        }

        return column as T[] ?? throw new ArgumentException(
            $"The column '{name}' holds {column.GetType().Name}; the model needs {typeof(T).Name}[].", nameof(batch));
    }

    private static FeatureKind? KindOf(DataViewType type) =>
        type == NumberDataViewType.Single || type == NumberDataViewType.Double ? FeatureKind.Number
        : type == NumberDataViewType.Int64 || type == NumberDataViewType.Int32 ? FeatureKind.WholeNumber
        : type is TextDataViewType ? FeatureKind.Text
        : type is BooleanDataViewType ? FeatureKind.Boolean
        : null;

    private static InvalidModelException Unsupported(DataViewSchema.Column column) =>
        new(ModelFlavor.MLNet, $"the input column '{column.Name}' has the type {column.Type}, which Ferry cannot fill from request fields.");
}
