using System.Globalization;
using System.Text.Json;
using Ferry.Core.Monitoring;

namespace Ferry.Server.Monitoring;

/// <summary>Reads a logged prediction's answer (score, label) and a slicing feature's value from its JSON.</summary>
public static class ScoredRows
{
    /// <summary>The row as the performance checks see it.</summary>
    public static ScoredRow From(WindowPrediction prediction, string? sliceBy)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        double? score = null;
        string? label = null;
        using (var outputs = JsonDocument.Parse(prediction.OutputsJson))
        {
            if (outputs.RootElement.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number)
            {
                score = s.GetDouble();
            }

            if (outputs.RootElement.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String)
            {
                label = l.GetString();
            }
        }

        string? slice = null;
        if (sliceBy is not null)
        {
            using var inputs = JsonDocument.Parse(prediction.InputsJson);
            if (inputs.RootElement.TryGetProperty(sliceBy, out var v))
            {
                slice = v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Number => v.GetDouble().ToString(CultureInfo.InvariantCulture),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => null,
                };
            }
        }

        return new ScoredRow(prediction.Label, prediction.Value, score, label, slice);
    }
}
