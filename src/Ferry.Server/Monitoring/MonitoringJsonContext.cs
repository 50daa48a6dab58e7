using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;
using Ferry.Core.Monitoring;


namespace Ferry.Server.Monitoring;

/// <summary>Source-generated JSON for monitoring: specs, reports, alerts, webhooks (web defaults; NaN written as text).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(MonitorSpec))]
[JsonSerializable(typeof(MonitorReportBody))]
[JsonSerializable(typeof(AlertPayload))]
[JsonSerializable(typeof(ReferenceView))]
[JsonSerializable(typeof(ReferenceJobView))]
[JsonSerializable(typeof(MonitorBody))]
[JsonSerializable(typeof(MonitorView))]
[JsonSerializable(typeof(MonitorListView))]
[JsonSerializable(typeof(ReportView))]
[JsonSerializable(typeof(ReportListView))]
[JsonSerializable(typeof(AlertListView))]
[JsonSerializable(typeof(WebhookBody))]
[JsonSerializable(typeof(WebhookListView))]
[JsonSerializable(typeof(WebhookView))]
[JsonSerializable(typeof(DeliveryListView))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext;
