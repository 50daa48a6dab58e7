using System.Globalization;
using System.Text.Json;
using Ferry.Core.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>Turns a submitted feedback item into a stored one, or says what is wrong with it.</summary>
internal static class FeedbackItemValidation
{
    /// <summary>Longest label stored (the column's size).</summary>
    public const int MaxLabelLength = 256;

    /// <summary>Validates a JSON item; returns null and the item, or an error message.</summary>
    public static string? TryConvert(FeedbackItemRequest? request, out FeedbackItem item)
    {
        item = default;
        if (request is null)
        {
            return "must be an object with predictionId and label or value";
        }

        string? label;
        switch (request.Label?.ValueKind)
        {
            case null or JsonValueKind.Null or JsonValueKind.Undefined:
                label = null;
                break;
            case JsonValueKind.String:
                label = request.Label.Value.GetString();
                break;
            case JsonValueKind.Number:
                label = request.Label.Value.GetRawText();
                break;
            case JsonValueKind.True or JsonValueKind.False:
                label = request.Label.Value.GetBoolean() ? "true" : "false";
                break;
            default:
                return "label must be a string, a number or a boolean";
        }

        return TryConvert(request.PredictionId, label, request.Value, out item);
    }

    /// <summary>Validates the parts of an item; returns null and the item, or an error message.</summary>
    public static string? TryConvert(string? predictionId, string? label, double? value, out FeedbackItem item)
    {
        item = default;
        if (string.IsNullOrWhiteSpace(predictionId))
        {
            return "predictionId is required";
        }

        if (!Guid.TryParse(predictionId.Trim(), out var id))
        {
            return $"predictionId '{Truncate(predictionId)}' is not a prediction id (a GUID)";
        }

        if (label is null && value is null)
        {
            return "label or value is required";
        }

        if (label is not null && value is not null)
        {
            return "give either label or value, not both";
        }

        if (label is { Length: > MaxLabelLength })
        {
            return $"label is longer than {MaxLabelLength} characters";
        }

        if (value is { } v && !double.IsFinite(v))
        {
            return "value must be a finite number";
        }

        item = new FeedbackItem(id, label, value);
        return null;
    }

    /// <summary>Parses a CSV cell as a number (invariant culture).</summary>
    public static bool TryParseValue(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
