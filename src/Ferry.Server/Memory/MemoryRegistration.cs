using Microsoft.Extensions.Options;

namespace Ferry.Server.Memory;

/// <summary>Registers <see cref="IdleMemoryTrimmer"/> and its options.</summary>
public static class MemoryRegistration
{
    /// <summary>Adds the idle memory trimmer, configured from <c>Ferry:Memory</c>.</summary>
    public static IServiceCollection AddFerryMemoryTrimming(this IServiceCollection services)
    {
        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemoryOptions>, MemoryOptionsValidator>();
        services.AddHostedService<IdleMemoryTrimmer>();
        return services;
    }
}
