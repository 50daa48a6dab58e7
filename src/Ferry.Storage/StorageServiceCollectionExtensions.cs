using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Ferry.Storage.Audit;
using Ferry.Storage.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ferry.Storage;

/// <summary>Registers the stores; a provider package (SQLite or PostgreSQL) registers the DbContext and chain lock.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Adds Ferry's stores behind their Ferry.Core ports.</summary>
    public static IServiceCollection AddFerryStores(this IServiceCollection services)
    {
#pragma warning disable RS0030 // composition root: the stores' default clock when the host registered none (the server registers its own first)
        services.TryAddSingleton(TimeProvider.System);
#pragma warning restore RS0030
        services.AddScoped<AuditedWriter>();
        services.AddScoped<ITokenStore, TokenStore>();
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddScoped<Ferry.Core.Tracking.ITrackingStore, Tracking.TrackingStore>();
        services.AddScoped<Ferry.Core.Registry.IRegistryStore, Registry.RegistryStore>();
        services.AddScoped<Ferry.Core.Serving.IEndpointStore, Serving.EndpointStore>();
        services.AddScoped<Monitoring.MonitoringStore>();
        services.AddScoped<Monitoring.ProfileBucketStore>();
        services.AddScoped<Monitoring.WindowPredictionStore>();
        services.AddScoped<Explain.ModelCardStore>();
        services.AddScoped<Dashboard.DashboardQueries>();
        return services;
    }
}
