namespace Ferry.Explain.Reasons;

/// <summary>One reason a prediction leaned toward the adverse outcome.</summary>
/// <param name="Rank">1 for the strongest reason.</param>
/// <param name="Feature">The source feature.</param>
/// <param name="Value">The row's value of the feature (number, string or null).</param>
/// <param name="TypicalValue">The feature's typical reference value (median or mode), or null when unknown.</param>
/// <param name="Contribution">The feature's attribution (signed), in <paramref name="Space"/>.</param>
/// <param name="Space">The units of <paramref name="Contribution"/> and of the sentence's "by" (the explanation's space).</param>
/// <param name="Sentence">A plain sentence, e.g. "debt_to_income 0.61 is above the typical 0.32: raises risk by 0.12".</param>
public sealed record ReasonCode(int Rank, string Feature, object? Value, object? TypicalValue, double Contribution, string Space, string Sentence);
