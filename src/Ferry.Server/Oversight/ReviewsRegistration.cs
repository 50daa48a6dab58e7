using Microsoft.Extensions.Options;

namespace Ferry.Server.Oversight;

/// <summary>Registers human reviews: the override-rate check, its periodic pass, and the review counter.</summary>
public static class ReviewsRegistration
{
    /// <summary>Adds the review services, with <see cref="OverrideRateOptions"/> bound from <c>Ferry:Oversight</c> and checked at start-up.</summary>
    public static IServiceCollection AddFerryReviews(this IServiceCollection services)
    {
        services.AddOptions<OverrideRateOptions>().BindConfiguration(OverrideRateOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OverrideRateOptions>, OverrideRateOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<ReviewMetrics>();
        services.AddSingleton<OverrideRateCheck>();
        services.AddScoped<ReviewService>();
        services.AddSingleton<OverrideRateWatch>();
        services.AddHostedService(provider => provider.GetRequiredService<OverrideRateWatch>());
        return services;
    }
}
