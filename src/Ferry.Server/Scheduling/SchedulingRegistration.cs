using Microsoft.Extensions.Options;
using Quartz;

namespace Ferry.Server.Scheduling;

/// <summary>
/// Registers Quartz: on PostgreSQL its ADO.NET job store (tables <c>qrtz_*</c>, made by Ferry's migrations) with
/// clustering on, an automatic instance id per replica and System.Text.Json job data, so every scheduled job fires on one
/// replica and a dead replica's jobs are recovered by another; on SQLite its in-memory store. Also registers
/// <see cref="SchedulerOptions"/>, <see cref="ClusteredScheduling"/> and <see cref="ClusterTickSchedules"/>.
/// </summary>
public static class SchedulingRegistration
{
    /// <summary>Adds Quartz and the clustered passes' scheduling.</summary>
    /// <param name="services">The services.</param>
    /// <param name="postgresConnectionString">The PostgreSQL database Ferry uses, or null on SQLite.</param>
    public static IServiceCollection AddFerryScheduling(this IServiceCollection services, string? postgresConnectionString)
    {
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>();
        var clustered = postgresConnectionString is not null;
        services.AddSingleton(provider => new ClusteredScheduling(clustered, provider.GetRequiredService<IOptions<SchedulerOptions>>()));
        services.AddSingleton<ClusterTickSchedules>();
        services.AddHostedService(provider => provider.GetRequiredService<ClusterTickSchedules>());

        // Quartz's scheduler is started by MonitorSchedules once the server listens, not by Quartz's hosted service
        // before it: creating the scheduler costs ~150 ms that start-up need not wait for.
        if (postgresConnectionString is null)
        {
            services.AddQuartz();
            return services;
        }

        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = SchedulerOptions.SchedulerName;
                scheduler.GenerateInstanceId = true;
            });
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(postgresConnectionString);
                store.UseSystemTextJsonSerializer(_ => { });
                store.UseClustering(_ => { });
                store.ConfigureStore(ado => ado.TablePrefix = SchedulerOptions.TablePrefix);
            });
        });
        services.AddSingleton<IPostConfigureOptions<ClusteringOptions>, QuartzSettings>();
        services.AddSingleton<IPostConfigureOptions<AdoJobStoreOptions>, QuartzSettings>();
        return services;
    }

    /// <summary>Carries <see cref="SchedulerOptions"/> (bound from configuration) into Quartz's own options.</summary>
    private sealed class QuartzSettings(IOptions<SchedulerOptions> options) : IPostConfigureOptions<ClusteringOptions>, IPostConfigureOptions<AdoJobStoreOptions>
    {
        public void PostConfigure(string? name, ClusteringOptions clustering)
        {
            clustering.Enabled = true;
            clustering.CheckinInterval = options.Value.CheckinInterval;
            clustering.CheckinMisfireThreshold = options.Value.CheckinMisfireThreshold;
        }

        public void PostConfigure(string? name, AdoJobStoreOptions store)
        {
            store.TablePrefix = SchedulerOptions.TablePrefix;
            store.MisfireThreshold = options.Value.MisfireThreshold;
        }
    }
}
