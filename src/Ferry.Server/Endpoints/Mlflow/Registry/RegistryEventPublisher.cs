using Ferry.Core.Governance;
using Ferry.Core.Registry;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>
/// Publishes a registry change to <see cref="IRegistryEventSink"/> once it is committed (webhooks), as the caller's
/// token. The sink stores the deliveries; it never fails the request.
/// </summary>
internal static class RegistryEventPublisher
{
    /// <summary>Publishes <paramref name="type"/> for <paramref name="model"/>.</summary>
    public static Task PublishAsync(HttpRequest request, string type, string model, int? version, Dictionary<string, string?>? data = null)
    {
        var services = request.HttpContext.RequestServices;
        if (services.GetService<IRegistryEventSink>() is not { } sink)
        {
            return Task.CompletedTask;
        }

        var at = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        var actor = request.HttpContext.User.Identity?.Name ?? "system";
        return sink.PublishAsync(new RegistryEvent(type, model, version, actor, at, data ?? []), CancellationToken.None);
    }

    /// <summary><c>model_version.created</c>, with MLflow's payload fields.</summary>
    public static Task VersionCreatedAsync(HttpRequest request, RegistryVersion created)
    {
        var v = created.Version;
        var data = new Dictionary<string, string?> { ["source"] = v.Source, ["run_id"] = v.RunId, ["description"] = string.IsNullOrEmpty(v.Description) ? null : v.Description };
        foreach (var tag in v.Tags)
        {
            data[RegistryWebhookEvents.TagPrefix + tag.Key] = tag.Value;
        }

        return PublishAsync(request, RegistryWebhookEvents.ModelVersionCreated, created.ModelName, v.Version, data);
    }

    /// <summary><c>registered_model.created</c>, with MLflow's payload fields.</summary>
    public static Task ModelCreatedAsync(HttpRequest request, RegisteredModel model)
    {
        var data = new Dictionary<string, string?> { ["description"] = string.IsNullOrEmpty(model.Description) ? null : model.Description };
        foreach (var tag in model.Tags)
        {
            data[RegistryWebhookEvents.TagPrefix + tag.Key] = tag.Value;
        }

        return PublishAsync(request, RegistryWebhookEvents.RegisteredModelCreated, model.Name, null, data);
    }
}
