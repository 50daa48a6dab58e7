using Ferry.Server.Serving;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Oversight.Subjects;

/// <summary>Registers data-subject rights: the key hasher with its options, and the export and erasure service.</summary>
public static class SubjectsRegistration
{
    /// <summary>
    /// Adds <see cref="SubjectKeys"/> (its secret from <see cref="SubjectOptions"/>, bound from <c>Ferry:Subjects</c> and
    /// checked at start-up, else <c>&lt;dataDirectory&gt;/keys/subjects.key</c>) and the scoped <see cref="SubjectService"/>.
    /// </summary>
    public static IServiceCollection AddFerrySubjects(this IServiceCollection services, string dataDirectory)
    {
        services.AddOptions<SubjectOptions>().BindConfiguration(SubjectOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SubjectOptions>, SubjectOptionsValidator>();
        services.AddSingleton(provider => new SubjectKeys(provider.GetRequiredService<IOptions<SubjectOptions>>(), dataDirectory));
        services.AddScoped<SubjectService>();
        return services;
    }
}
