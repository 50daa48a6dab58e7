using Microsoft.Extensions.Options;

namespace Ferry.Server.Health;

/// <summary>Registers the database-outage tracker.</summary>
public static class HealthRegistration
{
    /// <summary>
    /// Adds <see cref="DatabaseOutage"/> with <see cref="DatabaseOutageOptions"/> bound from
    /// <see cref="DatabaseOutageOptions.Section"/> and checked at start-up; call after the database is registered
    /// (its provider supplies the <see cref="Ferry.Core.Health.IDatabaseFaults"/>).
    /// </summary>
    public static IServiceCollection AddFerryDatabaseOutage(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOutageOptions>().BindConfiguration(DatabaseOutageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOutageOptions>, DatabaseOutageOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<DatabaseOutage>();
        return services;
    }
}
