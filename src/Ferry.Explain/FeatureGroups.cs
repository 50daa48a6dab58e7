using System.Globalization;

namespace Ferry.Explain;

/// <summary>
/// Maps each slot of a model's feature vector to the source feature it came from (one-hot slots to their category
/// column, columns of a matrix input to their names), so slot-level attributions can be summed per source feature.
/// </summary>
public sealed class FeatureGroups
{
    private readonly FeatureSlot[] _slots;
    private readonly string[] _slotNames;
    private readonly string[] _sources;
    private readonly int[] _sourceOfSlot;
    private readonly int[][] _slotsOfSource;

    /// <summary>Groups from a slot list; sources are ordered by their first slot.</summary>
    public FeatureGroups(IEnumerable<FeatureSlot> slots)
        : this([.. slots ?? throw new ArgumentNullException(nameof(slots))], null)
    {
    }

    private FeatureGroups(FeatureSlot[] slots, IReadOnlyList<string>? sourceOrder)
    {
        _slots = slots;
        _slotNames = [.. _slots.Select(s => s.Name)];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var sources = new List<string>();
        var members = new List<List<int>>();
        foreach (var source in sourceOrder ?? [])
        {
            index.Add(source, sources.Count);
            sources.Add(source);
            members.Add([]);
        }

        _sourceOfSlot = new int[_slots.Length];
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            var source = _slots[slot].Source;
            if (!index.TryGetValue(source, out var s))
            {
                s = sources.Count;
                index.Add(source, s);
                sources.Add(source);
                members.Add([]);
            }

            _sourceOfSlot[slot] = s;
            members[s].Add(slot);
        }

        _sources = [.. sources];
        _slotsOfSource = [.. members.Select(m => m.ToArray())];
    }

    /// <summary>
    /// The same slots (same indices) with the sources in <paramref name="sources"/>' order, or null when
    /// <paramref name="sources"/> are not exactly this grouping's sources (one missing, extra or repeated).
    /// </summary>
    public FeatureGroups? OrderedAs(IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count != _sources.Length || !sources.ToHashSet(StringComparer.Ordinal).SetEquals(_sources))
        {
            return null;
        }

        return new FeatureGroups(_slots, sources);
    }

    /// <summary>One group per slot, named by <paramref name="names"/>.</summary>
    public static FeatureGroups Identity(IEnumerable<string> names) =>
        new(names.Select(n => new FeatureSlot(n, n)));

    /// <summary>One group per slot, named <c>{prefix}{index}</c>.</summary>
    public static FeatureGroups Anonymous(int count, string prefix = "x") =>
        Identity(Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The slots in feature-vector order.</summary>
    public IReadOnlyList<FeatureSlot> Slots => _slots;

    /// <summary>The number of slots (the model's feature count).</summary>
    public int SlotCount => _slots.Length;

    /// <summary>The distinct source features, ordered by their first slot.</summary>
    public IReadOnlyList<string> Sources => _sources;

    /// <summary>The slot names, in feature-vector order.</summary>
    public IReadOnlyList<string> SlotNames => _slotNames;

    /// <summary>The index into <see cref="Sources"/> of slot <paramref name="slot"/>'s source feature.</summary>
    public int SourceIndexOf(int slot) => _sourceOfSlot[slot];

    /// <summary>The slots belonging to source <paramref name="sourceIndex"/>.</summary>
    public IReadOnlyList<int> SlotsOf(int sourceIndex) => _slotsOfSource[sourceIndex];

    /// <summary>Sums slot-level values (attributions) per source feature.</summary>
    public double[] Sum(ReadOnlySpan<double> slotValues)
    {
        if (slotValues.Length != _slots.Length)
        {
            throw new ArgumentException($"Expected {_slots.Length} slot values, got {slotValues.Length}.", nameof(slotValues));
        }

        var sums = new double[_sources.Length];
        for (var slot = 0; slot < slotValues.Length; slot++)
        {
            sums[_sourceOfSlot[slot]] += slotValues[slot];
        }

        return sums;
    }

    /// <summary>
    /// The explanation with attributions summed per source feature (Shapley values are additive, so the sum is the
    /// source feature's attribution when its slots act together). Standard errors are dropped: slot errors are
    /// correlated; explain with grouped players (e.g. <c>KernelShap</c> with groups) when a grouped error is needed.
    /// </summary>
    public Explanation Group(Explanation slotExplanation)
    {
        ArgumentNullException.ThrowIfNull(slotExplanation);
        return slotExplanation with
        {
            Attributions = Sum(slotExplanation.Attributions),
            StandardErrors = null,
            FeatureNames = _sources,
        };
    }
}
