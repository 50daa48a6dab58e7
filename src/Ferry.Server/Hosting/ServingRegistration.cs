using Ferry.Core.Serving;
using Ferry.Server.Serving;

namespace Ferry.Server.Hosting;

/// <summary>Registers the prediction log (buffer, background writer, retention) and its metrics; its stores come with the database.</summary>
public static class ServingRegistration
{
    /// <summary>Adds <see cref="IPredictionLog"/> and the services behind it; call after the database is registered.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IServiceCollection AddFerryPredictionLog(this IServiceCollection services, FerryServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PredictionLogCapacity, 1, nameof(options.PredictionLogCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PredictionLogBatchSize, 1, nameof(options.PredictionLogBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PredictionLogFlushInterval, TimeSpan.Zero, nameof(options.PredictionLogFlushInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PredictionLogFullWait, TimeSpan.Zero, nameof(options.PredictionLogFullWait));
        if (options.PredictionRetention is { } retention)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero, nameof(options.PredictionRetention));
        }

        services.AddMetrics();
        services.AddHostedService<MeterExportStarter>();
        services.AddSingleton<PredictionLogMetrics>();
        services.AddSingleton<PredictionLog>();
        services.AddSingleton<IPredictionLog>(provider => provider.GetRequiredService<PredictionLog>());
        services.AddSingleton<PredictionLogWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<PredictionLogWriter>());
        services.AddSingleton<RetentionService>();
        services.AddHostedService(provider => provider.GetRequiredService<RetentionService>());
        return services;
    }
}
