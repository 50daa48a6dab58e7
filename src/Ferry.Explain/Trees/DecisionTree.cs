namespace Ferry.Explain.Trees;

/// <summary>
/// One binary decision tree in flat arrays. Node 0 is the root; a node whose left child is negative is a leaf.
/// At a split node, a row whose value of <see cref="SplitFeatures"/>[n] satisfies <see cref="Rules"/>[n] against
/// <see cref="Thresholds"/>[n] goes to the left child; a NaN value goes left when <see cref="MissingGoesLeft"/>[n].
/// Leaf values are stored per output (<c>LeafValues[node * OutputCount + output]</c>). Covers, the training weight
/// (sample count or hessian sum) reaching each node, are needed by path-dependent TreeSHAP; see <see cref="CoverEstimator"/>.
/// </summary>
public sealed class DecisionTree
{
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly int[] _features;
    private readonly double[] _thresholds;
    private readonly SplitRule[] _rules;
    private readonly bool[] _missingLeft;
    private readonly double[] _values;
    private readonly double[]? _covers;

    /// <summary>Creates a tree from its node arrays (copied), validating that they form one tree rooted at node 0.</summary>
    /// <param name="leftChildren">Left (condition true) child per node; negative for a leaf.</param>
    /// <param name="rightChildren">Right child per node; negative for a leaf.</param>
    /// <param name="splitFeatures">Feature index per split node (ignored at leaves).</param>
    /// <param name="thresholds">Threshold per split node (ignored at leaves).</param>
    /// <param name="rules">Comparison per split node (ignored at leaves).</param>
    /// <param name="missingGoesLeft">Where a NaN value goes per split node (ignored at leaves).</param>
    /// <param name="leafValues">Per node, <paramref name="outputCount"/> values (used at leaves; zero elsewhere).</param>
    /// <param name="outputCount">Outputs per leaf.</param>
    /// <param name="covers">Optional training weight reaching each node.</param>
    public DecisionTree(
        IReadOnlyList<int> leftChildren,
        IReadOnlyList<int> rightChildren,
        IReadOnlyList<int> splitFeatures,
        IReadOnlyList<double> thresholds,
        IReadOnlyList<SplitRule> rules,
        IReadOnlyList<bool> missingGoesLeft,
        IReadOnlyList<double> leafValues,
        int outputCount = 1,
        IReadOnlyList<double>? covers = null)
    {
        ArgumentNullException.ThrowIfNull(leftChildren);
        ArgumentNullException.ThrowIfNull(rightChildren);
        ArgumentNullException.ThrowIfNull(splitFeatures);
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(missingGoesLeft);
        ArgumentNullException.ThrowIfNull(leafValues);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputCount, 1);
        _left = [.. leftChildren];
        _right = [.. rightChildren];
        _features = [.. splitFeatures];
        _thresholds = [.. thresholds];
        _rules = [.. rules];
        _missingLeft = [.. missingGoesLeft];
        _values = [.. leafValues];
        _covers = covers is null ? null : [.. covers];
        OutputCount = outputCount;
        MaxDepth = Validate();
    }

    /// <summary>The number of nodes (splits and leaves).</summary>
    public int NodeCount => _left.Length;

    /// <summary>The number of values per leaf.</summary>
    public int OutputCount { get; }

    /// <summary>The number of splits on the longest root-to-leaf path.</summary>
    public int MaxDepth { get; }

    /// <summary>Left (condition true) child per node; negative at leaves.</summary>
    public IReadOnlyList<int> LeftChildren => _left;

    /// <summary>Right (condition false) child per node; negative at leaves.</summary>
    public IReadOnlyList<int> RightChildren => _right;

    /// <summary>Split feature per node.</summary>
    public IReadOnlyList<int> SplitFeatures => _features;

    /// <summary>Split threshold per node.</summary>
    public IReadOnlyList<double> Thresholds => _thresholds;

    /// <summary>Split comparison per node.</summary>
    public IReadOnlyList<SplitRule> Rules => _rules;

    /// <summary>Whether a NaN value goes to the left child, per node.</summary>
    public IReadOnlyList<bool> MissingGoesLeft => _missingLeft;

    /// <summary>Leaf values, <see cref="OutputCount"/> per node.</summary>
    public IReadOnlyList<double> LeafValues => _values;

    /// <summary>Training weight reaching each node, or <see langword="null"/> when the source format has none.</summary>
    public IReadOnlyList<double>? Covers => _covers;

    internal int[] LeftArray => _left;

    internal int[] RightArray => _right;

    internal int[] FeatureArray => _features;

    internal double[] ThresholdArray => _thresholds;

    internal SplitRule[] RuleArray => _rules;

    internal bool[] MissingLeftArray => _missingLeft;

    internal double[] ValueArray => _values;

    internal double[]? CoverArray => _covers;

    /// <summary>Whether <paramref name="node"/> is a leaf.</summary>
    public bool IsLeaf(int node) => _left[node] < 0;

    /// <summary>Leaf value of <paramref name="node"/> for <paramref name="output"/>.</summary>
    public double LeafValue(int node, int output = 0) => _values[(node * OutputCount) + output];

    /// <summary>Whether a row with <paramref name="value"/> for the split feature goes left at <paramref name="node"/>.</summary>
    public bool GoesLeft(int node, double value) => GoesLeft(_rules[node], _thresholds[node], _missingLeft[node], value);

    /// <summary>The leaf <paramref name="x"/> lands in.</summary>
    public int LeafIndex(ReadOnlySpan<double> x)
    {
        var node = 0;
        while (_left[node] >= 0)
        {
            node = GoesLeft(node, x[_features[node]]) ? _left[node] : _right[node];
        }

        return node;
    }

    /// <summary>A copy of this tree with <paramref name="covers"/> (one per node).</summary>
    public DecisionTree WithCovers(IReadOnlyList<double> covers) =>
        new(_left, _right, _features, _thresholds, _rules, _missingLeft, _values, OutputCount, covers);

    /// <summary>A copy of this tree with other leaf values (<paramref name="outputCount"/> per node).</summary>
    public DecisionTree WithLeafValues(IReadOnlyList<double> leafValues, int outputCount) =>
        new(_left, _right, _features, _thresholds, _rules, _missingLeft, leafValues, outputCount, _covers);

    internal static bool GoesLeft(SplitRule rule, double threshold, bool missingLeft, double value)
    {
        if (double.IsNaN(value))
        {
            return missingLeft;
        }

        return rule switch
        {
            SplitRule.LessThan => value < threshold,
            SplitRule.LessOrEqual => value <= threshold,
            SplitRule.GreaterThan => value > threshold,
            SplitRule.GreaterOrEqual => value >= threshold,
            SplitRule.Equal => value == threshold,
            _ => value != threshold,
        };
    }

    private int Validate()
    {
        var n = _left.Length;
        if (n == 0)
        {
            throw new ArgumentException("A tree needs at least one node.");
        }

        if (_right.Length != n || _features.Length != n || _thresholds.Length != n || _rules.Length != n
            || _missingLeft.Length != n || (_covers is not null && _covers.Length != n))
        {
            throw new ArgumentException("Every per-node array must have one entry per node.");
        }

        if (_values.Length != n * OutputCount)
        {
            throw new ArgumentException($"Expected {n * OutputCount} leaf values ({n} nodes × {OutputCount} outputs), got {_values.Length}.");
        }

        var depth = new int[n];
        var seen = new bool[n];
        var stack = new Stack<int>();
        stack.Push(0);
        seen[0] = true;
        var visited = 0;
        var maxDepth = 0;
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            visited++;
            maxDepth = Math.Max(maxDepth, depth[node]);
            if (_left[node] < 0)
            {
                if (_right[node] >= 0)
                {
                    throw new ArgumentException($"Node {node} has a right child but no left child.");
                }

                continue;
            }

            if (_features[node] < 0)
            {
                throw new ArgumentException($"Node {node} splits on a negative feature index.");
            }

            foreach (var child in (ReadOnlySpan<int>)[_left[node], _right[node]])
            {
                if (child <= 0 || child >= n || seen[child])
                {
                    throw new ArgumentException($"Node {node} has an invalid or shared child {child}.");
                }

                seen[child] = true;
                depth[child] = depth[node] + 1;
                stack.Push(child);
            }
        }

        if (visited != n)
        {
            throw new ArgumentException($"{n - visited} node(s) cannot be reached from the root.");
        }

        return maxDepth;
    }
}
