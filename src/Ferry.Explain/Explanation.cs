namespace Ferry.Explain;

/// <summary>
/// Additive feature attributions for one prediction: <c>BaseValue + Σ Attributions = Output</c> (local accuracy).
/// </summary>
/// <param name="BaseValue">The expected output over the reference population (what the model says knowing nothing).</param>
/// <param name="Attributions">One value per feature (or per source feature once grouped), in <paramref name="Space"/>.</param>
/// <param name="Output">The model's output for the row, in <paramref name="Space"/>.</param>
/// <param name="Space">The units of every number here; see <see cref="ExplanationSpaces"/>.</param>
/// <param name="Method">How the attributions were computed; see <see cref="ExplanationMethods"/>.</param>
/// <param name="StandardErrors">Per-feature estimation errors for sampled methods; <see langword="null"/> when exact.</param>
public sealed record Explanation(
    double BaseValue,
    double[] Attributions,
    double Output,
    string Space,
    string Method,
    double[]? StandardErrors = null)
{
    /// <summary>The name of each attribution's feature, in order; <see langword="null"/> when the caller knows them.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>The output index explained, for models with several outputs (classes); 0 otherwise.</summary>
    public int OutputIndex { get; init; }

    /// <summary><c>|BaseValue + Σ Attributions − Output|</c>: how far from exact local accuracy (rounding only).</summary>
    public double LocalAccuracyGap
    {
        get
        {
            var sum = BaseValue;
            foreach (var value in Attributions)
            {
                sum += value;
            }

            return Math.Abs(sum - Output);
        }
    }

    /// <summary>The name of feature <paramref name="index"/>: from <see cref="FeatureNames"/>, else <c>x{index}</c>.</summary>
    public string FeatureName(int index) =>
        FeatureNames is { } names && index < names.Count ? names[index] : "x" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
