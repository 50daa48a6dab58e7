using Ferry.Core.Governance;
using Ferry.Server.Governance.SimpleGates;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance;

/// <summary>Registers promotion policies, the gate runner, the simple gates and promotion requests.</summary>
public static class GovernanceRegistration
{
    /// <summary>
    /// Adds <see cref="GovernanceOptions"/> (<c>Ferry:Governance</c>), <see cref="PolicyResolver"/>, <see cref="GateRunner"/>,
    /// the <c>signature</c>, <c>explainability</c> and <c>model-card</c> gates (in that order; further gates register
    /// after them), <see cref="PromotionService"/> and the direct-move and deployment guards.
    /// </summary>
    public static IServiceCollection AddFerryGovernance(this IServiceCollection services)
    {
        services.AddOptions<GovernanceOptions>().BindConfiguration(GovernanceOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GovernanceOptions>, GovernanceOptionsValidator>();
        services.AddScoped<PolicyResolver>();
        services.AddScoped<GateRunner>();
        services.AddScoped<IPromotionGate, SignatureGate>();
        services.AddScoped<IPromotionGate, ExplainabilityGate>();
        services.AddScoped<IPromotionGate, ModelCardGate>();
        services.AddScoped<PromotionService>();
        services.AddScoped<DirectMoveGuard>();
        services.AddScoped<DeploymentGuard>();
        return services;
    }
}
