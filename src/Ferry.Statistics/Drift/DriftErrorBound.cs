namespace Ferry.Statistics.Drift;

/// <summary>
/// How far an approximate drift result (computed from profiles) can be from the exact one (computed from the raw values,
/// as <see cref="ExactDrift"/> does): intervals that contain the exact score and p-value. A null end means no bound is
/// known (unbounded); <see cref="Basis"/> says how the interval was derived, or why there is none.
/// </summary>
/// <param name="ScoreLow">Lowest the exact score can be, or null.</param>
/// <param name="ScoreHigh">Highest the exact score can be, or null.</param>
/// <param name="PValueLow">Lowest the exact p-value can be (tests only), or null.</param>
/// <param name="PValueHigh">Highest the exact p-value can be (tests only), or null.</param>
/// <param name="Basis">The derivation, in words.</param>
public sealed record DriftErrorBound(double? ScoreLow, double? ScoreHigh, double? PValueLow, double? PValueHigh, string Basis)
{
    /// <summary>Largest distance between the reported score and the exact one, or null when unbounded.</summary>
    public double? ScoreError(double score) => ScoreLow is { } low && ScoreHigh is { } high ? Math.Max(score - low, high - score) : null;
}
