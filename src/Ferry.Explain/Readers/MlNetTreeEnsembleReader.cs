using System.Reflection;
using Ferry.Explain.Trees;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Ferry.Explain.Readers;

/// <summary>
/// Reads the tree ensemble of a fitted or loaded ML.NET model whose predictor is a regression-tree ensemble
/// (FastTree binary/regression/Tweedie, LightGBM), optionally wrapped in a Platt calibrator. FastTree's rule is
/// <c>x ≤ threshold</c> goes left (a NaN goes right); a negative child is <c>~leaf</c>. The Score is
/// <c>Bias + Σ TreeWeights[t] × tree_t(x)</c>. Source features come from the feature column's slot names
/// (<c>Concatenate</c> names a vector column's slots <c>column.slot</c>, e.g. <c>purpose_onehot.car</c>): a slot
/// belongs to the longest input column name it equals or starts with followed by '.' or '_' (so
/// <c>purpose_onehot.car</c> → <c>purpose</c>), else to the part before its first '.', unless the caller maps it.
/// </summary>
public static class MlNetTreeEnsembleReader
{
    /// <summary>Reads the ensemble of <paramref name="model"/> (a chain ending in a tree predictor).</summary>
    /// <param name="model">A fitted pipeline or a model loaded with <c>MLContext.Model.Load</c>.</param>
    /// <param name="inputSchema">The schema of the model's input (raw columns), used for slot names and sources.</param>
    /// <param name="sourceOfColumn">Optional map from a vector column (e.g. <c>purpose_onehot</c>) to its source feature.</param>
    public static MlNetTreeModel Read(ITransformer model, DataViewSchema inputSchema, IReadOnlyDictionary<string, string>? sourceOfColumn = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var predictor = FindPredictor(model)
            ?? throw new NotSupportedException("The model has no single-feature prediction transformer.");
        var (trees, slope, offset) = Unwrap(predictor.Model);
        var outputSchema = model.GetOutputSchema(inputSchema);
        var featureColumn = outputSchema.GetColumnOrNull(predictor.FeatureColumnName)
            ?? throw new NotSupportedException($"The output schema has no '{predictor.FeatureColumnName}' column.");
        var featureCount = featureColumn.Type is VectorDataViewType { Size: > 0 } vector
            ? vector.Size
            : throw new NotSupportedException($"Column '{featureColumn.Name}' is not a fixed-size vector.");
        var groups = Groups(featureColumn, featureCount, inputSchema, sourceOfColumn);
        var ensemble = trees.TrainedTreeEnsemble;
        var raw = new TreeEnsemble(
            ensemble.Trees.Select((t, i) => Convert(t, ensemble.TreeWeights[i], 1.0)),
            featureCount,
            [ensemble.Bias],
            PostTransform.None,
            groups.SlotNames,
            slope is null && predictor.Model is not FastTreeBinaryModelParameters ? ExplanationSpaces.Value : ExplanationSpaces.RawMargin);
        TreeEnsemble? calibrated = null;
        if (slope is { } a && offset is { } b)
        {
            calibrated = new TreeEnsemble(
                ensemble.Trees.Select((t, i) => Convert(t, ensemble.TreeWeights[i], -a)),
                featureCount,
                [(-a * ensemble.Bias) - b],
                PostTransform.Logistic,
                groups.SlotNames,
                ExplanationSpaces.LogOdds);
        }

        return new MlNetTreeModel(raw, calibrated, groups, predictor.FeatureColumnName, slope, offset);
    }

    /// <summary>
    /// The feature vectors the trees read for each row of <paramref name="data"/> (raw input rows): the model is
    /// applied and <paramref name="featureColumnName"/> is read back as doubles.
    /// </summary>
    public static double[][] ReadFeatures(ITransformer model, IDataView data, string featureColumnName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var transformed = model.Transform(data);
        return [.. transformed.GetColumn<VBuffer<float>>(featureColumnName).Select(v =>
        {
            var dense = new double[v.Length];
            foreach (var (index, value) in v.Items())
            {
                dense[index] = value;
            }

            return dense;
        })];
    }

    private static ISingleFeaturePredictionTransformer<object>? FindPredictor(ITransformer model)
    {
        if (model is ISingleFeaturePredictionTransformer<object> predictor)
        {
            return predictor;
        }

        if (model is IEnumerable<ITransformer> chain)
        {
            return chain.Select(FindPredictor).LastOrDefault(p => p is not null);
        }

        return null;
    }

    private static (TreeEnsembleModelParametersBasedOnRegressionTree Trees, double? Slope, double? Offset) Unwrap(object model)
    {
        if (model is TreeEnsembleModelParametersBasedOnRegressionTree trees)
        {
            return (trees, null, null);
        }

        if (model is CalibratedModelParametersBase)
        {
            // The generic arguments differ between fitted and loaded models, so read SubModel/Calibrator by name.
            var type = model.GetType();
            while (type is not null && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(CalibratedModelParametersBase<,>)))
            {
                type = type.BaseType;
            }

            const BindingFlags declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
            var sub = type?.GetProperty("SubModel", declared)?.GetValue(model);
            var calibrator = type?.GetProperty("Calibrator", declared)?.GetValue(model);
            if (sub is TreeEnsembleModelParametersBasedOnRegressionTree inner && calibrator is PlattCalibrator platt)
            {
                return (inner, platt.Slope, platt.Offset);
            }

            throw new NotSupportedException($"Calibrated model {sub?.GetType().Name} with {calibrator?.GetType().Name} is not a regression-tree ensemble with a Platt calibrator.");
        }

        throw new NotSupportedException($"Predictor {model.GetType().Name} is not a regression-tree ensemble.");
    }

    private static DecisionTree Convert(RegressionTreeBase tree, double weight, double scale)
    {
        var internalNodes = tree.NumberOfNodes;
        var leaves = tree.NumberOfLeaves;
        var arrays = new TreeArrays(internalNodes + leaves, 1);
        int Index(int child) => child >= 0 ? child : internalNodes + ~child;
        for (var node = 0; node < internalNodes; node++)
        {
            if (tree.CategoricalSplitFlags.Count > node && tree.CategoricalSplitFlags[node])
            {
                throw new NotSupportedException("Categorical splits are not supported.");
            }

            arrays.Left[node] = Index(tree.LeftChild[node]);
            arrays.Right[node] = Index(tree.RightChild[node]);
            arrays.Features[node] = tree.NumericalSplitFeatureIndexes[node];
            arrays.Thresholds[node] = tree.NumericalSplitThresholds[node];
            arrays.Rules[node] = SplitRule.LessOrEqual;
        }

        for (var leaf = 0; leaf < leaves; leaf++)
        {
            var node = internalNodes + leaf;
            arrays.Left[node] = arrays.Right[node] = -1;
            arrays.Values[node] = tree.LeafValues[leaf] * weight * scale;
        }

        return arrays.Build();
    }

    private static FeatureGroups Groups(DataViewSchema.Column column, int count, DataViewSchema inputSchema, IReadOnlyDictionary<string, string>? overrides)
    {
        var names = new string[count];
        if (column.HasSlotNames())
        {
            var buffer = default(VBuffer<ReadOnlyMemory<char>>);
            column.GetSlotNames(ref buffer);
            foreach (var (index, value) in buffer.Items(all: true))
            {
                names[index] = value.ToString();
            }
        }

        var inputs = inputSchema.Select(c => c.Name).OrderByDescending(n => n.Length).ToArray();
        return new FeatureGroups(names.Select((name, i) => Slot(string.IsNullOrEmpty(name) ? $"{column.Name}[{i}]" : name, inputs, overrides)));
    }

    private static FeatureSlot Slot(string name, string[] inputs, IReadOnlyDictionary<string, string>? overrides)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var column = dot > 0 ? name[..dot] : name;
        var category = dot > 0 ? name[(dot + 1)..] : null;
        if (overrides is not null && overrides.TryGetValue(column, out var mapped))
        {
            return new FeatureSlot(name, mapped, column, null, category);
        }

        var source = inputs.FirstOrDefault(input => name == input
            || (name.Length > input.Length && name.StartsWith(input, StringComparison.Ordinal) && name[input.Length] is '.' or '_'));
        return new FeatureSlot(name, source ?? column, column, null, category);
    }
}
