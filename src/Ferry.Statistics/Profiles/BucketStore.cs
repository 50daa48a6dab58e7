namespace Ferry.Statistics.Profiles;

/// <summary>
/// Dense integer bucket counts over a sliding index window of at most <c>maxBuckets</c> indexes, anchored at the
/// highest non-empty index. Counts below the window are folded into its lowest bucket. The resulting state depends only
/// on the multiset of indexes added (everything at or below H − B + 1 sits at H − B + 1, where H is the highest index
/// ever added), so merging stores is exactly associative and commutative.
/// </summary>
internal sealed class BucketStore
{
    private const int MinimumPadding = 16;
    private readonly int _maxBuckets;
    private long[] _counts = [];
    private int _offset;
    private int _minIndex;
    private int _maxIndex;

    public BucketStore(int maxBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuckets, 1);
        _maxBuckets = maxBuckets;
    }

    public long Total { get; private set; }

    /// <summary>Lowest non-empty index (undefined when empty).</summary>
    public int MinIndex => _minIndex;

    /// <summary>Highest non-empty index (undefined when empty).</summary>
    public int MaxIndex => _maxIndex;

    public long CountAt(int index) =>
        Total == 0 || index < _minIndex || index > _maxIndex ? 0 : _counts[index - _offset];

    public void Add(int index, long count)
    {
        if (count <= 0)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            return;
        }

        if (Total == 0)
        {
            EnsureCovers(index, index);
            _minIndex = index;
            _maxIndex = index;
        }
        else
        {
            if (index > _maxIndex)
            {
                RaiseMax(index);
            }

            var floor = _maxIndex - _maxBuckets + 1;
            if (index < floor)
            {
                index = floor;
            }

            if (index < _minIndex)
            {
                EnsureCovers(index, _maxIndex);
                _minIndex = index;
            }
        }

        _counts[index - _offset] += count;
        Total += count;
    }

    public void MergeFrom(BucketStore other)
    {
        if (other.Total == 0)
        {
            return;
        }

        // Raise the window first so the rest of other's buckets land in their final place in one pass.
        Add(other._maxIndex, other.CountAt(other._maxIndex));
        for (var index = other._minIndex; index < other._maxIndex; index++)
        {
            Add(index, other._counts[index - other._offset]);
        }
    }

    /// <summary>Counts from <see cref="MinIndex"/> to <see cref="MaxIndex"/> inclusive (empty when the store is).</summary>
    public long[] ToArray() => Total == 0 ? [] : _counts.AsSpan(_minIndex - _offset, _maxIndex - _minIndex + 1).ToArray();

    public BucketStore Clone()
    {
        var clone = new BucketStore(_maxBuckets)
        {
            _counts = (long[])_counts.Clone(),
            _offset = _offset,
            _minIndex = _minIndex,
            _maxIndex = _maxIndex,
            Total = Total,
        };
        return clone;
    }

    private void RaiseMax(int newMax)
    {
        var floor = newMax - _maxBuckets + 1;
        if (_minIndex < floor)
        {
            long collapsed = 0;
            var upTo = Math.Min(floor - 1, _maxIndex);
            for (var index = _minIndex; index <= upTo; index++)
            {
                collapsed += _counts[index - _offset];
                _counts[index - _offset] = 0;
            }

            EnsureCovers(floor, newMax);
            _counts[floor - _offset] += collapsed;
            _minIndex = floor;
        }
        else
        {
            EnsureCovers(_minIndex, newMax);
        }

        _maxIndex = newMax;
    }

    private void EnsureCovers(int low, int high)
    {
        if (_counts.Length > 0 && low >= _offset && high < _offset + _counts.Length)
        {
            return;
        }

        var span = high - low + 1;
        var padding = Math.Max(MinimumPadding, span / 2);
        var newOffset = low - padding;
        var newCounts = new long[span + (2 * padding)];
        if (_counts.Length > 0)
        {
            var copyLow = Math.Max(_offset, newOffset);
            var copyHigh = Math.Min(_offset + _counts.Length, newOffset + newCounts.Length) - 1;
            for (var index = copyLow; index <= copyHigh; index++)
            {
                newCounts[index - newOffset] = _counts[index - _offset];
            }
        }

        _counts = newCounts;
        _offset = newOffset;
    }
}
