using Ferry.Core.Serving;
using Ferry.Explain;

namespace Ferry.Server.Explain;

/// <summary>Explains a model version's answers row by row, per source feature (the fields callers send).</summary>
public abstract class RowExplainer
{
    /// <summary>tree-path-dependent, linear-exact or kernel-shap.</summary>
    public abstract string Method { get; }

    /// <summary>What the numbers add up to: log-odds, raw-margin, probability or value.</summary>
    public abstract string Space { get; }

    /// <summary>How covers or the background were obtained, for the reader.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// The class labels when each class of a multiclass model is explained (see <see cref="ExplainClasses"/>);
    /// <see langword="null"/> when one output is explained (binary classifiers, regressors).
    /// </summary>
    public virtual IReadOnlyList<string>? Classes => null;

    /// <summary>
    /// One explanation per row, with <see cref="Explanation.FeatureNames"/> the model's features; for a multiclass
    /// model, that of the row's predicted class (the largest output).
    /// </summary>
    public virtual IReadOnlyList<Explanation> Explain(FeatureBatch batch) =>
        [.. ExplainClasses(batch).Select(c => c[PredictedIndex(c)])];

    /// <summary>
    /// Per row, one explanation per entry of <see cref="Classes"/> (in that order), or a single explanation when
    /// <see cref="Classes"/> is <see langword="null"/>.
    /// </summary>
    public abstract IReadOnlyList<IReadOnlyList<Explanation>> ExplainClasses(FeatureBatch batch);

    /// <summary>The index of the class with the largest output (the first on a tie): the predicted class.</summary>
    public static int PredictedIndex(IReadOnlyList<Explanation> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var best = 0;
        for (var k = 1; k < classes.Count; k++)
        {
            if (classes[k].Output > classes[best].Output)
            {
                best = k;
            }
        }

        return best;
    }
}

/// <summary>
/// An exact explainer over the model's own feature vector (TreeSHAP, linear SHAP): each row is rebuilt as that vector,
/// explained, and the slots are summed back onto the source features.
/// </summary>
public sealed class VectorRowExplainer : RowExplainer
{
    private readonly string _method;
    private readonly string _space;
    private readonly Func<double[], Explanation[]> _explain;
    private readonly Func<FeatureBatch, double[][]> _featurize;
    private readonly FeatureGroups _groups;
    private readonly IReadOnlyList<string>? _classes;

    /// <summary>An explainer of one output.</summary>
    /// <param name="method">The method's name (e.g. tree-path-dependent).</param>
    /// <param name="space">The space of the explained output (e.g. log-odds).</param>
    /// <param name="explain">Explains one feature vector.</param>
    /// <param name="featurize">The feature vector of every row of a batch.</param>
    /// <param name="groups">Slot → source feature.</param>
    public VectorRowExplainer(string method, string space, Func<double[], Explanation> explain, Func<FeatureBatch, double[][]> featurize, FeatureGroups groups)
        : this(method, space, x => [explain(x)], null, featurize, groups)
    {
        ArgumentNullException.ThrowIfNull(explain);
    }

    /// <summary>An explainer of every class of a multiclass model.</summary>
    /// <param name="method">The method's name (e.g. tree-path-dependent).</param>
    /// <param name="space">The space of the explained outputs (e.g. raw-margin).</param>
    /// <param name="explainClasses">Explains one feature vector, one explanation per class, in <paramref name="classes"/>' order.</param>
    /// <param name="classes">The class labels.</param>
    /// <param name="featurize">The feature vector of every row of a batch.</param>
    /// <param name="groups">Slot → source feature.</param>
    public VectorRowExplainer(string method, string space, Func<double[], Explanation[]> explainClasses, IReadOnlyList<string>? classes, Func<FeatureBatch, double[][]> featurize, FeatureGroups groups)
    {
        ArgumentNullException.ThrowIfNull(explainClasses);
        ArgumentNullException.ThrowIfNull(featurize);
        ArgumentNullException.ThrowIfNull(groups);
        _method = method;
        _space = space;
        _explain = explainClasses;
        _classes = classes;
        _featurize = featurize;
        _groups = groups;
    }

    /// <inheritdoc />
    public override string Method => _method;

    /// <inheritdoc />
    public override string Space => _space;

    /// <inheritdoc />
    public override IReadOnlyList<string>? Classes => _classes;

    /// <summary>The interventional variant of a tree explainer, against background rows, when offered.</summary>
    public VectorRowExplainer? Interventional { get; init; }

    /// <summary>
    /// The explained model's final outputs (after its post-transform, e.g. class probabilities) for one feature
    /// vector, computed in double precision from the same trees or coefficients the explanations use, when offered.
    /// </summary>
    public Func<double[], double[]>? Outputs { get; init; }

    /// <summary>The tree ensemble the explanations walk, for a tree explainer.</summary>
    public Ferry.Explain.Trees.TreeEnsemble? Ensemble { get; init; }

    /// <summary>Which source feature each slot of the feature vector comes from (every slot from exactly one), when offered with <see cref="Outputs"/>.</summary>
    public FeatureGroups? SlotGroups { get; init; }

    /// <summary>The feature vector of every row of <paramref name="batch"/>, as the explanations see it.</summary>
    public double[][] FeatureVectors(FeatureBatch batch) => _featurize(batch);

    /// <inheritdoc />
    public override IReadOnlyList<IReadOnlyList<Explanation>> ExplainClasses(FeatureBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return [.. _featurize(batch).Select(x => (IReadOnlyList<Explanation>)[.. _explain(x).Select(_groups.Group)])];
    }
}

/// <summary>
/// Model-agnostic KernelSHAP on the served model's score (a binary classifier's positive-class probability, or a
/// regressor's value) against background rows from the reference sample, with its estimation error per feature.
/// </summary>
/// <param name="model">The served model.</param>
/// <param name="background">Background rows (cells in feature order).</param>
/// <param name="options">Sample count and seed.</param>
/// <param name="space">probability or value.</param>
public sealed class KernelRowExplainer(ILoadedModel model, IReadOnlyList<object?[]> background, Ferry.Explain.Shap.KernelShapOptions options, string space) : RowExplainer
{
    /// <inheritdoc />
    public override string Method => ExplanationMethods.KernelShap;

    /// <inheritdoc />
    public override string Space => space;

    /// <summary>Coalition samples per row.</summary>
    public int SampleCount => options.SampleCount;

    /// <summary>Why no exact method explains this model (e.g. the graph node that could not be traced), when one was tried.</summary>
    public string? FallbackReason { get; init; }

    /// <summary>The note for <paramref name="samples"/> coalition samples, <paramref name="rows"/> background rows and an optional fallback reason.</summary>
    public static string Describe(int samples, int rows, string? fallbackReason) =>
        $"KernelSHAP with {samples} coalition samples against {rows} reference rows; exact when every coalition fits in the samples, else each attribution carries its bootstrap standard error"
        + (fallbackReason is null ? string.Empty : $"; not exact because {fallbackReason}");

    /// <summary>The same explainer with another number of coalition samples per row.</summary>
    public KernelRowExplainer WithSamples(int samples) =>
        new(model, background, options with { SampleCount = samples }, space)
        {
            FallbackReason = FallbackReason,
            Note = Describe(samples, background.Count, FallbackReason),
        };

    /// <inheritdoc />
    public override IReadOnlyList<IReadOnlyList<Explanation>> ExplainClasses(FeatureBatch batch) =>
        [.. Explain(batch).Select(e => (IReadOnlyList<Explanation>)[e])];

    /// <inheritdoc />
    public override IReadOnlyList<Explanation> Explain(FeatureBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var kernel = new Ferry.Explain.Shap.KernelShap(options);
        var names = model.Features.Select(f => f.Name).ToArray();
        return [.. BatchRows.Cells(batch, model.Features).Select(row => kernel.Explain(Score, row, background, null, space) with { FeatureNames = names })];
    }

    /// <summary>The model's score for rows of cells.</summary>
    public double[] Score(object?[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = model.Predict(BatchRows.FromCells(rows, model.Features));
        return [.. result.Rows.Select(r => r.Score ?? throw new InvalidOperationException("The model answers no score (a binary classifier's probability or a regressor's value) to explain."))];
    }
}
