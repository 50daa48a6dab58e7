namespace CreditRisk.Data;

/// <summary>
/// How the demo bank decides on a scored application: refuse when the model's probability of default is at least
/// <see cref="RefusalThreshold"/> (about three times the baseline default rate), approve otherwise. A cut-off set by
/// risk appetite, not the classifier's 0.5: with a default rate near 7%, a calibrated model rarely says "more likely
/// than not".
/// </summary>
public static class LendingPolicy
{
    /// <summary>The probability of default from which an application is refused.</summary>
    public const double RefusalThreshold = 0.2;

    /// <summary>True when an application with this probability of default is refused.</summary>
    public static bool Refuses(double defaultProbability) => defaultProbability >= RefusalThreshold;
}
