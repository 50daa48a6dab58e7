namespace Ferry.Explain.Shap;

/// <summary>The coalitions KernelSHAP evaluates, their regression weights, and the sampling units they form.</summary>
internal sealed class SampleDesign
{
    private SampleDesign(int players, List<bool[]> coalitions, List<double> weights, List<int[]> units, bool exact)
    {
        PlayerCount = players;
        Coalitions = coalitions;
        Weights = weights;
        UnitMembers = units;
        Exact = exact;
    }

    public int PlayerCount { get; }

    public IReadOnlyList<bool[]> Coalitions { get; }

    public IReadOnlyList<double> Weights { get; }

    /// <summary>Coalition indices per sampling unit (a pair when paired, else one).</summary>
    public IReadOnlyList<int[]> UnitMembers { get; }

    public int UnitCount => UnitMembers.Count;

    public bool Exact { get; }

    /// <summary>Every non-trivial coalition with its Shapley-kernel weight (M−1)/(C(M,s)·s·(M−s)).</summary>
    public static SampleDesign Enumerate(int m)
    {
        var coalitions = new List<bool[]>();
        var weights = new List<double>();
        var units = new List<int[]>();
        for (var mask = 1L; mask < (1L << m) - 1; mask++)
        {
            var z = new bool[m];
            var size = 0;
            for (var i = 0; i < m; i++)
            {
                z[i] = (mask & (1L << i)) != 0;
                size += z[i] ? 1 : 0;
            }

            units.Add([coalitions.Count]);
            coalitions.Add(z);
            weights.Add((m - 1) / (ExactShapley.Binomial(m, size) * size * (m - size)));
        }

        return new SampleDesign(m, coalitions, weights, units, exact: true);
    }

    /// <summary>Coalitions with size s drawn ∝ 1/(s(M−s)), members uniform; with complements when paired.</summary>
    public static SampleDesign Sample(int m, int sampleCount, bool paired, Random random)
    {
        var sizeWeights = new double[m];
        for (var s = 1; s < m; s++)
        {
            sizeWeights[s] = 1.0 / (s * (m - s));
        }

        var cumulative = new double[m];
        for (var s = 1; s < m; s++)
        {
            cumulative[s] = cumulative[s - 1] + sizeWeights[s];
        }

        var coalitions = new List<bool[]>();
        var units = new List<int[]>();
        var order = Enumerable.Range(0, m).ToArray();
        var unitCount = paired ? Math.Max(1, sampleCount / 2) : sampleCount;
        for (var u = 0; u < unitCount; u++)
        {
            var size = DrawSize(cumulative, random);
            for (var i = 0; i < size; i++)
            {
                var j = i + random.Next(m - i);
                (order[i], order[j]) = (order[j], order[i]);
            }

            var z = new bool[m];
            for (var i = 0; i < size; i++)
            {
                z[order[i]] = true;
            }

            if (paired)
            {
                units.Add([coalitions.Count, coalitions.Count + 1]);
                coalitions.Add(z);
                coalitions.Add([.. z.Select(present => !present)]);
            }
            else
            {
                units.Add([coalitions.Count]);
                coalitions.Add(z);
            }
        }

        return new SampleDesign(m, coalitions, [.. Enumerable.Repeat(1.0, coalitions.Count)], units, exact: false);
    }

    private static int DrawSize(double[] cumulative, Random random)
    {
        var target = random.NextDouble() * cumulative[^1];
        for (var s = 1; s < cumulative.Length; s++)
        {
            if (target < cumulative[s])
            {
                return s;
            }
        }

        return cumulative.Length - 1;
    }
}
