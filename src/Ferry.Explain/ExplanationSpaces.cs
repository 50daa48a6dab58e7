namespace Ferry.Explain;

/// <summary>Names of the output spaces an <see cref="Explanation"/> can be expressed in.</summary>
public static class ExplanationSpaces
{
    /// <summary>Log-odds of the positive class: the margin whose logistic is the probability.</summary>
    public const string LogOdds = "log-odds";

    /// <summary>A raw model margin that is not a calibrated log-odds (ML.NET's uncalibrated Score, softmax logits).</summary>
    public const string RawMargin = "raw-margin";

    /// <summary>A probability in [0, 1].</summary>
    public const string Probability = "probability";

    /// <summary>A regression output in the target's own units.</summary>
    public const string Value = "value";
}
