namespace Ferry.Explain.Trees;

/// <summary>
/// An additive tree ensemble: raw output k = <c>BaseValues[k] + Σ_trees leaf value k</c>, then
/// <see cref="PostTransform"/>. Binary classifiers have one output, the positive class's margin.
/// </summary>
public sealed class TreeEnsemble
{
    private readonly DecisionTree[] _trees;
    private readonly double[] _baseValues;

    /// <summary>Creates an ensemble; every tree must have <paramref name="baseValues"/>.Count outputs.</summary>
    /// <param name="trees">The trees.</param>
    /// <param name="featureCount">The length of a feature vector.</param>
    /// <param name="baseValues">The constant added to each raw output.</param>
    /// <param name="postTransform">The function turning raw outputs into final ones.</param>
    /// <param name="featureNames">Optional names, one per feature.</param>
    /// <param name="marginSpace">The explanation space of the raw output; defaults from <paramref name="postTransform"/>
    /// (<see cref="ExplanationSpaces.LogOdds"/> for logistic, <see cref="ExplanationSpaces.RawMargin"/> for softmax,
    /// <see cref="ExplanationSpaces.Value"/> for none).</param>
    public TreeEnsemble(
        IEnumerable<DecisionTree> trees,
        int featureCount,
        IReadOnlyList<double> baseValues,
        PostTransform postTransform = PostTransform.None,
        IReadOnlyList<string>? featureNames = null,
        string? marginSpace = null)
    {
        ArgumentNullException.ThrowIfNull(trees);
        ArgumentNullException.ThrowIfNull(baseValues);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        _trees = [.. trees];
        _baseValues = [.. baseValues];
        if (_baseValues.Length == 0)
        {
            throw new ArgumentException("At least one output (base value) is needed.", nameof(baseValues));
        }

        foreach (var tree in _trees)
        {
            if (tree.OutputCount != _baseValues.Length)
            {
                throw new ArgumentException($"A tree has {tree.OutputCount} outputs; the ensemble has {_baseValues.Length}.", nameof(trees));
            }

            for (var node = 0; node < tree.NodeCount; node++)
            {
                if (!tree.IsLeaf(node) && tree.FeatureArray[node] >= featureCount)
                {
                    throw new ArgumentException($"A split uses feature {tree.FeatureArray[node]}, beyond the {featureCount} features.", nameof(trees));
                }
            }
        }

        if (featureNames is not null && featureNames.Count != featureCount)
        {
            throw new ArgumentException($"Expected {featureCount} feature names, got {featureNames.Count}.", nameof(featureNames));
        }

        FeatureCount = featureCount;
        PostTransform = postTransform;
        FeatureNames = featureNames is null ? null : [.. featureNames];
        MarginSpace = marginSpace ?? postTransform switch
        {
            PostTransform.Logistic => ExplanationSpaces.LogOdds,
            PostTransform.None => ExplanationSpaces.Value,
            _ => ExplanationSpaces.RawMargin,
        };
    }

    /// <summary>The trees.</summary>
    public IReadOnlyList<DecisionTree> Trees => _trees;

    /// <summary>The length of a feature vector.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of outputs (1 for regression and binary classification, the class count otherwise).</summary>
    public int OutputCount => _baseValues.Length;

    /// <summary>The constant added to each raw output.</summary>
    public IReadOnlyList<double> BaseValues => _baseValues;

    /// <summary>The function turning raw outputs into final ones.</summary>
    public PostTransform PostTransform { get; }

    /// <summary>Feature names, when the source model has them.</summary>
    public IReadOnlyList<string>? FeatureNames { get; }

    /// <summary>The explanation space of the raw output (see <see cref="ExplanationSpaces"/>).</summary>
    public string MarginSpace { get; }

    /// <summary>Whether every tree carries covers (needed by path-dependent TreeSHAP).</summary>
    public bool HasCovers => _trees.All(t => t.Covers is not null);

    /// <summary>The deepest tree's depth.</summary>
    public int MaxDepth => _trees.Length == 0 ? 0 : _trees.Max(t => t.MaxDepth);

    internal DecisionTree[] TreeArray => _trees;

    internal double[] BaseValueArray => _baseValues;

    /// <summary>Raw outputs (margins) for <paramref name="x"/>.</summary>
    public double[] PredictRaw(ReadOnlySpan<double> x)
    {
        var raw = new double[OutputCount];
        PredictRaw(x, raw);
        return raw;
    }

    /// <summary>Writes the raw outputs (margins) for <paramref name="x"/> into <paramref name="destination"/>.</summary>
    public void PredictRaw(ReadOnlySpan<double> x, Span<double> destination)
    {
        CheckLength(x);
        _baseValues.CopyTo(destination);
        var outputs = OutputCount;
        foreach (var tree in _trees)
        {
            var offset = tree.LeafIndex(x) * outputs;
            var values = tree.ValueArray;
            for (var k = 0; k < outputs; k++)
            {
                destination[k] += values[offset + k];
            }
        }
    }

    /// <summary>Final outputs (after <see cref="PostTransform"/>) for <paramref name="x"/>.</summary>
    public double[] PredictTransformed(ReadOnlySpan<double> x)
    {
        var raw = PredictRaw(x);
        PostTransforms.Apply(PostTransform, raw, raw);
        return raw;
    }

    /// <summary>A copy whose trees are replaced by <paramref name="trees"/> (same features, outputs and transform).</summary>
    public TreeEnsemble WithTrees(IEnumerable<DecisionTree> trees) =>
        new(trees, FeatureCount, _baseValues, PostTransform, FeatureNames, MarginSpace);

    private void CheckLength(ReadOnlySpan<double> x)
    {
        if (x.Length < FeatureCount)
        {
            throw new ArgumentException($"Expected {FeatureCount} features, got {x.Length}.", nameof(x));
        }
    }
}
