using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;

namespace Ferry.Core.Oversight;

/// <summary>
/// The fallback answers of a suspended endpoint (<see cref="EndpointOversight.Suspended"/>): no model runs, every record
/// gets <see cref="EndpointOversight.FallbackJson"/>, and each answer is logged as a decision of the endpoint's primary
/// model with <see cref="ModelVersion"/> 0, so monitoring, drift and explanations can tell it apart.
/// </summary>
public static class SuspensionFallback
{
    /// <summary>The model version a fallback row carries in the prediction log (real versions start at 1).</summary>
    public const int ModelVersion = 0;

    /// <summary>The monitor name of the alert that a suspension opens.</summary>
    public const string MonitorName = "suspension";

    /// <summary>Field names a fallback may not use: <c>/predict</c> writes its members beside these.</summary>
    public static readonly IReadOnlyList<string> ReservedFields = ["id", "model", "version", "explanation", "explanationError"];

    /// <summary>The longest fallback accepted, in characters of compact JSON.</summary>
    public const int MaxLength = 4096;

    /// <summary>True when the logged row is a fallback answer (no model ran).</summary>
    public static bool IsFallback(PredictionRecord prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return prediction.ModelVersion == ModelVersion;
    }

    /// <summary>The effective fallback of the settings: the configured one or <see cref="EndpointOversight.DefaultFallbackJson"/>.</summary>
    public static string Of(EndpointOversight? oversight) => oversight?.FallbackJson ?? EndpointOversight.DefaultFallbackJson;

    /// <summary>
    /// Checks a fallback answer and returns it as compact JSON: a JSON object with at least one member, none named as a
    /// <see cref="ReservedFields"/> entry, no name twice, at most <see cref="MaxLength"/> characters.
    /// </summary>
    /// <exception cref="ValidationException">It is not such an object (the error names <paramref name="field"/>).</exception>
    public static string Normalize(JsonElement fallback, string field = "fallback")
    {
        if (fallback.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException(field, "must be a JSON object, e.g. {\"outcome\": \"refer\", \"reason\": \"suspended\"}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in fallback.EnumerateObject())
        {
            if (ReservedFields.Contains(member.Name, StringComparer.Ordinal))
            {
                throw new ValidationException($"{field}.{member.Name}", $"is reserved: a fallback may not name {string.Join(", ", ReservedFields)}");
            }

            if (member.Name.Length == 0 || !names.Add(member.Name))
            {
                throw new ValidationException(field, $"names '{member.Name}' twice or holds an empty name");
            }
        }

        if (names.Count == 0)
        {
            throw new ValidationException(field, "must hold at least one member, e.g. {\"outcome\": \"refer\", \"reason\": \"suspended\"}");
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            fallback.WriteTo(writer);
        }

        var compact = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        return compact.Length > MaxLength
            ? throw new ValidationException(field, $"is {compact.Length} characters long; at most {MaxLength} are accepted")
            : compact;
    }
}
