using Ferry.Core.Serving;
using Ferry.Runtimes.MLNet;
using Ferry.Runtimes.Onnx;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>Registers the request path of serving: runtimes, model and policy caches, router and metrics.</summary>
public static class ModelCacheRegistration
{
    /// <summary>
    /// Adds the ONNX and ML.NET runtimes, <see cref="ModelCache"/>, <see cref="PolicyCache"/>, <see cref="Router"/> and
    /// <see cref="ServingMetrics"/>, with <see cref="ModelCacheOptions"/> bound from <see cref="ModelCacheOptions.Section"/> and
    /// checked at start-up.
    /// </summary>
    public static IServiceCollection AddFerryModelServing(this IServiceCollection services)
    {
        services.AddOptions<ModelCacheOptions>().BindConfiguration(ModelCacheOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModelCacheOptions>, ModelCacheOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<IModelRuntime>(_ => new OnnxModelRuntime());
        services.AddSingleton<IModelRuntime>(_ => new MLNetModelRuntime());
        services.AddSingleton<VersionOutcomes>();
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<ModelCache>();
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<Batching.AdaptiveBatching>();
        services.AddSingleton<Router>();
        return services;
    }
}
