using System.Buffers;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Shap;

/// <summary>
/// Exact path-dependent TreeSHAP (Lundberg, Erion &amp; Lee 2018, Algorithm 2) in polynomial time: the Shapley
/// values of v(S) = E[f(x) | x_S], where the expectation over absent features follows the training covers at each
/// split (so it needs <see cref="DecisionTree.Covers"/>; see <see cref="CoverEstimator"/>). Explains the raw
/// margin, one output at a time, in <see cref="TreeEnsemble.MarginSpace"/>; a NaN value follows the split's missing
/// direction. The base value is the cover-weighted expected margin. Thread-safe: one instance serves many threads.
/// <para>
/// With <see cref="FeatureGroups"/> the players are the source features, not the slots: a split on any slot of a
/// source (e.g. a one-hot column of a category, a scaled copy of a column) is a split on that source, so the values
/// are the exact Shapley values of the source-feature game (a source repeating along a path is handled as TreeSHAP
/// handles a repeated feature). This differs from summing slot-level values, which explain another game.
/// </para>
/// </summary>
public sealed class PathDependentTreeShap
{
    private readonly FlatForest _forest;
    private readonly double[] _expected;
    private readonly int _pathLength;
    private readonly IReadOnlyList<string>? _playerNames;

    /// <summary>Prepares <paramref name="ensemble"/> (which must carry covers) for explanation.</summary>
    public PathDependentTreeShap(TreeEnsemble ensemble)
        : this(ensemble, null)
    {
    }

    /// <summary>
    /// Prepares <paramref name="ensemble"/> (which must carry covers) for explanation with the source features of
    /// <paramref name="players"/> as players (one attribution per source); <see langword="null"/>: one per feature.
    /// </summary>
    public PathDependentTreeShap(TreeEnsemble ensemble, FeatureGroups? players)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        Ensemble = ensemble;
        if (ensemble.MaxDepth + 2 > UniquePath.MaxDepth)
        {
            throw new NotSupportedException($"Trees deeper than {UniquePath.MaxDepth - 2} are not supported.");
        }

        var game = TreePlayers.Of(ensemble, players);
        PlayerCount = game.Count;
        _playerNames = game.Names;
        _forest = new FlatForest(ensemble, requireCovers: true, game.PlayerOf);
        var outputs = ensemble.OutputCount;
        _expected = [.. ensemble.BaseValues];
        Span<double> mean = stackalloc double[outputs];
        foreach (var root in _forest.Roots)
        {
            _forest.CoverWeightedMean(root, mean);
            for (var k = 0; k < outputs; k++)
            {
                _expected[k] += mean[k];
            }
        }

        var longest = _forest.MaxDepth + 2;
        _pathLength = (longest * (longest + 1) / 2) + 1;
    }

    /// <summary>The ensemble explained.</summary>
    public TreeEnsemble Ensemble { get; }

    /// <summary>The number of attributions per output: the features, or the source features when grouped.</summary>
    public int PlayerCount { get; }

    /// <summary>The base value per output: the cover-weighted expected raw margin.</summary>
    public IReadOnlyList<double> ExpectedValues => _expected;

    /// <summary>Explains output <paramref name="output"/> of the raw margin for row <paramref name="x"/>.</summary>
    public Explanation Explain(ReadOnlySpan<double> x, int output = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(output, Ensemble.OutputCount);
        return ExplainAllOutputs(x)[output];
    }

    /// <summary>Explains every output of the raw margin for row <paramref name="x"/>.</summary>
    public Explanation[] ExplainAllOutputs(ReadOnlySpan<double> x)
    {
        var features = PlayerCount;
        var outputs = Ensemble.OutputCount;
        var phi = new double[features * outputs];
        Contributions(x, phi);
        var raw = Ensemble.PredictRaw(x);
        var result = new Explanation[outputs];
        for (var k = 0; k < outputs; k++)
        {
            var attributions = new double[features];
            for (var f = 0; f < features; f++)
            {
                attributions[f] = phi[(f * outputs) + k];
            }

            result[k] = new Explanation(_expected[k], attributions, raw[k], Ensemble.MarginSpace, ExplanationMethods.TreePathDependent)
            {
                FeatureNames = _playerNames,
                OutputIndex = k,
            };
        }

        return result;
    }

    /// <summary>
    /// The allocation-light hot path: writes the SHAP values of row <paramref name="x"/> into
    /// <paramref name="phi"/> (length PlayerCount × OutputCount, laid out <c>player * OutputCount + output</c>).
    /// The base values are <see cref="ExpectedValues"/>.
    /// </summary>
    public void Contributions(ReadOnlySpan<double> x, Span<double> phi)
    {
        if (x.Length < Ensemble.FeatureCount)
        {
            throw new ArgumentException($"Expected {Ensemble.FeatureCount} features, got {x.Length}.", nameof(x));
        }

        if (phi.Length < PlayerCount * Ensemble.OutputCount)
        {
            throw new ArgumentException("The destination is too short.", nameof(phi));
        }

        phi.Clear();
        var path = ArrayPool<PathElement>.Shared.Rent(_pathLength);
        try
        {
            var walker = new Walker(_forest, x, phi, path);
            foreach (var root in _forest.Roots)
            {
                walker.Recurse(root, 0, 0, 1, 1, -1);
            }
        }
        finally
        {
            ArrayPool<PathElement>.Shared.Return(path);
        }
    }

    private ref struct Walker(FlatForest forest, ReadOnlySpan<double> x, Span<double> phi, PathElement[] path)
    {
        private readonly FlatNode[] _nodes = forest.Nodes;
        private readonly double[] _values = forest.Values;
        private readonly int _outputs = forest.Outputs;
        private readonly ReadOnlySpan<double> _x = x;
        private readonly Span<double> _phi = phi;
        private readonly PathElement[] _path = path;

        public readonly void Recurse(int node, int depth, int parentStart, double parentZero, double parentOne, int parentFeature)
        {
            var start = parentStart + depth + 1;
            var unique = _path.AsSpan(start);
            _path.AsSpan(parentStart, depth).CopyTo(unique);
            UniquePath.Extend(unique, depth, parentZero, parentOne, parentFeature);
            ref readonly var n = ref _nodes[node];
            if (n.Left < 0)
            {
                Leaf(unique, depth, node);
                return;
            }

            var goLeft = n.GoesLeft(_x);
            var hot = goLeft ? n.Left : n.Right;
            var cold = goLeft ? n.Right : n.Left;
            var hotZero = goLeft ? n.LeftFraction : n.RightFraction;
            var coldZero = goLeft ? n.RightFraction : n.LeftFraction;
            var incomingZero = 1.0;
            var incomingOne = 1.0;
            for (var i = 1; i <= depth; i++)
            {
                if (unique[i].Feature == n.Player)
                {
                    incomingZero = unique[i].Zero;
                    incomingOne = unique[i].One;
                    UniquePath.Unwind(unique, depth, i);
                    depth--;
                    break;
                }
            }

            // A branch whose "absent" and "present" fractions are both zero carries no weight for any coalition.
            hotZero *= incomingZero;
            if (hotZero != 0 || incomingOne != 0)
            {
                Recurse(hot, depth + 1, start, hotZero, incomingOne, n.Player);
            }

            coldZero *= incomingZero;
            if (coldZero != 0)
            {
                Recurse(cold, depth + 1, start, coldZero, 0, n.Player);
            }
        }

        private readonly void Leaf(Span<PathElement> unique, int depth, int node)
        {
            var outputs = _outputs;
            var valueOffset = node * outputs;
            for (var i = 1; i <= depth; i++)
            {
                ref readonly var element = ref unique[i];
                var scale = UniquePath.UnwoundSum(unique, depth, i) * (element.One - element.Zero);
                if (outputs == 1)
                {
                    _phi[element.Feature] += scale * _values[node];
                    continue;
                }

                var phiOffset = element.Feature * outputs;
                for (var k = 0; k < outputs; k++)
                {
                    _phi[phiOffset + k] += scale * _values[valueOffset + k];
                }
            }
        }
    }
}
