namespace Ferry.Explain.Trees;

/// <summary>Applies a <see cref="PostTransform"/> to a vector of raw outputs.</summary>
public static class PostTransforms
{
    /// <summary>The logistic function 1 / (1 + e^−x).</summary>
    public static double Logistic(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>Applies <paramref name="transform"/> to <paramref name="raw"/>, writing <paramref name="destination"/>.</summary>
    public static void Apply(PostTransform transform, ReadOnlySpan<double> raw, Span<double> destination)
    {
        if (destination.Length < raw.Length)
        {
            throw new ArgumentException("The destination is shorter than the input.", nameof(destination));
        }

        switch (transform)
        {
            case PostTransform.None:
                raw.CopyTo(destination);
                break;
            case PostTransform.Logistic:
                for (var i = 0; i < raw.Length; i++)
                {
                    destination[i] = Logistic(raw[i]);
                }

                break;
            case PostTransform.LogisticNormalized:
                var sum = 0.0;
                for (var i = 0; i < raw.Length; i++)
                {
                    destination[i] = Logistic(raw[i]);
                    sum += destination[i];
                }

                for (var i = 0; i < raw.Length; i++)
                {
                    destination[i] = sum > 0 ? destination[i] / sum : 0;
                }

                break;
            case PostTransform.Softmax:
            case PostTransform.SoftmaxZero:
                Softmax(raw, destination, transform == PostTransform.SoftmaxZero);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(transform), transform, "Unknown post-transform.");
        }
    }

    private static void Softmax(ReadOnlySpan<double> raw, Span<double> destination, bool keepZeros)
    {
        var max = double.NegativeInfinity;
        foreach (var value in raw)
        {
            max = Math.Max(max, value);
        }

        var sum = 0.0;
        for (var i = 0; i < raw.Length; i++)
        {
            destination[i] = keepZeros && raw[i] == 0 ? 0 : Math.Exp(raw[i] - max);
            sum += destination[i];
        }

        for (var i = 0; i < raw.Length; i++)
        {
            destination[i] = sum > 0 ? destination[i] / sum : 0;
        }
    }
}
