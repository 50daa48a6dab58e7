namespace Ferry.Core.Monitoring;

/// <summary>Port: reference build jobs.</summary>
public interface IReferenceJobStore
{
    /// <summary>Records a new job.</summary>
    Task AddAsync(ReferenceJob job, CancellationToken cancellationToken = default);

    /// <summary>Saves a job's state and progress.</summary>
    Task UpdateAsync(ReferenceJob job, CancellationToken cancellationToken = default);

    /// <summary>A job by id, or null.</summary>
    Task<ReferenceJob?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>The version's newest job, or null.</summary>
    Task<ReferenceJob?> FindLatestAsync(string modelName, int version, CancellationToken cancellationToken = default);

    /// <summary>Every queued or running job, oldest first.</summary>
    Task<IReadOnlyList<ReferenceJob>> ListActiveAsync(CancellationToken cancellationToken = default);
}
