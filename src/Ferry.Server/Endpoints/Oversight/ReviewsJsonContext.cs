using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;
using Ferry.Core.Oversight;

namespace Ferry.Server.Endpoints.Oversight;

/// <summary>Source-generated JSON for the review routes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReviewRequest))]
[JsonSerializable(typeof(ReviewView))]
[JsonSerializable(typeof(ReviewListView))]
[JsonSerializable(typeof(ReviewSettingsRequest))]
[JsonSerializable(typeof(EndpointOversight))]
[JsonSerializable(typeof(OverridesView))]
[JsonSerializable(typeof(ReviewQueueView))]
public sealed partial class ReviewsJsonContext : JsonSerializerContext;
