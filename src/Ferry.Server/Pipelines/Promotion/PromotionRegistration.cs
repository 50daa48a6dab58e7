namespace Ferry.Server.Pipelines.Promotion;

/// <summary>Registers the loop's promotion stage and the canary ramps' service.</summary>
public static class PromotionRegistration
{
    /// <summary>Adds <see cref="RolloutService"/> and <see cref="PromotionStage"/> (order 500).</summary>
    public static IServiceCollection AddFerryPromotion(this IServiceCollection services)
    {
        services.AddScoped<RolloutService>();
        services.AddScoped<ILoopStage, PromotionStage>();
        return services;
    }
}
