using System.Globalization;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Oversight;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Explain.Reasons;
using Ferry.Server.Serving;

namespace Ferry.Server.Explain.Notices;

/// <summary>
/// Builds decision notices (EU AI Act Art. 86) from what Ferry keeps of a logged prediction: its output, its explanation
/// recomputed with the version that answered, its reviews and the model card's decision rule and contest text.
/// </summary>
/// <remarks>
/// Factors are the explanation's attributions in its own rank order (largest absolute SHAP value first, zero values
/// left out), at most <see cref="ReasonSettings.Count"/> of them. A positive SHAP value <em>raised</em> the explained
/// class's score, a negative one <em>lowered</em> it; the factor counted <em>in favour of</em> the decision when it moved
/// the score toward the decided class (raised it when the decision is the explained class, lowered it otherwise) and
/// <em>against</em> it otherwise.
/// </remarks>
public static class DecisionNotices
{
    /// <summary>Kind of a notice on a model's score.</summary>
    public const string ModelKind = "model";

    /// <summary>Kind of a notice on a fallback answer (the endpoint was suspended; the case went to a person).</summary>
    public const string FallbackKind = "fallback";

    /// <summary>Kind of a notice whose personal inputs were erased.</summary>
    public const string ErasedKind = "erased";

    /// <summary>The contest text when the model card has none.</summary>
    public static string DefaultContest(Guid predictionId) =>
        $"You may contest this decision and ask for it to be reviewed by a person: contact the organisation that made it and quote the reference {predictionId}.";

    /// <summary>Builds the notice of one logged prediction.</summary>
    /// <exception cref="NotFoundException">The endpoint has no such logged prediction.</exception>
    public static async Task<DecisionNoticeView> BuildAsync(
        string endpoint,
        Guid id,
        ReasonSettings settings,
        IPredictionStore predictions,
        IPredictionReviewStore reviews,
        IRegistryStore registry,
        IModelCardStore cards,
        PolicyCache policies,
        ModelCache models,
        Explainers explainers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(policies);
        var logged = await predictions.FindAsync(endpoint, id, cancellationToken)
            ?? throw new NotFoundException($"Endpoint '{endpoint}' has no logged prediction {id} (or retention removed it).");
        var prediction = logged.Prediction;
        var history = await reviews.ListAsync(id, cancellationToken);
        var fallback = prediction.ModelVersion == 0;
        var fields = fallback
            ? await PrimaryCardAsync(endpoint, policies, cards, cancellationToken)
            : await CardFieldsAsync(cards, prediction.ModelName, prediction.ModelVersion, cancellationToken);
        var outputs = Outputs.Read(prediction.OutputsJson);
        var contest = fields.Contest is { } c && !string.IsNullOrWhiteSpace(c) ? c.Trim() : DefaultContest(id);
        var erasedAt = prediction.ErasedAt is { } erased ? DateTimeOffset.FromUnixTimeMilliseconds(erased) : (DateTimeOffset?)null;

        NoticeDecisionView decision;
        IReadOnlyList<NoticeFactorView> factors = [];
        string? note;
        string kind;
        if (fallback)
        {
            kind = FallbackKind;
            var why = outputs.Reason is { Length: > 0 } reason ? $" (reason: {reason})" : string.Empty;
            decision = new NoticeDecisionView("referred to a person",
                $"The automated model was not used for this case{why}: it was referred to a person, who decides it.",
                null, null, null, null, null);
            note = "No factors: the decision was not made by the model.";
        }
        else
        {
            decision = Decide(fields, outputs);
            if (erasedAt is { } at)
            {
                kind = ErasedKind;
                note = $"The personal inputs of this case were erased on {Day(at)} at the data subject's request, so its factors cannot be recomputed; the decision's record (reference, time, model version, outcome and digests) is kept.";
            }
            else
            {
                kind = ModelKind;
                (decision, factors, note) = await ExplainAsync(prediction, decision, fields, settings, registry, models, explainers, cancellationToken);
            }
        }

        var reviewViews = history.Select(r => Review(r, fields, outputs)).ToList();
        var latest = reviewViews.Count > 0 ? reviewViews[^1] : null;
        var final = latest is { Action: "override", Outcome: { } outcome } ? outcome : decision.Text;
        return new DecisionNoticeView(endpoint, id, DateTimeOffset.FromUnixTimeMilliseconds(prediction.Timestamp), prediction.ModelName,
            prediction.ModelVersion, kind, decision, factors, note, latest, reviewViews, final, contest, erasedAt);
    }

    private static async Task<(NoticeDecisionView Decision, IReadOnlyList<NoticeFactorView> Factors, string? Note)> ExplainAsync(
        PredictionRecord prediction, NoticeDecisionView decision, ModelCardFields fields, ReasonSettings settings, IRegistryStore registry, ModelCache models, Explainers explainers, CancellationToken cancellationToken)
    {
        ExplanationView view;
        IReadOnlyDictionary<string, object?> typical;
        try
        {
            (view, typical) = await LoggedExplanations.ExplainWithTypicalAsync(prediction, settings, registry, models, explainers, cancellationToken);
        }
        catch (ValidationException e)
        {
            return (decision, [], "The factors cannot be given yet: " + string.Join(" ", e.Errors.SelectMany(kv => kv.Value.Select(m => $"{kv.Key} {m}"))));
        }
        catch (NotFoundException e)
        {
            return (decision, [], "The factors cannot be given: " + e.Message);
        }

        IReadOnlyList<AttributionView> attributions = view.Attributions;
        string? explained;
        bool? decidedIsExplained;
        if (view.Classes is { } classes)
        {
            // Multiclass: the decided class's own explanation, so every factor speaks of the decision's score.
            var decided = decision.Label is { } label ? classes.FirstOrDefault(c => c.Class == label) : null;
            attributions = decided?.Attributions ?? view.Attributions;
            explained = decided?.Class ?? view.Class;
            decidedIsExplained = decided is not null || (decision.Label is not null && decision.Label == view.Class);
        }
        else
        {
            explained = decision.ExplainedClass;
            decidedIsExplained = decision.DecidedClassIsExplained;
        }

        var scoreName = ScoreName(fields, explained, view.Classes is null, decision);
        var units = view.Space switch
        {
            "log-odds" => " (in log-odds)",
            "raw-margin" => " (in the model's raw score)",
            "probability" => " (in probability)",
            _ => string.Empty,
        };
        var factors = attributions
            .Where(a => a.Contribution != 0 && double.IsFinite(a.Contribution))
            .Take(Math.Max(0, settings.Count))
            .Select((a, index) =>
            {
                var direction = a.Contribution > 0 ? "raised" : "lowered";
                string? effect = decidedIsExplained is { } same ? ((a.Contribution > 0) == same ? "in favour of" : "against") : null;
                var usual = typical.TryGetValue(a.Feature, out var t) ? t : null;
                var sentence = $"{ReasonCodes.Describe(a.Feature, a.Value, usual)}: this {direction} {scoreName} by {ReasonCodes.FormatNumber(Math.Abs(a.Contribution))}{units}"
                    + (effect is null ? "." : $", which counted {effect} the decision '{decision.Text}'.");
                return new NoticeFactorView(index + 1, a.Feature, a.Value, usual, a.Contribution, direction, effect, sentence);
            })
            .ToList();
        var note = factors.Count == 0
            ? "No input moved the model's score away from its average for this case."
            : $"The factors are the inputs that moved the model's score most, strongest first, computed by {view.Method}: each one's amount is its share of the difference between this case's score and the average score{units}.";
        return (decision with { ExplainedClass = explained, DecidedClassIsExplained = decidedIsExplained }, factors, note);
    }

    private static string ScoreName(ModelCardFields fields, string? explained, bool binary, NoticeDecisionView decision)
    {
        if (explained is null)
        {
            return decision.Label is null ? "the predicted value" : "the model's score";
        }

        return binary && fields.PositiveOutcome is { Length: > 0 } outcome
            ? $"the model's score for {outcome}"
            : $"the model's score for class '{explained}'";
    }

    /// <summary>The automated decision in words, from the card's decision rule when it has one.</summary>
    private static NoticeDecisionView Decide(ModelCardFields fields, Outputs outputs)
    {
        var binary = outputs.Classes.Count <= 2 && (outputs.Score is not null || outputs.Classes.Count == 2);
        var positiveLabel = outputs.Classes.Count == 2 ? outputs.Classes[1] : outputs.Label is "0" or "1" ? "1" : null;
        if (outputs.Label is null && outputs.Classes.Count == 0 && outputs.Score is { } value)
        {
            var number = value.ToString("0.####", CultureInfo.InvariantCulture);
            return new NoticeDecisionView(number, $"The model's predicted value is {number}.", null, value, null, null, null);
        }

        if (outputs.Classes.Count > 2 || !binary)
        {
            var label = outputs.Label ?? "unknown";
            var probability = outputs.Probability(label) is { } p ? $" with probability {p.ToString("0.000", CultureInfo.InvariantCulture)}" : string.Empty;
            return new NoticeDecisionView(label, $"The model predicted class '{label}'{probability}.", outputs.Label, outputs.Score, null, label, true);
        }

        var what = fields.PositiveOutcome is { Length: > 0 } word ? $"the probability of {word}" : positiveLabel is null ? "the score" : $"the probability of class '{positiveLabel}'";
        if (fields.DecisionThreshold is { } threshold && outputs.Score is { } score)
        {
            var positive = score >= threshold;
            var text = positive ? Word(fields.PositiveDecision, "positive") : Word(fields.NegativeDecision, "negative");
            var statement = $"The model estimated {what} at {score.ToString("0.000", CultureInfo.InvariantCulture)}, "
                + $"{(positive ? "at or above" : "below")} the decision threshold {threshold.ToString("0.###", CultureInfo.InvariantCulture)}, so the decision is '{text}'.";
            return new NoticeDecisionView(text, statement, outputs.Label, score, threshold, positiveLabel, positive);
        }

        var predicted = outputs.Label ?? (outputs.Score >= 0.5 ? positiveLabel : (outputs.Classes.Count > 0 ? outputs.Classes[0] : null)) ?? "unknown";
        var isPositive = positiveLabel is not null && predicted == positiveLabel;
        var name = ClassName(predicted, positiveLabel, fields);
        var scored = outputs.Score is { } s ? $" ({what}: {s.ToString("0.000", CultureInfo.InvariantCulture)})" : string.Empty;
        return new NoticeDecisionView(name, $"The model predicted '{name}'{scored}.", outputs.Label, outputs.Score, null, positiveLabel, positiveLabel is null ? null : isPositive);
    }

    /// <summary>A class label in words: the card's positive outcome for the positive class ("default"), "no default" for the other.</summary>
    private static string ClassName(string label, string? positiveLabel, ModelCardFields fields)
    {
        if (positiveLabel is null || fields.PositiveOutcome is not { Length: > 0 } outcome)
        {
            return label;
        }

        return label == positiveLabel ? outcome : $"no {outcome}";
    }

    private static NoticeReviewView Review(PredictionReview review, ModelCardFields fields, Outputs outputs)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(review.CreatedAt);
        var action = review.Action.ToString().ToLowerInvariant();
        string? outcome = null;
        string statement;
        switch (review.Action)
        {
            case ReviewAction.Confirm:
                statement = $"A person ({review.Actor}) reviewed the decision on {Day(at)} and confirmed it.";
                break;
            case ReviewAction.Override:
                outcome = OutcomeWords(review.Outcome, fields, outputs);
                statement = $"A person ({review.Actor}) reviewed the decision on {Day(at)} and replaced it with '{outcome}'.";
                break;
            default:
                statement = $"A person ({review.Actor}) reviewed the case on {Day(at)} and passed it to a more senior reviewer; no final human decision yet.";
                break;
        }

        return new NoticeReviewView(action, outcome, review.Reason, review.Actor, at, statement + $" Their reason: {review.Reason}");
    }

    /// <summary>An override's outcome in the card's words: a class label maps to the decision that class means.</summary>
    private static string OutcomeWords(string? outcome, ModelCardFields fields, Outputs outputs)
    {
        if (outcome is null)
        {
            return "no outcome given";
        }

        if (outputs.Classes.Count == 2 && fields.DecisionThreshold is not null)
        {
            if (outcome == outputs.Classes[1])
            {
                return Word(fields.PositiveDecision, outcome);
            }

            if (outcome == outputs.Classes[0])
            {
                return Word(fields.NegativeDecision, outcome);
            }
        }

        return outcome;
    }

    private static string Word(string? text, string fallback) => text is { } t && !string.IsNullOrWhiteSpace(t) ? t.Trim() : fallback;

    private static string Day(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static async Task<ModelCardFields> CardFieldsAsync(IModelCardStore cards, string model, int version, CancellationToken cancellationToken)
    {
        if (await cards.FindAsync(model, version, cancellationToken) is not { } json)
        {
            return new ModelCardFields();
        }

        try
        {
            return JsonSerializer.Deserialize(json, ExplainJsonContext.Default.ModelCardFields) ?? new ModelCardFields();
        }
        catch (JsonException)
        {
            return new ModelCardFields();
        }
    }

    /// <summary>The card of the endpoint's primary version (a fallback answer names no version of its own).</summary>
    private static async Task<ModelCardFields> PrimaryCardAsync(string endpoint, PolicyCache policies, IModelCardStore cards, CancellationToken cancellationToken)
    {
        var policy = await policies.GetAsync(endpoint, cancellationToken);
        var primary = policy?.Routes.Where(r => r.Role == RouteRole.Weighted).OrderByDescending(r => r.Weight).FirstOrDefault();
        return primary is null ? new ModelCardFields() : await CardFieldsAsync(cards, primary.ModelName, primary.Version, cancellationToken);
    }

    /// <summary>A logged answer's members: label, score, class probabilities (in the model's order), and a fallback's reason.</summary>
    private sealed record Outputs(string? Label, double? Score, IReadOnlyList<string> Classes, IReadOnlyDictionary<string, double> Probabilities, string? Reason)
    {
        public double? Probability(string label) => Probabilities.TryGetValue(label, out var p) ? p : null;

        public static Outputs Read(string json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return new Outputs(null, null, [], new Dictionary<string, double>(), null);
                }

                var label = root.TryGetProperty("label", out var l) ? l.ValueKind == JsonValueKind.String ? l.GetString() : l.GetRawText() : null;
                label ??= root.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
                var score = root.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : (double?)null;
                var classes = new List<string>();
                var probabilities = new Dictionary<string, double>(StringComparer.Ordinal);
                if (root.TryGetProperty("probabilities", out var p) && p.ValueKind == JsonValueKind.Object)
                {
                    foreach (var member in p.EnumerateObject())
                    {
                        classes.Add(member.Name);
                        if (member.Value.ValueKind == JsonValueKind.Number)
                        {
                            probabilities[member.Name] = member.Value.GetDouble();
                        }
                    }
                }

                var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                return new Outputs(label, score, classes, probabilities, reason);
            }
            catch (JsonException)
            {
                return new Outputs(null, null, [], new Dictionary<string, double>(), null);
            }
        }
    }
}
