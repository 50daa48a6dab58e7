using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Ferry.Statistics.Profiles;

namespace Ferry.Statistics.Drift;

/// <summary>
/// Reference layouts and profiles of numeric columns built from their sorted values in a few passes (binary searches
/// for the range and the bins), for callers that hold the raw values and test them exactly (<c>ferry drift</c>): the
/// same schema, counts, range and bins as <see cref="ReferenceProfile.Build"/> and <see cref="ColumnProfile.AddNumber"/>
/// give, without a sketch insert per value.
/// </summary>
public static class SortedProfiles
{
    /// <summary>
    /// The numeric layout <see cref="ReferenceProfile.Build"/> gives a column with 10 bins: the deciles of its finite
    /// values as edges (repeats removed) and their range.
    /// </summary>
    /// <param name="name">Column name.</param>
    /// <param name="sortedPresent">The column's present values, sorted (±∞ allowed, no NaN).</param>
    public static ColumnSchema NumericSchema(string name, ReadOnlySpan<double> sortedPresent)
    {
        var finite = Finite(sortedPresent);
        return finite.IsEmpty
            ? ColumnSchema.Numeric(name, [], double.NaN, double.NaN)
            : ColumnSchema.Numeric(name, ExactDrift.DecileEdges(finite), finite[0] + 0.0, finite[^1] + 0.0);
    }

    /// <summary>
    /// The profile of a numeric column laid out by <paramref name="schema"/>, equal in every count, the range and the
    /// bins to adding each value with <see cref="ColumnProfile.AddNumber"/>. Its quantile sketch stays empty: the exact
    /// tests read the values themselves.
    /// </summary>
    /// <param name="schema">The column's layout (numeric).</param>
    /// <param name="sortedPresent">The column's present values, sorted (±∞ count as invalid, no NaN).</param>
    /// <param name="missing">How many values were missing (NaN).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ColumnProfile NumericProfile(ColumnSchema schema, ReadOnlySpan<double> sortedPresent, long missing)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var finite = Finite(sortedPresent);
        double sum = 0, sumOfSquares = 0;
        foreach (var value in finite)
        {
            sum += value;
            sumOfSquares += value * value;
        }

        var below = double.IsNaN(schema.ReferenceMin) ? 0 : SortedSearch.LowerBound(finite, schema.ReferenceMin);
        var above = double.IsNaN(schema.ReferenceMax) ? 0 : finite.Length - SortedSearch.UpperBound(finite, schema.ReferenceMax);
        var bins = new long[schema.BinEdges.Length + 1];
        var start = 0;
        for (var b = 0; b < schema.BinEdges.Length; b++)
        {
            var end = start + SortedSearch.UpperBound(finite[start..], schema.BinEdges[b]);
            bins[b] = end - start;
            start = end;
        }

        bins[^1] = finite.Length - start;
        return new ColumnProfile(
            schema.Name,
            ColumnKind.Numeric,
            schema.BinEdges,
            schema.ReferenceMin,
            schema.ReferenceMax,
            [],
            finite.Length,
            missing,
            sortedPresent.Length - finite.Length,
            finite.IsEmpty ? double.NaN : finite[0] + 0.0,
            finite.IsEmpty ? double.NaN : finite[^1] + 0.0,
            sum,
            sumOfSquares,
            below,
            above,
            bins,
            new QuantileSketch(),
            [],
            0);
    }

    /// <summary>The layout <see cref="NumericSchema"/> gives, from the column's finite values in any order.</summary>
    /// <param name="name">Column name.</param>
    /// <param name="finite">The column's finite values, unsorted.</param>
    public static ColumnSchema NumericSchemaUnsorted(string name, ReadOnlySpan<double> finite)
    {
        if (finite.IsEmpty)
        {
            return ColumnSchema.Numeric(name, [], double.NaN, double.NaN);
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var value in finite)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        return ColumnSchema.Numeric(name, OrderStatistics.DecileEdges(finite), min + 0.0, max + 0.0);
    }

    /// <summary>The profile <see cref="NumericProfile"/> gives, from the column's finite values in any order.</summary>
    /// <param name="schema">The column's layout (numeric).</param>
    /// <param name="finite">The column's finite values, unsorted.</param>
    /// <param name="missing">How many values were missing (NaN).</param>
    /// <param name="invalid">How many values were ±∞.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ColumnProfile NumericProfileUnsorted(ColumnSchema schema, ReadOnlySpan<double> finite, long missing, long invalid)
    {
        ArgumentNullException.ThrowIfNull(schema);
        double sum = 0, sumOfSquares = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        long below = 0, above = 0;
        var edges = schema.BinEdges;
        var bins = new long[edges.Length + 1];
        double referenceMin = schema.ReferenceMin, referenceMax = schema.ReferenceMax;
        if (edges.Length <= 12 && Vector256.IsHardwareAccelerated)
        {
            // A value's bin is the number of edges below it: three vector compares against the edges padded with +∞
            // (never below a finite value), no branch per value.
            Span<double> padded = stackalloc double[12];
            padded.Fill(double.PositiveInfinity);
            edges.CopyTo(padded);
            var low = Vector256.Create<double>(padded[..4]);
            var middle = Vector256.Create<double>(padded[4..8]);
            var high = Vector256.Create<double>(padded[8..]);
            foreach (var value in finite)
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
                sum += value;
                sumOfSquares += value * value;
                below += value < referenceMin ? 1 : 0;
                above += value > referenceMax ? 1 : 0;
                var broadcast = Vector256.Create(value);
                var mask = Vector256.LessThan(low, broadcast).ExtractMostSignificantBits()
                    | (Vector256.LessThan(middle, broadcast).ExtractMostSignificantBits() << 4)
                    | (Vector256.LessThan(high, broadcast).ExtractMostSignificantBits() << 8);
                bins[BitOperations.PopCount(mask)]++;
            }
        }
        else
        {
            foreach (var value in finite)
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
                sum += value;
                sumOfSquares += value * value;
                below += value < referenceMin ? 1 : 0;
                above += value > referenceMax ? 1 : 0;
                bins[SortedSearch.LowerBound(edges, value)]++;
            }
        }

        return new ColumnProfile(
            schema.Name,
            ColumnKind.Numeric,
            edges,
            schema.ReferenceMin,
            schema.ReferenceMax,
            [],
            finite.Length,
            missing,
            invalid,
            finite.IsEmpty ? double.NaN : min + 0.0,
            finite.IsEmpty ? double.NaN : max + 0.0,
            sum,
            sumOfSquares,
            below,
            above,
            bins,
            new QuantileSketch(),
            [],
            0);
    }

    /// <summary>The finite middle of a sorted span (−∞ first, +∞ last).</summary>
    public static ReadOnlySpan<double> Finite(ReadOnlySpan<double> sortedPresent)
    {
        var start = 0;
        while (start < sortedPresent.Length && double.IsNegativeInfinity(sortedPresent[start]))
        {
            start++;
        }

        var end = sortedPresent.Length;
        while (end > start && double.IsPositiveInfinity(sortedPresent[end - 1]))
        {
            end--;
        }

        return sortedPresent[start..end];
    }
}
