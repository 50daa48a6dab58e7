using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ferry.Core.Governance;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>
/// The body posted for an event, MLflow 3's envelope: <c>{"entity", "action", "timestamp" (ISO 8601, UTC), "data"}</c>.
/// MLflow's events carry MLflow's payload fields (<c>mlflow/webhooks/types.py</c>): the model's <c>name</c>, the
/// <c>version</c> as a string, then the event's fields; keys of <see cref="RegistryEvent.Data"/> starting with
/// <c>tags.</c> make up the <c>tags</c> object. Ferry's own events also carry the <c>actor</c>.
/// </summary>
public static class RegistryWebhookPayload
{
    /// <summary>The JSON body for <paramref name="registryEvent"/>.</summary>
    public static string Build(RegistryEvent registryEvent)
    {
        ArgumentNullException.ThrowIfNull(registryEvent);
        var (entity, action) = Split(registryEvent.Type);
        var mlflowEvent = RegistryWebhookEvents.Mlflow.Contains(registryEvent.Type);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("entity", entity);
            json.WriteString("action", action);
            json.WriteString("timestamp", Iso(registryEvent.Timestamp));
            json.WriteStartObject("data");
            json.WriteString("name", registryEvent.ModelName);
            // MLflow's alias-deleted payload names no version.
            if (registryEvent.Version is { } version && registryEvent.Type != RegistryWebhookEvents.ModelVersionAliasDeleted)
            {
                json.WriteString("version", version.ToString(CultureInfo.InvariantCulture));
            }

            var tags = new List<KeyValuePair<string, string?>>();
            foreach (var (key, value) in registryEvent.Data)
            {
                if (key.StartsWith(RegistryWebhookEvents.TagPrefix, StringComparison.Ordinal))
                {
                    tags.Add(new(key[RegistryWebhookEvents.TagPrefix.Length..], value));
                }
                else if (key is not "name" and not "version")
                {
                    json.WriteString(key, value);
                }
            }

            if (tags.Count > 0 || registryEvent.Type is RegistryWebhookEvents.RegisteredModelCreated or RegistryWebhookEvents.ModelVersionCreated)
            {
                json.WriteStartObject("tags");
                foreach (var (key, value) in tags)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            if (!mlflowEvent)
            {
                json.WriteString("actor", registryEvent.Actor);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An example event of <paramref name="eventType"/>, as MLflow's test route sends (its example payloads).</summary>
    public static RegistryEvent Example(string eventType, long timestamp)
    {
        Dictionary<string, string?> data = eventType switch
        {
            RegistryWebhookEvents.RegisteredModelCreated => new() { ["tags.example_key"] = "example_value", ["description"] = "An example registered model" },
            RegistryWebhookEvents.ModelVersionCreated => new()
            {
                ["source"] = "models:/123",
                ["run_id"] = "abcd1234abcd5678",
                ["tags.example_key"] = "example_value",
                ["description"] = "An example model version",
            },
            RegistryWebhookEvents.ModelVersionTagSet => new() { ["key"] = "example_key", ["value"] = "example_value" },
            RegistryWebhookEvents.ModelVersionTagDeleted => new() { ["key"] = "example_key" },
            RegistryWebhookEvents.ModelVersionAliasCreated or RegistryWebhookEvents.ModelVersionAliasDeleted => new() { ["alias"] = "example_alias" },
            RegistryWebhookEvents.ModelVersionStageChanged => new() { ["from_stage"] = "Staging", ["to_stage"] = "Production" },
            _ when eventType.StartsWith("promotion.", StringComparison.Ordinal) => new() { ["request_id"] = "example-request", ["target"] = "champion" },
            _ => [],
        };
        int? version = eventType == RegistryWebhookEvents.RegisteredModelCreated ? null : 1;
        return new RegistryEvent(eventType, "example_model", version, "example_user", timestamp, data);
    }

    private static (string Entity, string Action) Split(string type)
    {
        var dot = type.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (type, string.Empty) : (type[..dot], type[(dot + 1)..]);
    }

    // As Python's datetime.isoformat() writes an aware UTC time: 2026-03-01T12:00:00.123000+00:00.
    private static string Iso(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);
}
