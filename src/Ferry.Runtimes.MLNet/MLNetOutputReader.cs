using System.Globalization;
using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ferry.Runtimes.MLNet;

/// <summary>Reads ML.NET's prediction columns into <see cref="RowPrediction"/>s and raw <see cref="OutputTensor"/>s.</summary>
/// <remarks>
/// <para>The task is told from the output schema once: a scalar <c>Score</c> with a Boolean <c>PredictedLabel</c> is a
/// <b>binary</b> classifier: <see cref="RowPrediction.Label"/> is <c>"true"</c>/<c>"false"</c>,
/// <see cref="RowPrediction.Score"/> the calibrated <c>Probability</c> (the raw score when the model has no
/// calibrator) and the probabilities <c>{"false": 1-p, "true": p}</c>. A vector <c>Score</c> with a key (or, after
/// <c>MapKeyToValue</c>, text) <c>PredictedLabel</c> is <b>multiclass</b>: the label is the key's value and the probabilities are the scores by
/// the <c>Score</c> column's slot names. A scalar <c>Score</c> alone is a <b>regression</b> (or ranking) score.</para>
/// <para>Raw outputs are those columns as tensors: <c>PredictedLabel</c> (<c>bool</c>, or <c>string</c> for keys),
/// <c>Score</c> and <c>Probability</c> (<c>float32</c>, <c>[rows]</c> or <c>[rows, k]</c>).</para>
/// </remarks>
internal sealed class MLNetOutputReader
{
    private const string LabelName = "PredictedLabel";
    private const string ScoreName = "Score";
    private const string ProbabilityName = "Probability";

    private readonly bool _binary;
    private readonly bool _multiclass;
    private readonly bool _hasScore;
    private readonly bool _hasProbability;
    private readonly string[] _classes = [];

    public MLNetOutputReader(DataViewSchema output)
    {
        var label = output.GetColumnOrNull(LabelName);
        var score = output.GetColumnOrNull(ScoreName);
        var probability = output.GetColumnOrNull(ProbabilityName);
        _hasScore = score?.Type == NumberDataViewType.Single;
        _hasProbability = probability?.Type == NumberDataViewType.Single;
        _binary = _hasScore && label?.Type is BooleanDataViewType;
        if (score?.Type is VectorDataViewType { ItemType: NumberDataViewType item } vector && item == NumberDataViewType.Single
            && label?.Type is KeyDataViewType or TextDataViewType && vector.IsKnownSize)
        {
            _multiclass = true;
            var names = default(VBuffer<ReadOnlyMemory<char>>);
            if (score.Value.HasSlotNames())
            {
                score.Value.GetSlotNames(ref names);
            }

            var slots = names.DenseValues().Select(n => n.ToString()).ToArray();
            _classes = slots.Length == vector.Size
                ? slots
                : Enumerable.Range(0, vector.Size).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
    }

    /// <summary>Reads every row of the transformed view.</summary>
    public InferenceResult Read(IDataView transformed, int rows)
    {
        var schema = transformed.Schema;
        var active = new List<DataViewSchema.Column>();
        foreach (var name in new[] { LabelName, ScoreName, ProbabilityName })
        {
            if (schema.GetColumnOrNull(name) is { } column)
            {
                active.Add(column);
            }
        }

        var predictions = new RowPrediction[rows];
        var raw = new List<OutputTensor>(3);
        using var cursor = transformed.GetRowCursor(active);
        if (_multiclass)
        {
            ReadMulticlass(cursor, schema, predictions, raw);
        }
        else if (_hasScore)
        {
            ReadScalar(cursor, schema, predictions, raw);
        }
        else
        {
            Array.Fill(predictions, new RowPrediction(null, null, null));
        }

        return new InferenceResult(predictions, raw);
    }

    private void ReadScalar(DataViewRowCursor cursor, DataViewSchema schema, RowPrediction[] predictions, List<OutputTensor> raw)
    {
        var rows = predictions.Length;
        var scoreGetter = cursor.GetGetter<float>(schema[ScoreName]);
        var probabilityGetter = _binary && _hasProbability ? cursor.GetGetter<float>(schema[ProbabilityName]) : null;
        var labelGetter = _binary ? cursor.GetGetter<bool>(schema[LabelName]) : null;
        var scores = new float[rows];
        var probabilities = probabilityGetter is null ? null : new float[rows];
        var labels = labelGetter is null ? null : new bool[rows];
        for (var r = 0; r < rows && cursor.MoveNext(); r++)
        {
            scoreGetter(ref scores[r]);
            probabilityGetter?.Invoke(ref probabilities![r]);
            labelGetter?.Invoke(ref labels![r]);
            if (labels is null)
            {
                predictions[r] = new RowPrediction(null, scores[r], null);
                continue;
            }

            double p = probabilities?[r] ?? scores[r];
            var byClass = probabilities is null ? null : new Dictionary<string, double>(2, StringComparer.Ordinal)
            {
                ["false"] = 1 - p,
                ["true"] = p,
            };
            predictions[r] = new RowPrediction(labels[r] ? "true" : "false", p, byClass);
        }

        if (labels is not null)
        {
            raw.Add(new OutputTensor(LabelName, ElementTypes.Bool, [rows], labels));
        }

        raw.Add(new OutputTensor(ScoreName, ElementTypes.Float32, [rows], scores));
        if (probabilities is not null)
        {
            raw.Add(new OutputTensor(ProbabilityName, ElementTypes.Float32, [rows], probabilities));
        }
    }

    private void ReadMulticlass(DataViewRowCursor cursor, DataViewSchema schema, RowPrediction[] predictions, List<OutputTensor> raw)
    {
        var rows = predictions.Length;
        var k = _classes.Length;
        var labelColumn = schema[LabelName];
        var keyValues = default(VBuffer<ReadOnlyMemory<char>>);
        if (labelColumn.HasKeyValues())
        {
            labelColumn.GetKeyValues(ref keyValues);
        }

        var keyNames = keyValues.DenseValues().Select(v => v.ToString()).ToArray();
        var keyGetter = labelColumn.Type is KeyDataViewType ? cursor.GetGetter<uint>(labelColumn) : null;
        var textGetter = keyGetter is null ? cursor.GetGetter<ReadOnlyMemory<char>>(labelColumn) : null;
        var text = default(ReadOnlyMemory<char>);
        var scoreGetter = cursor.GetGetter<VBuffer<float>>(schema[ScoreName]);
        var scores = new float[rows * k];
        var labels = new string[rows];
        var buffer = default(VBuffer<float>);
        uint key = 0;
        for (var r = 0; r < rows && cursor.MoveNext(); r++)
        {
            scoreGetter(ref buffer);
            buffer.CopyTo(scores.AsSpan(r * k, k));
            if (keyGetter is not null)
            {
                keyGetter(ref key);
                labels[r] = key == 0 ? "" : key <= keyNames.Length ? keyNames[key - 1] : (key - 1).ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                textGetter!(ref text);
                labels[r] = text.ToString();
            }
            var byClass = new Dictionary<string, double>(k, StringComparer.Ordinal);
            for (var c = 0; c < k; c++)
            {
                byClass[_classes[c]] = scores[(r * k) + c];
            }

            predictions[r] = new RowPrediction(labels[r], null, byClass);
        }

        raw.Add(new OutputTensor(LabelName, ElementTypes.String, [rows], labels));
        raw.Add(new OutputTensor(ScoreName, ElementTypes.Float32, [rows, k], scores));
    }
}
