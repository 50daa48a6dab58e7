using Ferry.Explain.Trees;

namespace Ferry.Explain.Readers;

/// <summary>Mutable node arrays a reader fills before building a <see cref="DecisionTree"/>.</summary>
internal sealed class TreeArrays(int nodes, int outputs)
{
    public int[] Left { get; } = new int[nodes];

    public int[] Right { get; } = new int[nodes];

    public int[] Features { get; } = new int[nodes];

    public double[] Thresholds { get; } = new double[nodes];

    public SplitRule[] Rules { get; } = new SplitRule[nodes];

    public bool[] MissingLeft { get; } = new bool[nodes];

    public double[] Values { get; } = new double[nodes * outputs];

    public DecisionTree Build(double[]? covers = null) =>
        new(Left, Right, Features, Thresholds, Rules, MissingLeft, Values, outputs, covers);
}
