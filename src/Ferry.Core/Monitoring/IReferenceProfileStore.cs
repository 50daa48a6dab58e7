namespace Ferry.Core.Monitoring;

/// <summary>Port: model versions' reference profiles (one per version; setting one is audited).</summary>
public interface IReferenceProfileStore
{
    /// <summary>Stores (or replaces) a version's reference profile, stamped with <paramref name="actor"/> and the time.</summary>
    Task SetReferenceAsync(ReferenceProfileEntry entry, string actor, CancellationToken cancellationToken = default);

    /// <summary>A version's reference profile, or null.</summary>
    Task<ReferenceProfileEntry?> FindReferenceAsync(string modelName, int version, CancellationToken cancellationToken = default);
}
