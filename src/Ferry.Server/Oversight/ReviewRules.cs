using System.Globalization;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;

namespace Ferry.Server.Oversight;

/// <summary>
/// The rules a review must meet, and how a logged answer (<c>{"label", "score", "probabilities"}</c>, the same whether
/// the model's probabilities came as a tensor or as ZipMap's maps) is read for the review queue.
/// </summary>
public static class ReviewRules
{
    /// <summary>Longest reason accepted, in characters.</summary>
    public const int MaxReasonLength = 2000;

    /// <summary>The action's wire name.</summary>
    public static string Name(ReviewAction action) => action.ToString().ToLowerInvariant();

    /// <summary>Reads an action's wire name.</summary>
    /// <exception cref="ValidationException">Missing or unknown.</exception>
    public static ReviewAction ParseAction(string? action) => action switch
    {
        "confirm" => ReviewAction.Confirm,
        "override" => ReviewAction.Override,
        "escalate" => ReviewAction.Escalate,
        null or "" => throw new ValidationException("action", "is required: confirm, override or escalate"),
        _ => throw new ValidationException("action", $"'{action}' is not one of confirm, override, escalate"),
    };

    /// <summary>Checks the reason: present, not blank, at most <see cref="MaxReasonLength"/> characters.</summary>
    /// <exception cref="ValidationException">It is not.</exception>
    public static string Reason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationException("reason", "is required: say why");
        }

        return reason.Length > MaxReasonLength
            ? throw new ValidationException("reason", $"must be at most {MaxReasonLength} characters, not {reason.Length}")
            : reason.Trim();
    }

    /// <summary>
    /// The override's outcome as stored text: required for an override and refused otherwise; a JSON string or number.
    /// For a classifier (its logged answer has probabilities) it must be one of the classes; for a model that answered a
    /// score alone it must be a number.
    /// </summary>
    /// <exception cref="ValidationException">The outcome breaks one of those rules; the message says which.</exception>
    public static string? Outcome(ReviewAction action, JsonElement? outcome, string outputsJson)
    {
        var given = outcome is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } value ? value : (JsonElement?)null;
        if (action != ReviewAction.Override)
        {
            return given is null ? null : throw new ValidationException("outcome", $"is only for an override, not for {Name(action)}");
        }

        if (given is not { } element)
        {
            throw new ValidationException("outcome", "is required for an override: the human's decision");
        }

        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.Number => NumberText(element),
            _ => throw new ValidationException("outcome", $"must be a string or a number, not {element.ValueKind.ToString().ToLowerInvariant()}"),
        };
        if (text.Length == 0)
        {
            throw new ValidationException("outcome", "must not be empty");
        }

        var answer = Answer.Read(outputsJson);
        if (answer.Classes is { Count: > 0 } classes)
        {
            return classes.Contains(text, StringComparer.Ordinal)
                ? text
                : throw new ValidationException("outcome", $"'{text}' is not one of the model's classes ({string.Join(", ", classes)})");
        }

        if (answer.Score is not null && answer.Label is null
            && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw new ValidationException("outcome", $"'{text}' is not a number, and the model answers a number");
        }

        return text;
    }

    /// <summary>
    /// The score a logged answer has for the review queue: the probability of <paramref name="scoreClass"/> (null: the
    /// positive class, "1" when the model has it, else its last class), or the score of a model without probabilities.
    /// Null when the answer has neither (an error row, or a label alone).
    /// </summary>
    public static (double Score, string? Class, string? Label)? Score(string outputsJson, string? scoreClass)
    {
        var answer = Answer.Read(outputsJson);
        if (answer.Probabilities is { Count: > 0 } probabilities)
        {
            var chosen = scoreClass ?? (probabilities.ContainsKey("1") ? "1" : answer.Classes![^1]);
            return probabilities.TryGetValue(chosen, out var p) && p is { } probability ? (probability, chosen, answer.Label) : null;
        }

        return answer.Score is { } score ? (score, null, answer.Label) : null;
    }

    /// <summary>A stored review as the API shows it.</summary>
    public static ReviewView View(PredictionReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        return new ReviewView(review.Id, review.PredictionId, review.EndpointName, review.ModelName, review.ModelVersion,
            Name(review.Action), review.Outcome, review.Reason, review.Actor, DateTimeOffset.FromUnixTimeMilliseconds(review.CreatedAt));
    }

    /// <summary>
    /// The feedback an override becomes when overrides are ground truth: a label for a model that answers labels or
    /// probabilities, a value for one that answers a number alone.
    /// </summary>
    public static FeedbackItem Feedback(Guid predictionId, string outcome, string outputsJson)
    {
        var answer = Answer.Read(outputsJson);
        return answer.Label is null && answer.Probabilities is null && answer.Score is not null
            && double.TryParse(outcome, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? new FeedbackItem(predictionId, null, value)
            : new FeedbackItem(predictionId, outcome, null);
    }

    /// <summary>Checks review settings: the band within 0..1 with low at most high (both or neither), the limit in (0, 1].</summary>
    /// <exception cref="ValidationException">Names every field at fault.</exception>
    public static void CheckSettings(ReviewSettingsRequest settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new Dictionary<string, string[]>();
        if (settings.ReviewBandLow is null != settings.ReviewBandHigh is null)
        {
            errors[settings.ReviewBandLow is null ? "reviewBandLow" : "reviewBandHigh"] = ["the band needs both reviewBandLow and reviewBandHigh (or neither)"];
        }

        if (settings.ReviewBandLow is { } low && low is not (>= 0 and <= 1))
        {
            errors["reviewBandLow"] = [string.Create(CultureInfo.InvariantCulture, $"must lie in 0..1, not {low}")];
        }

        if (settings.ReviewBandHigh is { } high && high is not (>= 0 and <= 1))
        {
            errors["reviewBandHigh"] = [string.Create(CultureInfo.InvariantCulture, $"must lie in 0..1, not {high}")];
        }
        else if (settings.ReviewBandLow is { } l && settings.ReviewBandHigh is { } h && l is >= 0 and <= 1 && h < l)
        {
            errors["reviewBandHigh"] = [string.Create(CultureInfo.InvariantCulture, $"must be at least reviewBandLow ({l}), not {h}")];
        }

        if (settings.OverrideRateLimit is { } limit && limit is not (> 0 and <= 1))
        {
            errors["overrideRateLimit"] = [string.Create(CultureInfo.InvariantCulture, $"must lie in (0, 1], not {limit}")];
        }

        if (settings.ReviewScoreClass is { Length: > 200 } scoreClass)
        {
            errors["reviewScoreClass"] = [$"must be at most 200 characters, not {scoreClass.Length}"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    /// <summary>A whole number as an integer's text ("1", not "1.0"); otherwise the number as written.</summary>
    private static string NumberText(JsonElement number) =>
        number.TryGetInt64(out var whole) ? whole.ToString(CultureInfo.InvariantCulture)
        : number.TryGetDouble(out var d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture)
        : number.GetRawText();

    private sealed record Answer(string? Label, double? Score, Dictionary<string, double?>? Probabilities, List<string>? Classes)
    {
        public static Answer Read(string json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return new Answer(null, null, null, null);
                }

                string? label = root.TryGetProperty("label", out var l) ? l.ValueKind == JsonValueKind.String ? l.GetString() : l.GetRawText() : null;
                double? score = root.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : null;
                if (!root.TryGetProperty("probabilities", out var p) || p.ValueKind != JsonValueKind.Object)
                {
                    return new Answer(label, score, null, null);
                }

                var probabilities = new Dictionary<string, double?>(StringComparer.Ordinal);
                var classes = new List<string>();
                foreach (var member in p.EnumerateObject())
                {
                    classes.Add(member.Name);
                    probabilities[member.Name] = member.Value.ValueKind == JsonValueKind.Number ? member.Value.GetDouble() : null;
                }

                return new Answer(label, score, probabilities, classes);
            }
            catch (JsonException)
            {
                return new Answer(null, null, null, null);
            }
        }
    }
}
