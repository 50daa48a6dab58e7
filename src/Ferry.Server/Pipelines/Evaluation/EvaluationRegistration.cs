using Ferry.Server.Dashboard;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ferry.Server.Pipelines.Evaluation;

/// <summary>Registers the loop's challenger evaluation: its stage and the services the evaluation routes share.</summary>
public static class EvaluationRegistration
{
    /// <summary>Adds <see cref="EvaluationStage"/> (Order 400), <see cref="ChallengerEvaluator"/> and <see cref="PredictionWindow"/>.</summary>
    public static IServiceCollection AddFerryEvaluation(this IServiceCollection services)
    {
        services.TryAddScoped<CardFieldsReader>();
        services.AddScoped<PredictionWindow>();
        services.AddScoped<ChallengerEvaluator>();
        services.AddScoped<ILoopStage, EvaluationStage>();
        return services;
    }
}
