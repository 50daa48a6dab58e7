using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ferry.Explain.Shap;

/// <summary>
/// EXTEND, UNWIND and the unwound-path sum of path-dependent TreeSHAP (Lundberg, Erion &amp; Lee 2018, Algorithm 2,
/// in the numerically guarded form XGBoost uses). <c>depth</c> is the index of the last element on the path. The
/// hot loops multiply by a table of reciprocals instead of dividing and read the path without bounds checks: every
/// index is in [0, depth], and callers size the buffer from the tree depth (<see cref="MaxDepth"/> at most).
/// </summary>
internal static class UniquePath
{
    /// <summary>The deepest unique path supported (trees deeper than this are refused by the explainer).</summary>
    public const int MaxDepth = 1000;

    private static readonly double[] Reciprocals = [.. Enumerable.Range(0, MaxDepth + 3).Select(n => n == 0 ? 0 : 1.0 / n)];

    public static void Extend(Span<PathElement> path, int depth, double zero, double one, int feature)
    {
        ref var p = ref MemoryMarshal.GetReference(path[..(depth + 1)]);
        Unsafe.Add(ref p, depth) = new PathElement { Feature = feature, Zero = zero, One = one, Weight = depth == 0 ? 1 : 0 };
        var inverse = Reciprocal(depth + 1);
        for (var i = depth - 1; i >= 0; i--)
        {
            ref var element = ref Unsafe.Add(ref p, i);
            Unsafe.Add(ref p, i + 1).Weight += one * element.Weight * (i + 1) * inverse;
            element.Weight = zero * element.Weight * (depth - i) * inverse;
        }
    }

    public static void Unwind(Span<PathElement> path, int depth, int index)
    {
        ref var p = ref MemoryMarshal.GetReference(path[..(depth + 1)]);
        var one = Unsafe.Add(ref p, index).One;
        var zero = Unsafe.Add(ref p, index).Zero;
        var next = Unsafe.Add(ref p, depth).Weight;
        var total = (double)(depth + 1);
        if (one != 0)
        {
            var inverseOne = 1 / one;
            var scaledZero = zero * Reciprocal(depth + 1);
            for (var i = depth - 1; i >= 0; i--)
            {
                ref var element = ref Unsafe.Add(ref p, i);
                var tmp = element.Weight;
                element.Weight = next * total * inverseOne * Reciprocal(i + 1);
                next = tmp - (element.Weight * scaledZero * (depth - i));
            }
        }
        else
        {
            var inverseZero = 1 / zero;
            for (var i = depth - 1; i >= 0; i--)
            {
                ref var element = ref Unsafe.Add(ref p, i);
                element.Weight = element.Weight * total * inverseZero * Reciprocal(depth - i);
            }
        }

        for (var i = index; i < depth; i++)
        {
            ref var element = ref Unsafe.Add(ref p, i);
            ref readonly var following = ref Unsafe.Add(ref p, i + 1);
            element.Feature = following.Feature;
            element.Zero = following.Zero;
            element.One = following.One;
        }
    }

    public static double UnwoundSum(ReadOnlySpan<PathElement> path, int depth, int index)
    {
        ref var p = ref MemoryMarshal.GetReference(path[..(depth + 1)]);
        var one = Unsafe.Add(ref p, index).One;
        var zero = Unsafe.Add(ref p, index).Zero;
        var total = 0.0;
        if (one != 0)
        {
            var next = Unsafe.Add(ref p, depth).Weight;
            var inverseOne = 1 / one;
            for (var i = depth - 1; i >= 0; i--)
            {
                var tmp = next * inverseOne * Reciprocal(i + 1);
                total += tmp;
                next = Unsafe.Add(ref p, i).Weight - (tmp * zero * (depth - i));
            }
        }
        else
        {
            var inverseZero = 1 / zero;
            for (var i = depth - 1; i >= 0; i--)
            {
                total += Unsafe.Add(ref p, i).Weight * inverseZero * Reciprocal(depth - i);
            }
        }

        return total * (depth + 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Reciprocal(int n) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Reciprocals), n);
}
