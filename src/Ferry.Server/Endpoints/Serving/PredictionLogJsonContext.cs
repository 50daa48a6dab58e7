using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>Source-generated JSON for the prediction-log routes (feedback, predictions).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FeedbackRequest))]
[JsonSerializable(typeof(FeedbackItemRequest))]
[JsonSerializable(typeof(FeedbackResponse))]
[JsonSerializable(typeof(PredictionView))]
[JsonSerializable(typeof(PredictionList))]
[JsonSerializable(typeof(string))]
public sealed partial class PredictionLogJsonContext : JsonSerializerContext;
