using Ferry.Core.Governance;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>Registers registry webhooks: the event sink, the deliverer, the secrets' key ring and their options.</summary>
public static class RegistryWebhookRegistration
{
    /// <summary>
    /// Adds <see cref="IRegistryEventSink"/> (stores a delivery per subscribed webhook) and the background
    /// <see cref="RegistryWebhookDeliverer"/>, with <see cref="RegistryWebhookOptions"/> bound from their section and
    /// checked at start-up; the key ring defaults to <c>&lt;dataDirectory&gt;/keys/webhooks</c>.
    /// </summary>
    public static IServiceCollection AddFerryRegistryWebhooks(this IServiceCollection services, string dataDirectory)
    {
        services.AddOptions<RegistryWebhookOptions>().BindConfiguration(RegistryWebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryWebhookOptions>, RegistryWebhookOptionsValidator>();
        services.AddHttpClient(WebhookPoster.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(provider => new WebhookSecrets(
            provider.GetRequiredService<IOptions<RegistryWebhookOptions>>().Value.KeyDirectory ?? Path.Combine(dataDirectory, "keys", "webhooks")));
        services.AddSingleton<WebhookPoster>();
        services.AddSingleton<RegistryWebhookDeliverer>();
        services.AddHostedService(provider => provider.GetRequiredService<RegistryWebhookDeliverer>());
        services.AddSingleton<IRegistryEventSink, RegistryWebhookSink>();
        return services;
    }
}
