using Ferry.Core.Serving;
using Ferry.Runtimes.MLNet;
using Ferry.Runtimes.Onnx;
using Ferry.Server.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ferry.Server.Hosting;

/// <summary>Registers the request path of serving: runtimes, model and policy caches, router and metrics.</summary>
public static class ModelCacheRegistration
{
    /// <summary>
    /// Adds the ONNX and ML.NET runtimes, <see cref="ModelCache"/>, <see cref="PolicyCache"/>, <see cref="Router"/> and
    /// <see cref="ServingMetrics"/>; a <see cref="ModelCacheOptions"/> registered before this call is kept.
    /// </summary>
    public static IServiceCollection AddFerryModelServing(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(new ModelCacheOptions());
        services.AddSingleton<IModelRuntime>(_ => new OnnxModelRuntime());
        services.AddSingleton<IModelRuntime>(_ => new MLNetModelRuntime());
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton<ModelCache>();
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<Ferry.Server.Serving.Batching.AdaptiveBatching>();
        services.AddSingleton<Router>();
        return services;
    }
}
