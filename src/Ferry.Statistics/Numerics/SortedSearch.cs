namespace Ferry.Statistics.Numerics;

/// <summary>Binary search over ascending bin edges.</summary>
internal static class SortedSearch
{
    /// <summary>np.searchsorted(edges, value, side='left'): the number of edges strictly below <paramref name="value"/>.</summary>
    public static int LowerBound(double[] edges, double value)
    {
        int low = 0, high = edges.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (edges[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
