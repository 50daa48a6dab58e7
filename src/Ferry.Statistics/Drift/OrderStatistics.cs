using System.Runtime.CompilerServices;

namespace Ferry.Statistics.Drift;

/// <summary>
/// Order statistics and numpy's quantiles of unsorted values without sorting them: one pass finds the range of the
/// values' order-preserving keys (see <see cref="RadixSort"/>), one counts them in at most 65,536 equal key ranges, and
/// one gathers only the ranges that hold a wanted rank, which are then sorted. Exact (−0 reads as +0).
/// </summary>
public static class OrderStatistics
{
    private const int BucketBits = 16;

    /// <summary>The values at the 0-based <paramref name="ranks"/> of <paramref name="values"/> in ascending order (no NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Select(ReadOnlySpan<double> values, ReadOnlySpan<int> ranks)
    {
        var result = new double[ranks.Length];
        if (ranks.IsEmpty)
        {
            return result;
        }

        ulong min = ulong.MaxValue, max = 0;
        foreach (var value in values)
        {
            var key = RadixSort.Key(BitConverter.DoubleToUInt64Bits(value));
            min = Math.Min(min, key);
            max = Math.Max(max, key);
        }

        var range = max - min;
        var shift = Math.Max(0, 64 - System.Numerics.BitOperations.LeadingZeroCount(range) - BucketBits);
        var counts = new int[(int)(range >> shift) + 1];
        foreach (var value in values)
        {
            counts[(int)((RadixSort.Key(BitConverter.DoubleToUInt64Bits(value)) - min) >> shift)]++;
        }

        // The bucket of each rank, and the rank within it.
        var buckets = new int[ranks.Length];
        var within = new int[ranks.Length];
        var starts = new int[counts.Length + 1];
        for (var b = 0; b < counts.Length; b++)
        {
            starts[b + 1] = starts[b] + counts[b];
        }

        var slot = new int[counts.Length];
        Array.Fill(slot, -1);
        var gathered = new List<double[]>();
        for (var r = 0; r < ranks.Length; r++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(ranks[r]);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ranks[r], values.Length);
            var bucket = SortedSearch.UpperBound(starts, ranks[r]) - 1;
            buckets[r] = bucket;
            within[r] = ranks[r] - starts[bucket];
            if (slot[bucket] < 0)
            {
                slot[bucket] = gathered.Count;
                gathered.Add(new double[counts[bucket]]);
            }
        }

        var filled = new int[gathered.Count];
        foreach (var value in values)
        {
            var s = slot[(int)((RadixSort.Key(BitConverter.DoubleToUInt64Bits(value)) - min) >> shift)];
            if (s >= 0)
            {
                gathered[s][filled[s]++] = value + 0.0;
            }
        }

        foreach (var into in gathered)
        {
            RadixSort.Sort(into);
        }

        for (var r = 0; r < ranks.Length; r++)
        {
            result[r] = gathered[slot[buckets[r]]][within[r]];
        }

        return result;
    }

    /// <summary>
    /// <see cref="ExactDrift.DecileEdges"/> of unsorted values (finite, no NaN): np.unique(np.quantile(values, [0.1, …, 0.9])),
    /// bit for bit as on the sorted values.
    /// </summary>
    public static double[] DecileEdges(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        if (n == 0)
        {
            return [];
        }

        // The two neighbouring ranks numpy's 'linear' quantile reads for each decile.
        var ranks = new int[18];
        for (var k = 1; k < 10; k++)
        {
            var virtualIndex = (n - 1) * (k / 10.0);
            var previous = (int)Math.Floor(virtualIndex);
            ranks[(2 * k) - 2] = Math.Min(previous, n - 1);
            ranks[(2 * k) - 1] = Math.Min(previous + 1, n - 1);
        }

        var order = Select(values, ranks);
        var edges = new List<double>(9);
        for (var k = 1; k < 10; k++)
        {
            var virtualIndex = (n - 1) * (k / 10.0);
            var previous = (int)Math.Floor(virtualIndex);
            var a = order[(2 * k) - 2];
            var b = order[(2 * k) - 1];
            double edge;
            if (virtualIndex >= n - 1)
            {
                edge = b;
            }
            else
            {
                var gamma = virtualIndex - previous;
                var difference = b - a;
                edge = gamma >= 0.5 ? b - (difference * (1 - gamma)) : a + (difference * gamma);
            }

            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        return [.. edges];
    }
}
