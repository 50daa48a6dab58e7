using Ferry.Server.Pipelines.Evaluation;
using Ferry.Server.Pipelines.Execution;
using Ferry.Server.Pipelines.Promotion;

namespace Ferry.Server.Pipelines;

/// <summary>Registers the closed loop: its options, the worker that ticks its stages, and the stages themselves.</summary>
public static class LoopRegistration
{
    /// <summary>Adds <see cref="LoopOptions"/> (from <c>Ferry:Loop</c>), <see cref="LoopWorker"/> and <see cref="PipelineFiring"/>.</summary>
    public static IServiceCollection AddFerryLoop(this IServiceCollection services)
    {
        services.AddOptions<LoopOptions>().BindConfiguration(LoopOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<LoopOptions>, LoopOptionsValidator>();
        services.AddScoped<PipelineFiring>();
        services.AddSingleton<LoopWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<LoopWorker>());

        // Each part of the loop adds its stages and services below (one line each).
        Triggers.TriggerRegistration.AddFerryTriggers(services);
        Datasets.DatasetsRegistration.AddFerryDatasets(services);
        services.AddFerryEvaluation();
        services.AddFerryPromotion();
        services.AddFerryPipelineExecution();
        return services;
    }
}
