using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ferry.Statistics.Drift;

/// <summary>
/// Sorts doubles ascending by a least-significant-digit radix sort on their IEEE-754 bit patterns mapped to
/// order-preserving unsigned keys (11-bit digits, six passes at most, a pass skipped when every value shares its digit):
/// several times faster than <see cref="Array.Sort(Array)"/> on large arrays, and stable.
/// </summary>
/// <remarks>The values must not be NaN. −0 becomes +0 (the two compare equal, so every statistic is unchanged and the
/// result equals <see cref="Array.Sort(Array)"/>'s under <c>==</c>).</remarks>
public static class RadixSort
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;
    private const int Passes = (64 + DigitBits - 1) / DigitBits;

    /// <summary>Below this length <see cref="MemoryExtensions.Sort{T}(Span{T})"/> is faster.</summary>
    private const int SmallLength = 4096;

    /// <summary>Sorts <paramref name="values"/> (no NaN) in place.</summary>
    public static void Sort(Span<double> values)
    {
        if (values.Length < SmallLength)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] += 0.0;
            }

            values.Sort();
            return;
        }

        var scratch = ArrayPool<ulong>.Shared.Rent(values.Length);
        try
        {
            Sort(MemoryMarshal.Cast<double, ulong>(values), scratch.AsSpan(0, values.Length));
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(scratch);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sort(Span<ulong> bits, Span<ulong> scratch)
    {
        var counts = new int[Passes * Buckets];
        for (var i = 0; i < bits.Length; i++)
        {
            var key = Key(bits[i]);
            bits[i] = key;
            for (var p = 0; p < Passes; p++)
            {
                counts[(p * Buckets) + (int)((key >> (p * DigitBits)) & (Buckets - 1))]++;
            }
        }

        var source = bits;
        var target = scratch;
        var offsets = new int[Buckets];
        for (var p = 0; p < Passes; p++)
        {
            var pass = counts.AsSpan(p * Buckets, Buckets);
            if (pass.IndexOf(bits.Length) >= 0)
            {
                continue; // every key has the same digit here: the order is unchanged
            }

            var total = 0;
            for (var b = 0; b < Buckets; b++)
            {
                offsets[b] = total;
                total += pass[b];
            }

            var shift = p * DigitBits;
            foreach (var key in source)
            {
                target[offsets[(int)((key >> shift) & (Buckets - 1))]++] = key;
            }

            var swap = source;
            source = target;
            target = swap;
        }

        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = Value(source[i]);
        }
    }

    /// <summary>The order-preserving key: flip every bit of a negative value, only the sign bit of a positive one; −0 maps as +0.</summary>
    internal static ulong Key(ulong bits)
    {
        // Branch-free (signs mix unpredictably): the arithmetic shift spreads the sign bit over the whole mask.
        bits = bits == 0x8000_0000_0000_0000UL ? 0 : bits;
        return bits ^ ((ulong)((long)bits >> 63) | 0x8000_0000_0000_0000UL);
    }

    internal static ulong Value(ulong key) => (key & 0x8000_0000_0000_0000UL) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key;
}
