using Microsoft.Extensions.Options;

namespace Ferry.Server.Monitoring;

/// <summary>Registers profiling, monitors (Quartz), alerts and webhook delivery.</summary>
public static class MonitoringRegistration
{
    /// <summary>
    /// Adds monitoring's services, with <see cref="ProfileOptions"/>, <see cref="MonitoringOptions"/> and <see cref="AlertDeliveryOptions"/> bound from
    /// their sections and checked at start-up.
    /// </summary>
    public static IServiceCollection AddFerryMonitoring(this IServiceCollection services)
    {
        services.AddOptions<ProfileOptions>().BindConfiguration(ProfileOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProfileOptions>, ProfileOptionsValidator>();
        services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>();
        services.AddOptions<AlertDeliveryOptions>().BindConfiguration(AlertDeliveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertDeliveryOptions>, AlertDeliveryOptionsValidator>();
        services.AddMetrics();
        services.AddHttpClient(AlertDelivery.HttpClientName);
        services.AddSingleton<ReferenceCache>();
        services.AddSingleton<ProfileCollector>();
        services.AddHostedService(provider => provider.GetRequiredService<ProfileCollector>());
        services.AddSingleton<AlertDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<AlertDelivery>());
        services.AddScoped<MonitorRunner>();
        services.AddScoped<ReferenceColumns>();
        // Quartz itself (in-memory on SQLite, clustered on PostgreSQL) is registered by Scheduling/SchedulingRegistration.
        services.AddSingleton<MonitorSchedules>();
        services.AddHostedService(provider => provider.GetRequiredService<MonitorSchedules>());
        return services;
    }
}
