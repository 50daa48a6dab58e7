using Ferry.Explain.Trees;

namespace Ferry.Explain.Shap;

/// <summary>
/// Exact interventional TreeSHAP: the Shapley values of v(S) = mean over background rows b of f(x_S, b_S̄), where
/// absent features take the background row's value (the "independent" / interventional definition). For each
/// background row and tree, one walk visits the leaves reachable by mixing x and b: where x and b go the same way the
/// walk follows them; where they part, the x side adds the split feature to the "must come from x" set and the b side
/// to the "must come from b" set (a feature already in a set is followed consistently). A leaf reached with sets of
/// sizes a and c is the game 1[S ⊇ X-set, S ∩ B-set = ∅] times its value, whose Shapley values are
/// (a−1)!·c!/(a+c)! for each X-set feature and −a!·(c−1)!/(a+c)! for each B-set feature. Cost O(|B|·T·L·D) per row.
/// Explains the raw margin in <see cref="TreeEnsemble.MarginSpace"/>; needs no covers. Thread-safe.
/// <para>
/// With <see cref="FeatureGroups"/> the players are the source features: a hybrid row takes ALL slots of a source
/// (e.g. every one-hot column of a category) from x or all from b, so a split on any slot of a source fixes the
/// source's side for the rest of the path. The values are the exact interventional Shapley values of the
/// raw-column game, not sums of slot-level values (which explain hybrids no input row can produce).
/// </para>
/// </summary>
public sealed class InterventionalTreeShap
{
    private readonly FlatForest _forest;
    private readonly double[][] _background;
    private readonly double[] _expected;
    private readonly double[,] _coefficients;
    private readonly IReadOnlyList<string>? _playerNames;

    /// <summary>Prepares <paramref name="ensemble"/> with a background sample (e.g. 100–1,000 training rows).</summary>
    public InterventionalTreeShap(TreeEnsemble ensemble, IEnumerable<double[]> background)
        : this(ensemble, background, null)
    {
    }

    /// <summary>
    /// Prepares <paramref name="ensemble"/> with a background sample and the source features of
    /// <paramref name="players"/> as players (one attribution per source); <see langword="null"/>: one per feature.
    /// </summary>
    public InterventionalTreeShap(TreeEnsemble ensemble, IEnumerable<double[]> background, FeatureGroups? players)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(background);
        Ensemble = ensemble;
        var game = TreePlayers.Of(ensemble, players);
        PlayerCount = game.Count;
        _playerNames = game.Names;
        _forest = new FlatForest(ensemble, requireCovers: false, game.PlayerOf);
        _background = [.. background.Select(row => (double[])row.Clone())];
        if (_background.Length == 0)
        {
            throw new ArgumentException("At least one background row is needed.", nameof(background));
        }

        _expected = new double[ensemble.OutputCount];
        foreach (var row in _background)
        {
            if (row.Length < ensemble.FeatureCount)
            {
                throw new ArgumentException($"A background row has {row.Length} values; the model needs {ensemble.FeatureCount}.", nameof(background));
            }

            var raw = ensemble.PredictRaw(row);
            for (var k = 0; k < raw.Length; k++)
            {
                _expected[k] += raw[k] / _background.Length;
            }
        }

        _coefficients = Coefficients(_forest.MaxDepth + 1);
    }

    /// <summary>The ensemble explained.</summary>
    public TreeEnsemble Ensemble { get; }

    /// <summary>The number of attributions per output: the features, or the source features when grouped.</summary>
    public int PlayerCount { get; }

    /// <summary>The base value per output: the mean raw margin over the background rows.</summary>
    public IReadOnlyList<double> ExpectedValues => _expected;

    /// <summary>The number of background rows.</summary>
    public int BackgroundCount => _background.Length;

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

            result[k] = new Explanation(_expected[k], attributions, raw[k], Ensemble.MarginSpace, ExplanationMethods.TreeInterventional)
            {
                FeatureNames = _playerNames,
                OutputIndex = k,
            };
        }

        return result;
    }

    /// <summary>
    /// Writes the SHAP values of row <paramref name="x"/> into <paramref name="phi"/> (length PlayerCount ×
    /// OutputCount, laid out <c>player * OutputCount + output</c>), averaged over the background rows.
    /// </summary>
    public void Contributions(ReadOnlySpan<double> x, Span<double> phi)
    {
        if (x.Length < Ensemble.FeatureCount)
        {
            throw new ArgumentException($"Expected {Ensemble.FeatureCount} features, got {x.Length}.", nameof(x));
        }

        var outputs = Ensemble.OutputCount;
        if (phi.Length < PlayerCount * outputs)
        {
            throw new ArgumentException("The destination is too short.", nameof(phi));
        }

        phi.Clear();
        var depth = _forest.MaxDepth + 1;
        var walker = new Walker(_forest, _coefficients, x, phi, new byte[PlayerCount], new int[depth], new int[depth]);
        foreach (var row in _background)
        {
            walker.Background = row;
            foreach (var root in _forest.Roots)
            {
                walker.Recurse(root, 0, 0);
            }
        }

        var scale = 1.0 / _background.Length;
        for (var i = 0; i < PlayerCount * outputs; i++)
        {
            phi[i] *= scale;
        }
    }

    /// <summary>
    /// c[a, b] = a!·b!/(a+b+1)!, the Shapley weight of one player joining a coalition of a out of a+b+1, by the
    /// recurrence c[a, 0] = 1/(a+1), c[a, b] = c[a, b−1]·b/(a+b+1) (no factorial overflow on deep trees).
    /// </summary>
    private static double[,] Coefficients(int size)
    {
        var c = new double[size + 1, size + 1];
        for (var a = 0; a <= size; a++)
        {
            c[a, 0] = 1.0 / (a + 1);
            for (var b = 1; b <= size; b++)
            {
                c[a, b] = c[a, b - 1] * b / (a + b + 1);
            }
        }

        return c;
    }

    private ref struct Walker(FlatForest forest, double[,] coefficients, ReadOnlySpan<double> x, Span<double> phi, byte[] state, int[] fromX, int[] fromB)
    {
        private const byte Free = 0;
        private const byte FromX = 1;
        private const byte FromB = 2;
        private readonly FlatNode[] _nodes = forest.Nodes;
        private readonly double[] _values = forest.Values;
        private readonly int _outputs = forest.Outputs;
        private readonly double[,] _coefficients = coefficients;
        private readonly ReadOnlySpan<double> _x = x;
        private readonly Span<double> _phi = phi;
        private readonly byte[] _state = state;
        private readonly int[] _fromX = fromX;
        private readonly int[] _fromB = fromB;

        public double[] Background { get; set; } = [];

        public readonly void Recurse(int node, int countX, int countB)
        {
            ref readonly var n = ref _nodes[node];
            if (n.Left < 0)
            {
                Leaf(node, countX, countB);
                return;
            }

            // State is per player: once a split on any slot of a source has chosen x's or b's side, every later
            // split on a slot of that source follows the same side.
            switch (_state[n.Player])
            {
                case FromX:
                    Recurse(n.GoesLeft(_x) ? n.Left : n.Right, countX, countB);
                    return;
                case FromB:
                    Recurse(n.GoesLeft(Background) ? n.Left : n.Right, countX, countB);
                    return;
            }

            var xLeft = n.GoesLeft(_x);
            var bLeft = n.GoesLeft(Background);
            if (xLeft == bLeft)
            {
                Recurse(xLeft ? n.Left : n.Right, countX, countB);
                return;
            }

            _state[n.Player] = FromX;
            _fromX[countX] = n.Player;
            Recurse(xLeft ? n.Left : n.Right, countX + 1, countB);
            _state[n.Player] = FromB;
            _fromB[countB] = n.Player;
            Recurse(bLeft ? n.Left : n.Right, countX, countB + 1);
            _state[n.Player] = Free;
        }

        private readonly void Leaf(int node, int countX, int countB)
        {
            if (countX + countB == 0)
            {
                return;
            }

            var gain = countX > 0 ? _coefficients[countX - 1, countB] : 0;
            var loss = countB > 0 ? _coefficients[countX, countB - 1] : 0;
            for (var k = 0; k < _outputs; k++)
            {
                var value = _values[(node * _outputs) + k];
                for (var i = 0; i < countX; i++)
                {
                    _phi[(_fromX[i] * _outputs) + k] += gain * value;
                }

                for (var i = 0; i < countB; i++)
                {
                    _phi[(_fromB[i] * _outputs) + k] -= loss * value;
                }
            }
        }
    }
}
