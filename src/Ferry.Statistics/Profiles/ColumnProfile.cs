using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Profiles;

/// <summary>
/// A mergeable summary of one column over some rows, laid out by its <see cref="ColumnSchema"/>. Every field is a count,
/// a minimum/maximum or a sum, so merging is exactly associative and commutative, except <see cref="Sum"/> and
/// <see cref="SumOfSquares"/>, which are plain doubles and associative only up to rounding (about 1e-16 relative per
/// merge). Not thread-safe: give each writer its own profile and merge.
/// </summary>
/// <remarks>
/// Numeric values: NaN counts as missing, ±∞ as invalid (they fit neither the sketch nor the moments), −0 as +0.
/// Categorical values: null counts as missing. Every reference category has an entry in <see cref="CategoryCounts"/>
/// (possibly 0). Categories outside the reference are tracked individually up to
/// <see cref="MaxTrackedUnseenCategories"/> distinct values (the ordinally smallest ones, which keeps merges exact);
/// occurrences of further unseen values are counted in <see cref="UntrackedUnseenCount"/>.
/// </remarks>
public sealed class ColumnProfile
{
    /// <summary>How many distinct categories outside the reference are kept by name.</summary>
    public const int MaxTrackedUnseenCategories = 1000;

    private readonly HashSet<string> _referenceSet;
    private readonly SortedSet<string> _trackedUnseen;

    /// <summary>Restores a profile (used by System.Text.Json); prefer <see cref="Empty"/>.</summary>
    /// <exception cref="ArgumentException">The parts are inconsistent with each other.</exception>
    [JsonConstructor]
    public ColumnProfile(
        string name,
        ColumnKind kind,
        double[] binEdges,
        double referenceMin,
        double referenceMax,
        IReadOnlyList<string> referenceCategories,
        long count,
        long missing,
        long invalid,
        double min,
        double max,
        double sum,
        double sumOfSquares,
        long belowReferenceRange,
        long aboveReferenceRange,
        long[] binCounts,
        QuantileSketch sketch,
        Dictionary<string, long> categoryCounts,
        long untrackedUnseenCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(binEdges);
        ArgumentNullException.ThrowIfNull(referenceCategories);
        ArgumentNullException.ThrowIfNull(binCounts);
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentNullException.ThrowIfNull(categoryCounts);
        if (binCounts.Length != binEdges.Length + 1)
        {
            throw new ArgumentException("There must be one more bin count than bin edges.", nameof(binCounts));
        }

        Name = name;
        Kind = kind;
        BinEdges = binEdges;
        ReferenceMin = referenceMin;
        ReferenceMax = referenceMax;
        ReferenceCategories = referenceCategories;
        Count = count;
        Missing = missing;
        Invalid = invalid;
        Min = min;
        Max = max;
        Sum = sum;
        SumOfSquares = sumOfSquares;
        BelowReferenceRange = belowReferenceRange;
        AboveReferenceRange = aboveReferenceRange;
        BinCounts = binCounts;
        Sketch = sketch;
        CategoryCounts = new Dictionary<string, long>(categoryCounts, StringComparer.Ordinal);
        UntrackedUnseenCount = untrackedUnseenCount;
        _referenceSet = new HashSet<string>(referenceCategories, StringComparer.Ordinal);
        _trackedUnseen = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var category in _referenceSet)
        {
            CategoryCounts.TryAdd(category, 0);
        }

        foreach (var category in CategoryCounts.Keys)
        {
            if (!_referenceSet.Contains(category))
            {
                _trackedUnseen.Add(category);
            }
        }

        if (_trackedUnseen.Count > MaxTrackedUnseenCategories)
        {
            throw new ArgumentException($"At most {MaxTrackedUnseenCategories} unseen categories can be tracked.", nameof(categoryCounts));
        }
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary>Numeric or categorical.</summary>
    public ColumnKind Kind { get; }

    /// <summary>Interior bin edges from the schema (see <see cref="ColumnSchema.BinEdges"/> for the convention).</summary>
    public double[] BinEdges { get; }

    /// <summary>Reference minimum from the schema; smaller values count in <see cref="BelowReferenceRange"/>.</summary>
    public double ReferenceMin { get; }

    /// <summary>Reference maximum from the schema; larger values count in <see cref="AboveReferenceRange"/>.</summary>
    public double ReferenceMax { get; }

    /// <summary>Reference categories from the schema.</summary>
    public IReadOnlyList<string> ReferenceCategories { get; }

    /// <summary>Valid, non-missing values.</summary>
    public long Count { get; private set; }

    /// <summary>Missing values (null, NaN).</summary>
    public long Missing { get; private set; }

    /// <summary>Invalid values (wrong type, counted by the caller through <see cref="AddInvalid"/>; ±∞ for numeric columns).</summary>
    public long Invalid { get; private set; }

    /// <summary>Smallest valid value (numeric; NaN while <see cref="Count"/> is 0).</summary>
    public double Min { get; private set; }

    /// <summary>Largest valid value (numeric; NaN while <see cref="Count"/> is 0).</summary>
    public double Max { get; private set; }

    /// <summary>Sum of valid values (numeric).</summary>
    public double Sum { get; private set; }

    /// <summary>Sum of squares of valid values (numeric).</summary>
    public double SumOfSquares { get; private set; }

    /// <summary>Valid values below <see cref="ReferenceMin"/>.</summary>
    public long BelowReferenceRange { get; private set; }

    /// <summary>Valid values above <see cref="ReferenceMax"/>.</summary>
    public long AboveReferenceRange { get; private set; }

    /// <summary>Counts per bin, <c>BinEdges.Length + 1</c> entries (numeric).</summary>
    public long[] BinCounts { get; }

    /// <summary>Quantile sketch of valid values (numeric; stays empty for categorical columns).</summary>
    public QuantileSketch Sketch { get; }

    /// <summary>Counts per category (categorical): every reference category, then tracked unseen ones.</summary>
    public Dictionary<string, long> CategoryCounts { get; }

    /// <summary>Occurrences of unseen categories beyond the <see cref="MaxTrackedUnseenCategories"/> tracked by name.</summary>
    public long UntrackedUnseenCount { get; private set; }

    /// <summary>Occurrences of values that are not reference categories (tracked and untracked).</summary>
    public long UnseenCategories
    {
        get
        {
            var unseen = UntrackedUnseenCount;
            foreach (var category in _trackedUnseen)
            {
                unseen += CategoryCounts[category];
            }

            return unseen;
        }
    }

    /// <summary>Values outside the reference range (below plus above).</summary>
    [JsonIgnore]
    public long OutOfRange => BelowReferenceRange + AboveReferenceRange;

    /// <summary>An empty profile laid out by <paramref name="schema"/>.</summary>
    public static ColumnProfile Empty(ColumnSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var edges = schema.Kind == ColumnKind.Numeric ? schema.BinEdges : [];
        var categories = schema.Kind == ColumnKind.Categorical ? schema.ReferenceCategories : [];
        return new ColumnProfile(
            schema.Name,
            schema.Kind,
            edges,
            schema.ReferenceMin,
            schema.ReferenceMax,
            categories,
            count: 0,
            missing: 0,
            invalid: 0,
            min: double.NaN,
            max: double.NaN,
            sum: 0,
            sumOfSquares: 0,
            belowReferenceRange: 0,
            aboveReferenceRange: 0,
            binCounts: new long[edges.Length + 1],
            sketch: new QuantileSketch(),
            categoryCounts: [],
            untrackedUnseenCount: 0);
    }

    /// <summary>Merges two profiles into a new one.</summary>
    /// <exception cref="ArgumentException">The layouts differ.</exception>
    public static ColumnProfile Merge(ColumnProfile a, ColumnProfile b)
    {
        ArgumentNullException.ThrowIfNull(a);
        var merged = a.Clone();
        merged.MergeFrom(b);
        return merged;
    }

    /// <summary>Folds one numeric value in: NaN → missing, ±∞ → invalid. Allocation-free.</summary>
    public void AddNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            if (double.IsNaN(value))
            {
                Missing++;
            }
            else
            {
                Invalid++;
            }

            return;
        }

        value += 0.0; // −0 → +0, so Min/Max do not depend on arrival order.
        if (Count == 0)
        {
            Min = value;
            Max = value;
        }
        else
        {
            if (value < Min)
            {
                Min = value;
            }

            if (value > Max)
            {
                Max = value;
            }
        }

        Count++;
        Sum += value;
        SumOfSquares += value * value;
        if (value < ReferenceMin)
        {
            BelowReferenceRange++;
        }
        else if (value > ReferenceMax)
        {
            AboveReferenceRange++;
        }

        BinCounts[BinIndex(value)]++;
        Sketch.Add(value);
    }

    /// <summary>Folds one categorical value in: null → missing. Allocation-free for categories already counted.</summary>
    public void AddCategory(string? value)
    {
        if (value is null)
        {
            Missing++;
            return;
        }

        Count++;
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(CategoryCounts, value);
        if (!Unsafe.IsNullRef(ref slot))
        {
            slot++;
            return;
        }

        AddUnseen(value, 1);
    }

    /// <summary>Counts a missing value.</summary>
    public void AddMissing() => Missing++;

    /// <summary>Counts an invalid value (for example a string in a numeric column).</summary>
    public void AddInvalid() => Invalid++;

    /// <summary>Bin of a value: the number of edges strictly below it.</summary>
    public int BinIndex(double value) => SortedSearch.LowerBound(BinEdges, value);

    /// <summary>Adds another profile of the same layout into this one.</summary>
    /// <exception cref="ArgumentException">The layouts differ.</exception>
    public void MergeFrom(ColumnProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!HasSameLayout(other))
        {
            throw new ArgumentException($"Column '{other.Name}' has a different layout from column '{Name}'.", nameof(other));
        }

        if (other.Count > 0)
        {
            Min = Count == 0 ? other.Min : Math.Min(Min, other.Min);
            Max = Count == 0 ? other.Max : Math.Max(Max, other.Max);
        }

        Count += other.Count;
        Missing += other.Missing;
        Invalid += other.Invalid;
        Sum += other.Sum;
        SumOfSquares += other.SumOfSquares;
        BelowReferenceRange += other.BelowReferenceRange;
        AboveReferenceRange += other.AboveReferenceRange;
        for (var i = 0; i < BinCounts.Length; i++)
        {
            BinCounts[i] += other.BinCounts[i];
        }

        Sketch.MergeFrom(other.Sketch);
        foreach (var (category, count) in other.CategoryCounts)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(CategoryCounts, category);
            if (!Unsafe.IsNullRef(ref slot))
            {
                slot += count;
            }
            else
            {
                AddUnseen(category, count);
            }
        }

        UntrackedUnseenCount += other.UntrackedUnseenCount;
    }

    /// <summary>A deep copy.</summary>
    public ColumnProfile Clone() => new(
        Name,
        Kind,
        BinEdges,
        ReferenceMin,
        ReferenceMax,
        ReferenceCategories,
        Count,
        Missing,
        Invalid,
        Min,
        Max,
        Sum,
        SumOfSquares,
        BelowReferenceRange,
        AboveReferenceRange,
        (long[])BinCounts.Clone(),
        Sketch.Clone(),
        CategoryCounts,
        UntrackedUnseenCount);

    /// <summary>True when both profiles have the same name, kind, edges, reference range, categories and sketch parameters.</summary>
    public bool HasSameLayout(ColumnProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Name, other.Name, StringComparison.Ordinal)
            && Kind == other.Kind
            && BinEdges.AsSpan().SequenceEqual(other.BinEdges)
            && ReferenceMin.Equals(other.ReferenceMin)
            && ReferenceMax.Equals(other.ReferenceMax)
            && ReferenceCategories.SequenceEqual(other.ReferenceCategories, StringComparer.Ordinal)
            && Sketch.HasSameParameters(other.Sketch);
    }

    private void AddUnseen(string category, long count)
    {
        if (count == 0)
        {
            return;
        }

        if (_trackedUnseen.Count < MaxTrackedUnseenCategories)
        {
            _trackedUnseen.Add(category);
            CategoryCounts.Add(category, count);
            return;
        }

        // Keep the ordinally smallest unseen categories by name; everything else is counted without its name.
        var largest = _trackedUnseen.Max!;
        if (StringComparer.Ordinal.Compare(category, largest) < 0)
        {
            UntrackedUnseenCount += CategoryCounts[largest];
            CategoryCounts.Remove(largest);
            _trackedUnseen.Remove(largest);
            _trackedUnseen.Add(category);
            CategoryCounts.Add(category, count);
        }
        else
        {
            UntrackedUnseenCount += count;
        }
    }
}
