using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance.Gates;

/// <summary>Registers the statistical quality gates.</summary>
public static class GatesRegistration
{
    /// <summary>
    /// Adds the <c>metrics</c>, <c>champion</c>, <c>fairness</c> and <c>drift</c> gates (scoped, in that order, as
    /// <see cref="Ferry.Core.Governance.IPromotionGate"/>) and the per-scope <see cref="EvaluationRows"/> they share.
    /// </summary>
    public static IServiceCollection AddQualityGates(this IServiceCollection services)
    {
        services.AddScoped<EvaluationRows>();
        services.AddScoped<Ferry.Core.Governance.IPromotionGate, MetricsGate>();
        services.AddScoped<Ferry.Core.Governance.IPromotionGate, ChampionGate>();
        services.AddScoped<Ferry.Core.Governance.IPromotionGate, FairnessGate>();
        services.AddScoped<Ferry.Core.Governance.IPromotionGate, DriftGate>();
        services.AddOptions<QualityGateOptions>().BindConfiguration(QualityGateOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QualityGateOptions>, QualityGateOptionsValidator>();
        return services;
    }
}
