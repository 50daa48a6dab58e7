using Ferry.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Ferry.Server.Monitoring;

/// <summary>Registers profiling, monitors (Quartz), alerts and webhook delivery.</summary>
public static class MonitoringRegistration
{
    /// <summary>Adds monitoring's services.</summary>
    public static IServiceCollection AddFerryMonitoring(this IServiceCollection services, FerryServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ProfileBucketWidth, TimeSpan.FromSeconds(1), nameof(options.ProfileBucketWidth));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AlertMaxAttempts, 1, nameof(options.AlertMaxAttempts));
        services.AddMetrics();
        services.AddHttpClient(AlertDelivery.HttpClientName);
        services.AddSingleton<ReferenceCache>();
        services.TryAddSingleton(new ProfileOptions { BucketWidth = options.ProfileBucketWidth, FlushInterval = options.ProfileFlushInterval });
        services.AddSingleton<ProfileCollector>();
        services.AddHostedService(provider => provider.GetRequiredService<ProfileCollector>());
        services.TryAddSingleton(new AlertDeliveryOptions { FirstRetryDelay = options.AlertRetryDelay, MaxAttempts = options.AlertMaxAttempts });
        services.AddSingleton<AlertDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<AlertDelivery>());
        services.AddScoped<MonitorRunner>();
        services.AddSingleton<Explain.Explainers>();
        services.AddScoped<Explain.ModelCards.ModelCardAssembler>();
        // Quartz's scheduler is started by MonitorSchedules once the server listens, not by Quartz's hosted service
        // before it: creating the scheduler costs ~150 ms that start-up need not wait for.
        services.AddQuartz();
        services.AddSingleton<MonitorSchedules>();
        services.AddHostedService(provider => provider.GetRequiredService<MonitorSchedules>());
        return services;
    }
}
