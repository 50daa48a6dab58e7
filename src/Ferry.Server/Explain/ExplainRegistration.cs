using Ferry.Server.Explain.ModelCards;
using Ferry.Server.Serving;

namespace Ferry.Server.Explain;

/// <summary>Registers explanations and model cards.</summary>
public static class ExplainRegistration
{
    /// <summary>Adds <see cref="Explainers"/>, the router's <see cref="IExplanationStage"/> <see cref="ModelCardAssembler"/> and <see cref="TechnicalDocumentation"/>; call after serving and monitoring are registered.</summary>
    public static IServiceCollection AddFerryExplanations(this IServiceCollection services)
    {
        services.AddSingleton<Explainers>();
        services.AddSingleton<IExplanationStage, ExplanationStage>();
        services.AddScoped<ModelCardAssembler>();
        services.AddScoped<TechnicalDocumentation>();
        return services;
    }
}
