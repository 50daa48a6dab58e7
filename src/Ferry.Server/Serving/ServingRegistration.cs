using Ferry.Core.Serving;
using Ferry.Server.Serving.Partitions;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>Registers the prediction log (buffer, background writer, retention, day partitions on PostgreSQL), its stores, options and metrics.</summary>
public static class ServingRegistration
{
    /// <summary>
    /// Adds <see cref="IPredictionLog"/> and the services behind it, with <see cref="PredictionLogOptions"/> and
    /// <see cref="RetentionOptions"/> bound from their sections and checked at start-up; call after the database is registered.
    /// </summary>
    public static IServiceCollection AddFerryPredictionLog(this IServiceCollection services)
    {
        services.AddOptions<PredictionLogOptions>().BindConfiguration(PredictionLogOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PredictionLogOptions>, PredictionLogOptionsValidator>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        services.AddMetrics();
        services.AddHostedService<MeterExportStarter>();
        services.AddSingleton<PredictionLogMetrics>();
        services.AddSingleton<PredictionLog>();
        services.AddSingleton<IPredictionLog>(provider => provider.GetRequiredService<PredictionLog>());
        services.AddSingleton<IPredictionLogBarrier>(provider => provider.GetRequiredService<PredictionLog>());
        services.AddSingleton<PredictionLogWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<PredictionLogWriter>());
        services.AddOptions<PredictionPartitionOptions>().BindConfiguration(PredictionPartitionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PredictionPartitionOptions>, PredictionPartitionOptionsValidator>();
        services.AddSingleton<PredictionPartitionService>();
        services.AddHostedService(provider => provider.GetRequiredService<PredictionPartitionService>());
        services.AddSingleton<PartitionRetention>();
        services.AddSingleton<RetentionService>();
        services.AddHostedService(provider => provider.GetRequiredService<RetentionService>());
        return services;
    }
}
