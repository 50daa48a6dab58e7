using System.Text.Json.Serialization;

namespace Ferry.Core.Contracts;

/// <summary>The editable fields of a model version's card (everything else on the card is generated).</summary>
public sealed record ModelCardFields
{
    /// <summary>Who answers for the model (a team or a person).</summary>
    public string? Owner { get; set; }

    /// <summary>What the model is for, and for whom.</summary>
    public string? IntendedUse { get; set; }

    /// <summary>Where it must not be used, known weaknesses.</summary>
    public string? Limitations { get; set; }

    /// <summary>Risks to people, and how they are handled.</summary>
    public string? EthicalConsiderations { get; set; }

    /// <summary>The feature whose groups the fairness section compares (default: the first categorical feature).</summary>
    public string? FairnessAttribute { get; set; }

    /// <summary>The score from which the business takes <see cref="PositiveDecision"/> (e.g. 0.2: applications scoring 0.2 or more are refused).</summary>
    public double? DecisionThreshold { get; set; }

    /// <summary>What is decided at or above the threshold, e.g. "refused".</summary>
    public string? PositiveDecision { get; set; }

    /// <summary>What is decided below the threshold, e.g. "approved".</summary>
    public string? NegativeDecision { get; set; }

    /// <summary>What the positive class means, e.g. "default" (the outcome the business KPI counts).</summary>
    public string? PositiveOutcome { get; set; }

    /// <summary>How an affected person contests a decision (who to contact, how, by when); shown on decision notices.</summary>
    public string? Contest { get; set; }
}

/// <summary>A card: its editable fields and its Markdown.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="Fields">The editable fields.</param>
/// <param name="Markdown">The whole card as Markdown.</param>
/// <param name="Explanation">How the version's predictions are explained, when its model file could be read.</param>
public sealed record ModelCardView(
    string Model,
    int Version,
    ModelCardFields Fields,
    string Markdown,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ExplanationMethodView? Explanation = null);

/// <summary>How a version's predictions are explained.</summary>
/// <param name="Method">tree-path-dependent, linear-exact or kernel-shap.</param>
/// <param name="FallbackReason">Why KernelSHAP and not an exact method (e.g. the graph node that stopped the trace), when one was tried.</param>
public sealed record ExplanationMethodView(
    string Method,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FallbackReason);

/// <summary>One feature's share of an explanation.</summary>
/// <param name="Feature">The source feature the caller sent.</param>
/// <param name="Value">Its value in the row.</param>
/// <param name="Contribution">How much it moved the output away from the base value (in <see cref="ExplanationView.Space"/>).</param>
/// <param name="StandardError">The estimate's standard error (KernelSHAP), when estimated.</param>
public sealed record AttributionView(
    string Feature,
    object? Value,
    double Contribution,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? StandardError);

/// <summary>A reason a row was scored as it was: a feature that pushed toward the adverse outcome.</summary>
/// <param name="Rank">1 = the strongest.</param>
/// <param name="Feature">The feature.</param>
/// <param name="Value">Its value in the row.</param>
/// <param name="TypicalValue">Its typical value in the reference (median or most frequent).</param>
/// <param name="Contribution">How much it raised the adverse outcome (in the explanation's space).</param>
/// <param name="Sentence">The reason in plain words.</param>
public sealed record ReasonCodeView(int Rank, string Feature, object? Value, object? TypicalValue, double Contribution, string Sentence);

/// <summary>Why a model answered what it did for one row: base value + Σ contributions = output.</summary>
/// <param name="Model">Model that answered.</param>
/// <param name="Version">Version that answered.</param>
/// <param name="Method">tree-path-dependent, tree-interventional, linear-exact or kernel-shap.</param>
/// <param name="Space">log-odds, raw-margin, probability or value: what the numbers add up to.</param>
/// <param name="BaseValue">The expected output over the reference.</param>
/// <param name="Output">The row's output in <paramref name="Space"/>.</param>
/// <param name="Attributions">One per source feature, largest magnitude first.</param>
/// <param name="ReasonCodes">Top features that pushed toward the adverse outcome.</param>
/// <param name="PredictionId">The logged prediction explained, when one was.</param>
/// <param name="Note">How covers or the background were obtained, and anything the reader should know.</param>
/// <param name="Class">
/// For a multiclass model, the class the top-level numbers and reason codes explain (the reference's positive label when
/// it names a class, else the predicted class); absent for binary classifiers and regressors.
/// </param>
/// <param name="Classes">For a multiclass model, one explanation per class, in the model's class order; else absent.</param>
public sealed record ExplanationView(
    string Model,
    int Version,
    string Method,
    string Space,
    double BaseValue,
    double Output,
    IReadOnlyList<AttributionView> Attributions,
    IReadOnlyList<ReasonCodeView> ReasonCodes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? PredictionId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Class = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ClassExplanationView>? Classes = null);

/// <summary>One class's explanation of a multiclass model's row: base value + Σ contributions = output (that class's raw score).</summary>
/// <param name="Class">The class label.</param>
/// <param name="BaseValue">The class's expected output over the reference.</param>
/// <param name="Output">The row's output for the class, in <see cref="ExplanationView.Space"/>.</param>
/// <param name="Attributions">One per source feature, largest magnitude first.</param>
public sealed record ClassExplanationView(string Class, double BaseValue, double Output, IReadOnlyList<AttributionView> Attributions);

/// <summary>Explanations of a batch of rows.</summary>
/// <param name="Explanations">One per row, in order.</param>
public sealed record ExplanationListView(IReadOnlyList<ExplanationView> Explanations);
