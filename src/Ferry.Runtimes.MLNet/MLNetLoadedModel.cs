using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML;

namespace Ferry.Runtimes.MLNet;

/// <summary>
/// An ML.NET model ready to score. The <see cref="ITransformer"/> is shared; every <see cref="Predict"/> wraps its
/// batch in its own <see cref="FeatureBatchDataView"/>, transforms it and reads the result with its own cursor, so
/// concurrent calls share no mutable state (unlike a <c>PredictionEngine</c>).
/// </summary>
/// <remarks>
/// <para>Fields: the saved input schema's visible columns that the model needs (an input it can do without, such as
/// the label of a trained pipeline, is left out), mapped as described on <see cref="MLNetInputColumn"/>.</para>
/// <para>Outputs are read as described on <see cref="MLNetOutputReader"/>.</para>
/// <para><see cref="ApproximateBytes"/> is four times the zip's size (the zip is compressed, and trees and
/// dictionaries expand in memory) plus 1 MiB: an estimate for the cache's budget, not a measurement.</para>
/// </remarks>
public sealed class MLNetLoadedModel : ILoadedModel
{
    private const long Overhead = 1L << 20;

    private readonly ITransformer _transformer;
    private readonly MLNetInputColumn[] _columns;
    private readonly DataViewSchema _viewSchema;
    private readonly MLNetOutputReader _outputs;

    internal MLNetLoadedModel(ITransformer transformer, DataViewSchema inputSchema, ModelSignature signature, long fileBytes)
    {
        _transformer = transformer;
        InputSchema = inputSchema;
        var optional = signature.Inputs.Where(i => i.Optional).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        _columns = inputSchema.Where(c => !c.IsHidden && !optional.Contains(c.Name)).Select(MLNetInputColumn.Create).ToArray();
        _viewSchema = FeatureBatchDataView.CreateSchema(_columns);
        try
        {
            _outputs = new MLNetOutputReader(transformer.GetOutputSchema(_viewSchema));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new InvalidModelException(ModelFlavor.MLNet, $"the model cannot score its needed inputs: {MLNetSignatureReader.Describe(ex)}", ex);
        }

        Features = _columns.SelectMany(c => c.FeatureNames.Select(n => new FeatureSpec(n, c.Kind))).ToArray();
        Signature = signature;
        ApproximateBytes = (4 * fileBytes) + Overhead;
    }

    /// <inheritdoc />
    public IReadOnlyList<FeatureSpec> Features { get; }

    /// <summary>The loaded pipeline (for explanations, which read its trees and its featurized columns).</summary>
    public ITransformer Transformer => _transformer;

    /// <summary>The input schema the model was saved with.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>A validated batch as the data view the pipeline reads.</summary>
    public IDataView View(FeatureBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var column in _columns)
        {
            column.Check(batch);
        }

        return new FeatureBatchDataView(batch, _columns, _viewSchema);
    }

    /// <inheritdoc />
    public ModelSignature Signature { get; }

    /// <inheritdoc />
    public long ApproximateBytes { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The batch lacks a column the model needs, or holds it as the wrong array type.</exception>
    public InferenceResult Predict(FeatureBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var column in _columns)
        {
            column.Check(batch);
        }

        var view = new FeatureBatchDataView(batch, _columns, _viewSchema);
        return _outputs.Read(_transformer.Transform(view), batch.RowCount);
    }

    /// <inheritdoc />
    public void Dispose() => (_transformer as IDisposable)?.Dispose();
}
