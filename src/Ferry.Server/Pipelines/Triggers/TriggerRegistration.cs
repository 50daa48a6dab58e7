using Ferry.Core.Monitoring;

namespace Ferry.Server.Pipelines.Triggers;

/// <summary>Registers the loop's triggers: cron schedules, alerts and new labels (manual runs are the pipelines API's).</summary>
public static class TriggerRegistration
{
    /// <summary>Adds <see cref="PipelineSchedules"/> (also as <see cref="IPipelineScheduleSync"/>), <see cref="AlertTriggers"/> (an alert observer and a hosted consumer) and <see cref="TriggerStage"/>.</summary>
    public static IServiceCollection AddFerryTriggers(this IServiceCollection services)
    {
        services.AddSingleton<PipelineSchedules>();
        services.AddSingleton<IPipelineScheduleSync>(provider => provider.GetRequiredService<PipelineSchedules>());
        services.AddSingleton<AlertTriggers>();
        services.AddSingleton<IAlertChangeObserver>(provider => provider.GetRequiredService<AlertTriggers>());
        services.AddHostedService(provider => provider.GetRequiredService<AlertTriggers>());
        services.AddScoped<ILoopStage, TriggerStage>();
        return services;
    }
}
