namespace Ferry.Server.References;

/// <summary>Registers reference builds as jobs: the staging folder, the queue and the background worker.</summary>
public static class ReferenceJobsRegistration
{
    /// <summary>Adds reference jobs, staging uploads under <paramref name="dataDirectory"/>.</summary>
    public static IServiceCollection AddFerryReferenceJobs(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton(new ReferenceStaging(dataDirectory));
        services.AddSingleton<ReferenceJobBoard>();
        services.AddSingleton<ReferenceBuild>();
        services.AddHostedService<ReferenceWorker>();
        return services;
    }
}
