using Ferry.Explain.Trees;

namespace Ferry.Explain.Linear;

/// <summary>
/// A linear (or generalised linear) model: raw output k = <c>Intercepts[k] + Σ_i Coefficients[k][i]·x_i</c>, then
/// <see cref="PostTransform"/> (logistic for a binary logistic regression: one output, the positive class's log-odds).
/// </summary>
public sealed class LinearModel
{
    private readonly double[][] _coefficients;
    private readonly double[] _intercepts;

    /// <summary>Creates a model with one coefficient row and intercept per output.</summary>
    public LinearModel(
        IReadOnlyList<IReadOnlyList<double>> coefficients,
        IReadOnlyList<double> intercepts,
        PostTransform postTransform = PostTransform.None,
        string? marginSpace = null)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(intercepts);
        _coefficients = [.. coefficients.Select(row => row.ToArray())];
        _intercepts = [.. intercepts];
        if (_coefficients.Length == 0 || _coefficients.Length != _intercepts.Length)
        {
            throw new ArgumentException("Expected one coefficient row per intercept (and at least one).", nameof(coefficients));
        }

        FeatureCount = _coefficients[0].Length;
        if (FeatureCount == 0 || _coefficients.Any(row => row.Length != FeatureCount))
        {
            throw new ArgumentException("Every coefficient row must have the same, non-zero length.", nameof(coefficients));
        }

        PostTransform = postTransform;
        MarginSpace = marginSpace ?? postTransform switch
        {
            PostTransform.Logistic => ExplanationSpaces.LogOdds,
            PostTransform.None => ExplanationSpaces.Value,
            _ => ExplanationSpaces.RawMargin,
        };
    }

    /// <summary>Coefficients, one row per output.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Coefficients => _coefficients;

    /// <summary>Intercepts, one per output.</summary>
    public IReadOnlyList<double> Intercepts => _intercepts;

    /// <summary>The number of inputs.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of outputs.</summary>
    public int OutputCount => _intercepts.Length;

    /// <summary>The function turning raw outputs into final ones.</summary>
    public PostTransform PostTransform { get; }

    /// <summary>The explanation space of the raw output.</summary>
    public string MarginSpace { get; }

    /// <summary>Raw outputs (margins).</summary>
    public double[] PredictRaw(ReadOnlySpan<double> x)
    {
        if (x.Length < FeatureCount)
        {
            throw new ArgumentException($"Expected {FeatureCount} features, got {x.Length}.", nameof(x));
        }

        var raw = new double[OutputCount];
        for (var k = 0; k < raw.Length; k++)
        {
            var sum = _intercepts[k];
            for (var i = 0; i < FeatureCount; i++)
            {
                sum += _coefficients[k][i] * x[i];
            }

            raw[k] = sum;
        }

        return raw;
    }

    /// <summary>Final outputs after <see cref="PostTransform"/>.</summary>
    public double[] PredictTransformed(ReadOnlySpan<double> x)
    {
        var raw = PredictRaw(x);
        PostTransforms.Apply(PostTransform, raw, raw);
        return raw;
    }
}
