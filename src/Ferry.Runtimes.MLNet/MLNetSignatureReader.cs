using System.Collections.Immutable;
using Ferry.Core.Signatures;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ferry.Runtimes.MLNet;

/// <summary>
/// Reads an ML.NET model's signature: the inputs from the input schema saved inside the model zip, the outputs
/// from the transformer's output schema over those inputs.
/// </summary>
/// <remarks>
/// <para>Inputs are the saved input schema's visible columns. An input is <see cref="TensorSpec.Optional"/> when the
/// model's output schema can still be computed without it, as for the label column of a trained pipeline.</para>
/// <para>Outputs are the visible output columns whose names are not input columns: what the model adds, such as
/// <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c>, including intermediate columns such as
/// <c>Features</c>, which a prediction engine returns too.</para>
/// <para>Types: <c>Single</c> is <c>float32</c>, <c>Double</c> <c>float64</c>, <c>Boolean</c> <c>bool</c>,
/// <c>Text</c> <c>string</c>, the integer types <c>int8</c>..<c>uint64</c>, key columns their raw unsigned type
/// (usually <c>uint32</c>), <c>DateTime</c> <c>datetime</c>. A scalar column has shape <c>[-1]</c> (one value per
/// row); a vector column <c>[-1, d1, ...]</c>, with <c>-1</c> for a variable size.</para>
/// </remarks>
public sealed class MLNetSignatureReader : IModelSignatureReader
{
    private readonly MLNetSignatureReaderOptions _options;

    /// <summary>Creates a reader.</summary>
    /// <param name="options">Limits; the defaults when null.</param>
    public MLNetSignatureReader(MLNetSignatureReaderOptions? options = null)
    {
        _options = options ?? new MLNetSignatureReaderOptions();
        ModelBytes.CheckLimit(_options.MaxModelBytes, nameof(options));
    }

    /// <inheritdoc />
    public ModelFlavor Flavor => ModelFlavor.MLNet;

    /// <inheritdoc />
    public async Task<ModelSignature> ReadAsync(Stream model, CancellationToken cancellationToken = default)
    {
        var bytes = await ModelBytes.ReadAsync(model, _options.MaxModelBytes, ModelFlavor.MLNet, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        var transformer = Load(new MLContext(seed: 0), bytes, out var inputSchema);

        if (inputSchema is null)
        {
            throw new InvalidModelException(
                ModelFlavor.MLNet,
                "the model was saved without its input schema; save it with MLContext.Model.Save(model, inputSchema, stream).");
        }

        DataViewSchema outputSchema;
        try
        {
            outputSchema = transformer.GetOutputSchema(inputSchema);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InvalidModelException(
                ModelFlavor.MLNet, $"the model does not accept its own saved input schema: {Describe(ex)}", ex);
        }

        var inputs = Visible(inputSchema)
            .Select(column => ToSpec(column, optional: IsOptional(transformer, inputSchema, column)))
            .ToArray();
        var inputNames = inputSchema.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var outputs = Visible(outputSchema)
            .Where(column => !inputNames.Contains(column.Name))
            .Select(column => ToSpec(column, optional: false))
            .ToArray();
        return new ModelSignature(inputs, outputs);
    }

    /// <summary>Loads a model zip (shared with <see cref="MLNetModelRuntime"/>), refusing one ML.NET cannot load as an invalid model.</summary>
    internal static ITransformer Load(MLContext context, byte[] bytes, out DataViewSchema? inputSchema)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return context.Model.Load(stream, out inputSchema);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // ML.NET reports a bad zip, a missing model entry or an unknown loader with several exception types.
            throw new InvalidModelException(ModelFlavor.MLNet, Describe(ex), ex);
        }
    }

    private static IEnumerable<DataViewSchema.Column> Visible(DataViewSchema schema) =>
        schema.Where(c => !c.IsHidden);

    /// <summary>Whether the model can compute its output schema from the input schema without <paramref name="column"/>.</summary>
    internal static bool IsOptional(ITransformer transformer, DataViewSchema inputSchema, DataViewSchema.Column column)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var other in inputSchema)
        {
            if (other.Index != column.Index)
            {
                builder.AddColumn(other.Name, other.Type, other.Annotations);
            }
        }

        try
        {
            transformer.GetOutputSchema(builder.ToSchema());
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static TensorSpec ToSpec(DataViewSchema.Column column, bool optional)
    {
        if (column.Type is VectorDataViewType vector)
        {
            ImmutableArray<int> dimensions = vector.Dimensions;
            int[] shape = [-1, .. dimensions.Select(d => d > 0 ? d : -1)];
            return new TensorSpec(column.Name, ElementName(vector.ItemType), shape, optional);
        }

        return new TensorSpec(column.Name, ElementName(column.Type), [-1], optional);
    }

    private static string ElementName(DataViewType type)
    {
        if (type is KeyDataViewType key)
        {
            return ElementName(RawNumberType(key.RawType) ?? NumberDataViewType.UInt32);
        }

        if (type == NumberDataViewType.Single)
        {
            return ElementTypes.Float32;
        }

        if (type == NumberDataViewType.Double)
        {
            return ElementTypes.Float64;
        }

        if (type == NumberDataViewType.SByte)
        {
            return ElementTypes.Int8;
        }

        if (type == NumberDataViewType.Int16)
        {
            return ElementTypes.Int16;
        }

        if (type == NumberDataViewType.Int32)
        {
            return ElementTypes.Int32;
        }

        if (type == NumberDataViewType.Int64)
        {
            return ElementTypes.Int64;
        }

        if (type == NumberDataViewType.Byte)
        {
            return ElementTypes.UInt8;
        }

        if (type == NumberDataViewType.UInt16)
        {
            return ElementTypes.UInt16;
        }

        if (type == NumberDataViewType.UInt32)
        {
            return ElementTypes.UInt32;
        }

        if (type == NumberDataViewType.UInt64)
        {
            return ElementTypes.UInt64;
        }

        return type switch
        {
            BooleanDataViewType => ElementTypes.Bool,
            TextDataViewType => ElementTypes.String,
            DateTimeDataViewType => ElementTypes.DateTime,
            DateTimeOffsetDataViewType => "datetimeoffset",
            TimeSpanDataViewType => "timespan",
            _ => type.ToString() ?? type.GetType().Name,
        };
    }

    private static NumberDataViewType? RawNumberType(Type raw) =>
        raw == typeof(byte) ? NumberDataViewType.Byte
        : raw == typeof(ushort) ? NumberDataViewType.UInt16
        : raw == typeof(uint) ? NumberDataViewType.UInt32
        : raw == typeof(ulong) ? NumberDataViewType.UInt64
        : null;

    internal static string Describe(Exception ex)
    {
        var message = ex.Message.AsSpan().Trim();
        var end = message.IndexOfAny('\r', '\n');
        var line = (end < 0 ? message : message[..end]).ToString();
        return line.Length == 0 ? ex.GetType().Name : line;
    }
}
