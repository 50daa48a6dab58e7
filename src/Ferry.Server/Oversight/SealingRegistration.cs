using Ferry.Server.Serving;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Oversight;

/// <summary>Registers sealing of the prediction log and per-endpoint retention with its floor.</summary>
public static class SealingRegistration
{
    /// <summary>
    /// Adds <see cref="SealingOptions"/> (<c>Ferry:Sealing</c>), <see cref="SealingService"/>, <see cref="RetentionFloors"/>
    /// and <see cref="EndpointRetention"/>. Call before <c>AddFerryPredictionLog</c>: hosted services stop in reverse
    /// order, so the shutdown seal runs after the prediction log's writer has drained.
    /// </summary>
    public static IServiceCollection AddFerrySealing(this IServiceCollection services)
    {
        services.AddOptions<SealingOptions>().BindConfiguration(SealingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SealingOptions>, SealingOptionsValidator>();
        services.AddSingleton<SealingService>();
        services.AddHostedService(provider => provider.GetRequiredService<SealingService>());
        services.AddScoped<RetentionFloors>();
        services.AddSingleton<IEndpointRetention, EndpointRetention>();
        return services;
    }
}
