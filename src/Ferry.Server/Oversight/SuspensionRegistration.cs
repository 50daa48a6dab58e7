namespace Ferry.Server.Oversight;

/// <summary>Registers endpoint suspension.</summary>
public static class SuspensionRegistration
{
    /// <summary>Adds <see cref="Suspensions"/> (scoped: it uses the request's stores).</summary>
    public static IServiceCollection AddFerrySuspensions(this IServiceCollection services)
    {
        services.AddScoped<Suspensions>();
        return services;
    }
}
