using Ferry.Server.Governance.Webhooks;
using Ferry.Server.Oversight;
using Ferry.Server.Pipelines;
using Ferry.Server.Scheduling;
using Ferry.Server.Serving;
using Ferry.Server.Serving.Partitions;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Hosting;

/// <summary>
/// The periodic passes that must run once across replicas, each calling the same method its background service's loop
/// calls on SQLite. On PostgreSQL they run as clustered Quartz jobs (<see cref="ClusterTickJob"/>).
/// </summary>
public static class ClusterTicks
{
    /// <summary>How often sealing looks for completed hours when it runs as a clustered job.</summary>
    public static readonly TimeSpan SealingInterval = TimeSpan.FromMinutes(1);

    /// <summary>Registers retention, the prediction log's partition maintenance, sealing, the loop's tick, the override-rate pass and the registry-webhook sweep.</summary>
    public static IServiceCollection AddFerryClusterTicks(this IServiceCollection services)
    {
        services.AddSingleton(new ClusterTick(
            "retention",
            _ => RetentionService.Interval,
            (provider, ct) => provider.GetRequiredService<RetentionService>().RunOnceAsync(cancellationToken: ct)));
        services.AddSingleton(new ClusterTick(
            "partitions",
            provider => provider.GetRequiredService<IOptions<PredictionPartitionOptions>>().Value.Interval,
            (provider, ct) => provider.GetRequiredService<PredictionPartitionService>().RunOnceAsync(ct)));
        services.AddSingleton(new ClusterTick(
            "sealing",
            _ => SealingInterval,
            (provider, ct) => provider.GetRequiredService<SealingService>().SealCompletedAsync(ct)));
        services.AddSingleton(new ClusterTick(
            "loop",
            provider => provider.GetRequiredService<IOptions<LoopOptions>>().Value is { Enabled: true } loop ? loop.TickInterval : null,
            (provider, ct) => provider.GetRequiredService<LoopWorker>().TickAsync(ct)));
        services.AddSingleton(new ClusterTick(
            "override-rate",
            provider => provider.GetRequiredService<IOptions<OverrideRateOptions>>().Value.OverrideRateCheckInterval,
            (provider, ct) => provider.GetRequiredService<OverrideRateWatch>().RunOnceAsync(ct)));
        services.AddSingleton(new ClusterTick(
            "registry-webhooks",
            provider => provider.GetRequiredService<IOptions<RegistryWebhookOptions>>().Value.PollInterval,
            (provider, ct) => provider.GetRequiredService<RegistryWebhookDeliverer>().SweepAsync(ct)));
        return services;
    }
}
