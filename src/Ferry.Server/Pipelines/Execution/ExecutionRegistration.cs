using Ferry.Core.Pipelines;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Pipelines.Execution;

/// <summary>Registers the embedded executor, the registry of running trainings and the training stage.</summary>
public static class ExecutionRegistration
{
    /// <summary>
    /// Adds <see cref="PipelineExecutionOptions"/> (from <c>Ferry:Pipelines</c>; the host sets the default directory),
    /// <see cref="ProcessPipelineExecutor"/> (an <see cref="IPipelineExecutor"/>), <see cref="PipelineProcesses"/>
    /// (a singleton and hosted service, so shutdown kills what runs), <see cref="TrainingFinisher"/> and
    /// <see cref="TrainingStage"/> (order 300).
    /// </summary>
    public static IServiceCollection AddFerryPipelineExecution(this IServiceCollection services)
    {
        services.AddOptions<PipelineExecutionOptions>().BindConfiguration(PipelineExecutionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineExecutionOptions>, PipelineExecutionOptionsValidator>();
        services.AddSingleton<IPipelineExecutor, ProcessPipelineExecutor>();
        services.AddSingleton<ServerAddress>();
        services.AddSingleton<PipelineProcesses>();
        services.AddHostedService(provider => provider.GetRequiredService<PipelineProcesses>());
        services.AddScoped<TrainingFinisher>();
        services.AddScoped<ILoopStage, TrainingStage>();
        return services;
    }
}
