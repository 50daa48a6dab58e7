using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Explain;
using Ferry.Explain.Readers;
using Ferry.Explain.Shap;
using Ferry.Explain.Trees;
using Ferry.Runtimes.MLNet;

namespace Ferry.Server.Explain;

/// <summary>
/// Chooses how a version is explained. Tree ensembles (ML.NET FastTree/LightGBM, ONNX TreeEnsemble graphs whose
/// inputs can be traced) get exact path-dependent TreeSHAP, with node covers counted on the reference sample (neither
/// format stores sample counts); linear ONNX models get exact linear SHAP over the sample's means; anything else gets
/// KernelSHAP on the served score against background rows from the sample. Every way needs the version's reference.
/// </summary>
public static class ExplainerFactory
{
    /// <summary>Background rows KernelSHAP averages over.</summary>
    public const int KernelBackgroundRows = 50;

    /// <summary>Background rows interventional TreeSHAP averages over.</summary>
    public const int InterventionalBackgroundRows = 100;

    /// <summary>Builds the explainer of a loaded version.</summary>
    /// <param name="model">The loaded version.</param>
    /// <param name="modelFile">Opens the version's model file (ONNX graphs are read from it).</param>
    /// <param name="sample">The reference sample.</param>
    /// <param name="kernel">KernelSHAP's options, for models that need it.</param>
    /// <param name="cancellationToken">Cancels reading the file.</param>
    /// <param name="covers">Node covers counted over every reference row (<see cref="ReferenceCovers"/>); null, or covers of
    /// other trees, counts them on the sample instead.</param>
    public static async Task<RowExplainer> CreateAsync(ILoadedModel model, Func<CancellationToken, Task<Stream>> modelFile, ReferenceSample sample, KernelShapOptions kernel, CancellationToken cancellationToken, NodeCovers? covers = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelFile);
        ArgumentNullException.ThrowIfNull(sample);
        string? fallbackReason = null;
        if (model is MLNetLoadedModel mlnet && TryMlNetTrees(mlnet, sample, covers) is { } trees)
        {
            return trees;
        }

        if (model is not MLNetLoadedModel)
        {
            byte[] bytes;
            await using (var stream = await modelFile(cancellationToken))
            using (var copy = new MemoryStream())
            {
                await stream.CopyToAsync(copy, cancellationToken);
                bytes = copy.ToArray();
            }

            if (OnnxRecipe(bytes, model, out fallbackReason) is { } onnx)
            {
                return onnx.Build(sample, covers);
            }
        }

        var background = BatchRows.Cells(sample.Batch, model.Features);
        var step = Math.Max(1, background.Length / KernelBackgroundRows);
        var picked = background.Where((_, i) => i % step == 0).Take(KernelBackgroundRows).ToArray();
        var probe = model.Predict(BatchRows.FromCells([background[0]], model.Features)).Rows[0];
        var space = probe.Probabilities is not null ? ExplanationSpaces.Probability : ExplanationSpaces.Value;
        if (probe.Score is null)
        {
            throw new ValidationException("model", "this model answers no single score (a binary classifier's probability or a regressor's value), which model-agnostic explanations need");
        }

        return new KernelRowExplainer(model, picked, kernel, space)
        {
            FallbackReason = fallbackReason,
            Note = KernelRowExplainer.Describe(kernel.SampleCount, picked.Length, fallbackReason),
        };
    }

    private static VectorRowExplainer? TryMlNetTrees(MLNetLoadedModel model, ReferenceSample sample, NodeCovers? covers)
    {
        MlNetTreeModel trees;
        try
        {
            trees = MlNetTreeEnsembleReader.Read(model.Transformer, model.InputSchema);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null;
        }

        var ensemble = trees.CalibratedEnsemble ?? trees.Ensemble;
        if (ensemble.OutputCount != 1)
        {
            return null;
        }

        double[][] Featurize(FeatureBatch batch) => MlNetTreeEnsembleReader.ReadFeatures(model.Transformer, model.View(batch), trees.FeatureColumnName);
        var rows = Featurize(sample.Batch);
        return Trees(ensemble, rows, Featurize, trees.Groups,
            trees.CalibratedEnsemble is null ? string.Empty : "; in the log-odds of the calibrated probability", covers);
    }

    /// <summary>
    /// How a loaded version will be explained, read from its model file alone (no reference needed): the exact method,
    /// or KernelSHAP with the reason no exact method applies (e.g. the graph node that stopped the trace).
    /// </summary>
    /// <param name="model">The loaded version.</param>
    /// <param name="modelFile">Opens the version's model file.</param>
    /// <param name="cancellationToken">Cancels reading the file.</param>
    public static async Task<ExplanationPlan> PlanAsync(ILoadedModel model, Func<CancellationToken, Task<Stream>> modelFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelFile);
        if (model is MLNetLoadedModel mlnet)
        {
            try
            {
                var trees = MlNetTreeEnsembleReader.Read(mlnet.Transformer, mlnet.InputSchema);
                if ((trees.CalibratedEnsemble ?? trees.Ensemble).OutputCount == 1)
                {
                    return new ExplanationPlan(ExplanationMethods.TreePathDependent, null);
                }
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
            {
                // Not a tree model: KernelSHAP, which is the designed way for ML.NET's other trainers.
            }

            return new ExplanationPlan(ExplanationMethods.KernelShap, null);
        }

        byte[] bytes;
        await using (var stream = await modelFile(cancellationToken))
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy, cancellationToken);
            bytes = copy.ToArray();
        }

        return OnnxRecipe(bytes, model, out var reason) is { } recipe
            ? new ExplanationPlan(recipe.Method, null)
            : new ExplanationPlan(ExplanationMethods.KernelShap, reason);
    }

    /// <summary>
    /// How to build the exact explainer of an ONNX tree ensemble or linear model whose input traces back to the model's
    /// inputs, or <see langword="null"/> with <paramref name="reason"/> saying which node stopped the trace (or what
    /// else failed).
    /// </summary>
    private static (string Method, Func<ReferenceSample, NodeCovers?, VectorRowExplainer> Build)? OnnxRecipe(byte[] bytes, ILoadedModel model, out string? reason)
    {
        reason = null;
        try
        {
            var trees = OnnxTreeEnsembleReader.Read(new MemoryStream(bytes));
            var classes = Classes(trees.Ensemble.OutputCount, trees.ClassLabels);
            if (trees.Featurizer is { } featurizer && (trees.Ensemble.OutputCount == 1 || classes is not null))
            {
                var featurize = Featurizer(featurizer, model);
                return (ExplanationMethods.TreePathDependent, (sample, covers) => Trees(trees.Ensemble, featurize(sample.Batch), featurize, trees.Groups, string.Empty, covers, classes));
            }

            reason = trees.TracingProblem is { } problem
                ? $"the tree ensemble's input could not be traced to the model's inputs: {problem}"
                : $"the tree ensemble has {trees.Ensemble.OutputCount} outputs but {trees.ClassLabels.Count} class labels";
            return null;
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
        {
            // Not a (traceable) tree ensemble: try the next way.
            reason = e is NotSupportedException && !e.Message.StartsWith("The model has no", StringComparison.Ordinal) ? e.Message : null;
        }

        try
        {
            var linear = OnnxLinearModelReader.Read(new MemoryStream(bytes));
            var classes = Classes(linear.Model.OutputCount, linear.ClassLabels);
            var explained = linear.Model.OutputCount == 1 || classes is not null;
            if (linear.Featurizer is null || !explained)
            {
                reason = linear.TracingProblem is { } problem
                    ? $"the linear model's input could not be traced to the model's inputs: {problem}"
                    : $"the linear model has {linear.Model.OutputCount} outputs but {linear.ClassLabels.Count} class labels";
            }

            if (linear.Featurizer is { } featurizer && explained)
            {
                var featurize = Featurizer(featurizer, model);
                var outputs = linear.Model.OutputCount;
                VectorRowExplainer Build(ReferenceSample sample, NodeCovers? _)
                {
                    var shap = new LinearShap(linear.Model, featurize(sample.Batch));
                    return new VectorRowExplainer(ExplanationMethods.LinearExact, linear.Model.MarginSpace,
                        x => [.. Enumerable.Range(0, outputs).Select(k => shap.Explain(x, k))], classes, featurize, linear.Groups)
                    {
                        Outputs = x => linear.Model.PredictTransformed(x),
                        SlotGroups = linear.Groups,
                        Note = $"exact linear SHAP against the means of {sample.Batch.RowCount} reference rows",
                    };
                }

                return (ExplanationMethods.LinearExact, Build);
            }
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
        {
            // Not a (traceable) linear model either: KernelSHAP.
            reason ??= e is NotSupportedException && !e.Message.StartsWith("The model has no", StringComparison.Ordinal) ? e.Message : null;
        }

        return null;
    }

    /// <summary>The class labels when a multiclass model's outputs are its classes, one each; else <see langword="null"/>.</summary>
    private static IReadOnlyList<string>? Classes(int outputs, IReadOnlyList<string> labels) =>
        outputs > 1 && labels.Count == outputs ? labels : null;

    private static VectorRowExplainer Interventional(TreeEnsemble ensemble, double[][] sampleRows, Func<FeatureBatch, double[][]> featurize, FeatureGroups groups, IReadOnlyList<string>? classes)
    {
        var step = Math.Max(1, sampleRows.Length / InterventionalBackgroundRows);
        var background = sampleRows.Where((_, i) => i % step == 0).Take(InterventionalBackgroundRows).ToArray();
        // Players are the source features, as for path-dependent TreeSHAP: the raw-column interventional game.
        var shap = new InterventionalTreeShap(ensemble, background, groups);
        return new VectorRowExplainer(ExplanationMethods.TreeInterventional, ensemble.MarginSpace, x => shap.ExplainAllOutputs(x), classes, featurize, FeatureGroups.Identity(groups.Sources))
        {
            Note = $"exact interventional TreeSHAP ({ensemble.Trees.Count} trees) against {background.Length} reference rows",
        };
    }

    /// <summary>
    /// Path-dependent TreeSHAP with covers counted over every reference row (or, for references stored before covers
    /// were, on the reference sample's feature vectors), with its interventional variant against part of the sample.
    /// </summary>
    private static VectorRowExplainer Trees(TreeEnsemble ensemble, double[][] sampleRows, Func<FeatureBatch, double[][]> featurize, FeatureGroups groups, string noteSuffix, NodeCovers? covers, IReadOnlyList<string>? classes = null)
    {
        // The players are the source features (a split on a one-hot slot is a split on its column), so the values are
        // the exact Shapley values of the source-feature game, not sums of slot-level values.
        var stored = covers is not null && covers.Fits(ensemble);
        var shap = new PathDependentTreeShap(stored ? CoverEstimator.WithCovers(ensemble, covers!) : CoverEstimator.WithCovers(ensemble, sampleRows), groups);
        return new VectorRowExplainer(ExplanationMethods.TreePathDependent, ensemble.MarginSpace, x => shap.ExplainAllOutputs(x), classes, featurize, FeatureGroups.Identity(groups.Sources))
        {
            Interventional = Interventional(ensemble, sampleRows, featurize, groups, classes),
            Outputs = x => ensemble.PredictTransformed(x),
            SlotGroups = groups,
            Ensemble = ensemble,
            Note = $"exact path-dependent TreeSHAP ({ensemble.Trees.Count} trees); node covers counted on {(stored ? covers!.Rows : sampleRows.Length)} reference rows{noteSuffix}",
        };
    }

    private static Func<FeatureBatch, double[][]> Featurizer(OnnxFeaturizer featurizer, ILoadedModel model) =>
        batch => [.. Enumerable.Range(0, batch.RowCount).Select(i => featurizer.Featurize(BatchRows.Row(batch, model.Features, i)))];
}

/// <summary>How a version is explained, known from its model file alone.</summary>
/// <param name="Method">tree-path-dependent, linear-exact or kernel-shap.</param>
/// <param name="FallbackReason">Why KernelSHAP and not an exact method (e.g. which graph node stopped the trace), when one was tried.</param>
public sealed record ExplanationPlan(string Method, string? FallbackReason);
