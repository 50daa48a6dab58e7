using System.Text.Json.Serialization;

namespace Ferry.Statistics.Profiles;

/// <summary>
/// A deterministic, mergeable quantile sketch (DDSketch): values are counted in logarithmic buckets
/// (γ = (1 + α) / (1 − α), bucket i holds magnitudes in (γ^(i−1), γ^i] and is represented by 2γ^i / (γ + 1), within
/// relative error α of every value in it), with separate stores for positive and negative values and a count of zeros
/// (|x| &lt; <see cref="MinIndexableValue"/>). Counts are integers, so merging is exactly associative and commutative.
/// </summary>
/// <remarks>
/// Each store keeps at most <see cref="MaxBucketsPerStore"/> consecutive bucket indexes ending at its largest
/// magnitude; smaller magnitudes are folded into the lowest kept bucket. With the defaults (α = 0.01, 2048 buckets)
/// that window spans a ratio of about 6·10¹⁷ between the largest and smallest magnitude of one sign before anything is
/// folded. Folding depends only on the multiset of values (see the property tests), so it keeps merges exact.
/// Not thread-safe.
/// </remarks>
public sealed class QuantileSketch
{
    /// <summary>Default relative accuracy α.</summary>
    public const double DefaultRelativeAccuracy = 0.01;

    /// <summary>Default bucket limit per sign.</summary>
    public const int DefaultMaxBucketsPerStore = 2048;

    /// <summary>Magnitudes below this are counted as zero.</summary>
    public const double MinIndexableValue = 1e-300;

    private readonly double _logGamma;
    private readonly double _indexMultiplier;
    private readonly double _representativeFactor;
    private readonly BucketStore _positive;
    private readonly BucketStore _negative;

    /// <summary>Creates an empty sketch.</summary>
    /// <param name="relativeAccuracy">α, in (0, 1).</param>
    /// <param name="maxBucketsPerStore">Bucket limit per sign, at least 1.</param>
    public QuantileSketch(double relativeAccuracy = DefaultRelativeAccuracy, int maxBucketsPerStore = DefaultMaxBucketsPerStore)
    {
        if (!(relativeAccuracy > 0 && relativeAccuracy < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "Relative accuracy must lie in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxBucketsPerStore, 1);
        RelativeAccuracy = relativeAccuracy;
        MaxBucketsPerStore = maxBucketsPerStore;
        var gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        _logGamma = Math.Log(gamma);
        _indexMultiplier = 1.0 / _logGamma;
        _representativeFactor = 2.0 / (1.0 + gamma);
        _positive = new BucketStore(maxBucketsPerStore);
        _negative = new BucketStore(maxBucketsPerStore);
    }

    /// <summary>Restores a sketch from its serialized buckets.</summary>
    [JsonConstructor]
    public QuantileSketch(
        double relativeAccuracy,
        int maxBucketsPerStore,
        long zeroCount,
        int positiveFirstIndex,
        long[] positiveCounts,
        int negativeFirstIndex,
        long[] negativeCounts)
        : this(relativeAccuracy, maxBucketsPerStore)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(zeroCount);
        ArgumentNullException.ThrowIfNull(positiveCounts);
        ArgumentNullException.ThrowIfNull(negativeCounts);
        ZeroCount = zeroCount;
        for (var i = 0; i < positiveCounts.Length; i++)
        {
            _positive.Add(positiveFirstIndex + i, positiveCounts[i]);
        }

        for (var i = 0; i < negativeCounts.Length; i++)
        {
            _negative.Add(negativeFirstIndex + i, negativeCounts[i]);
        }
    }

    /// <summary>Relative accuracy α.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>Bucket limit per sign.</summary>
    public int MaxBucketsPerStore { get; }

    /// <summary>Number of values counted as zero.</summary>
    public long ZeroCount { get; private set; }

    /// <summary>Bucket index of the first entry of <see cref="PositiveCounts"/>.</summary>
    public int PositiveFirstIndex => _positive.Total == 0 ? 0 : _positive.MinIndex;

    /// <summary>Counts of positive values per bucket, from <see cref="PositiveFirstIndex"/> upwards (a copy).</summary>
    public long[] PositiveCounts => _positive.ToArray();

    /// <summary>Bucket index (of the magnitude) of the first entry of <see cref="NegativeCounts"/>.</summary>
    public int NegativeFirstIndex => _negative.Total == 0 ? 0 : _negative.MinIndex;

    /// <summary>Counts of negative values per magnitude bucket, from <see cref="NegativeFirstIndex"/> upwards (a copy).</summary>
    public long[] NegativeCounts => _negative.ToArray();

    /// <summary>Number of values added.</summary>
    public long Count => ZeroCount + _positive.Total + _negative.Total;

    /// <summary>Adds a finite value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public void Add(double value)
    {
        if (value > MinIndexableValue)
        {
            if (value <= double.MaxValue)
            {
                _positive.Add(IndexOf(value), 1);
                return;
            }
        }
        else if (value < -MinIndexableValue)
        {
            if (value >= double.MinValue)
            {
                _negative.Add(IndexOf(-value), 1);
                return;
            }
        }
        else if (!double.IsNaN(value))
        {
            ZeroCount++;
            return;
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite values can be added to a sketch.");
    }

    /// <summary>Adds the counts of another sketch with the same α and bucket limit.</summary>
    /// <exception cref="ArgumentException">The parameters differ.</exception>
    public void MergeFrom(QuantileSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!HasSameParameters(other))
        {
            throw new ArgumentException("Sketches with different relative accuracy or bucket limits cannot be merged.", nameof(other));
        }

        ZeroCount += other.ZeroCount;
        _positive.MergeFrom(other._positive);
        _negative.MergeFrom(other._negative);
    }

    /// <summary>A deep copy.</summary>
    public QuantileSketch Clone()
    {
        var clone = new QuantileSketch(RelativeAccuracy, MaxBucketsPerStore) { ZeroCount = ZeroCount };
        clone._positive.MergeFrom(_positive);
        clone._negative.MergeFrom(_negative);
        return clone;
    }

    /// <summary>
    /// The value at quantile q ∈ [0, 1]: the representative of the bucket holding rank q · (Count − 1), counting
    /// upwards (DDSketch's definition), within relative error α of a true sample value at that rank. NaN when empty.
    /// </summary>
    public double Quantile(double q)
    {
        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must lie in [0, 1].");
        }

        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = q * (Count - 1);
        double cumulative = 0;
        var last = double.NaN;
        foreach (var (value, count) in WeightedValues())
        {
            cumulative += count;
            last = value;
            if (cumulative > rank)
            {
                return value;
            }
        }

        return last;
    }

    /// <summary>Fraction of values whose bucket representative is ≤ x (bucket resolution). NaN when empty.</summary>
    public double Cdf(double x)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        long below = 0;
        foreach (var (value, count) in WeightedValues())
        {
            if (value > x)
            {
                break;
            }

            below += count;
        }

        return (double)below / Count;
    }

    /// <summary>Bucket representative values with their counts, ascending; zeros appear as (0, ZeroCount).</summary>
    public IEnumerable<(double Value, long Count)> WeightedValues()
    {
        if (_negative.Total > 0)
        {
            for (var index = _negative.MaxIndex; index >= _negative.MinIndex; index--)
            {
                var count = _negative.CountAt(index);
                if (count > 0)
                {
                    yield return (-ValueOf(index), count);
                }
            }
        }

        if (ZeroCount > 0)
        {
            yield return (0.0, ZeroCount);
        }

        if (_positive.Total > 0)
        {
            for (var index = _positive.MinIndex; index <= _positive.MaxIndex; index++)
            {
                var count = _positive.CountAt(index);
                if (count > 0)
                {
                    yield return (ValueOf(index), count);
                }
            }
        }
    }

    /// <summary>Number of non-empty buckets (zero counted as one bucket).</summary>
    public int BucketCount()
    {
        var buckets = ZeroCount > 0 ? 1 : 0;
        foreach (var count in _positive.ToArray())
        {
            buckets += count > 0 ? 1 : 0;
        }

        foreach (var count in _negative.ToArray())
        {
            buckets += count > 0 ? 1 : 0;
        }

        return buckets;
    }

    internal bool HasSameParameters(QuantileSketch other) =>
        RelativeAccuracy.Equals(other.RelativeAccuracy) && MaxBucketsPerStore == other.MaxBucketsPerStore;

    private int IndexOf(double magnitude) => (int)Math.Ceiling(Math.Log(magnitude) * _indexMultiplier);

    private double ValueOf(int index) => Math.Exp(index * _logGamma) * _representativeFactor;
}
