using Ferry.Core.Cluster;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Cluster;

/// <summary>Registers replica coherence: the signals' run loop, the caches' subscriber and the replica header.</summary>
public static class ClusterRegistration
{
    /// <summary>
    /// Adds <see cref="ClusterOptions"/> (from <see cref="ClusterOptions.Section"/>, checked at start-up),
    /// <see cref="ClusterCoherence"/> and the hosted service that runs the <see cref="IClusterSignals"/> the database
    /// registration chose.
    /// </summary>
    public static IServiceCollection AddFerryCluster(this IServiceCollection services)
    {
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();
        services.AddSingleton<ClusterCoherence>();
        services.AddHostedService(provider => provider.GetRequiredService<ClusterCoherence>());
        return services;
    }

    /// <summary>Names the answering replica in the <see cref="ClusterOptions.ReplicaHeader"/> header of every response.</summary>
    public static WebApplication UseFerryReplicaHeader(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var id = app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.EffectiveReplicaId;
        if (id.Length > 0)
        {
            app.Use((context, next) =>
            {
                // On starting, so an error answer (whose handler clears the headers) names its replica too.
                context.Response.OnStarting(static state =>
                {
                    var (response, replica) = ((HttpResponse, string))state;
                    response.Headers[ClusterOptions.ReplicaHeader] = replica;
                    return Task.CompletedTask;
                }, (context.Response, id));
                return next(context);
            });
        }

        return app;
    }
}
