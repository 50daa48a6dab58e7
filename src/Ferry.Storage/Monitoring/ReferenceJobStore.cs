using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>Reference build jobs (operational rows: the reference they store is audited as <c>reference.set</c>).</summary>
public sealed class ReferenceJobStore(FerryDbContext db) : IReferenceJobStore
{
    /// <inheritdoc />
    public async Task AddAsync(ReferenceJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        db.ReferenceJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(job).State = EntityState.Detached;
    }

    /// <inheritdoc />
    public async Task UpdateAsync(ReferenceJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await db.ReferenceJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(set => set
            .SetProperty(j => j.State, job.State)
            .SetProperty(j => j.Phase, job.Phase)
            .SetProperty(j => j.Done, job.Done)
            .SetProperty(j => j.Total, job.Total)
            .SetProperty(j => j.Error, job.Error)
            .SetProperty(j => j.Attempts, job.Attempts)
            .SetProperty(j => j.StartedAt, job.StartedAt)
            .SetProperty(j => j.FinishedAt, job.FinishedAt), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReferenceJob?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.ReferenceJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);

    /// <inheritdoc />
    public Task<ReferenceJob?> FindLatestAsync(string modelName, int version, CancellationToken cancellationToken = default) =>
        db.ReferenceJobs.AsNoTracking().Where(j => j.ModelName == modelName && j.ModelVersion == version)
            .OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).FirstOrDefaultAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReferenceJob>> ListActiveAsync(CancellationToken cancellationToken = default) =>
        await db.ReferenceJobs.AsNoTracking().Where(j => j.State == ReferenceJob.Queued || j.State == ReferenceJob.Running)
            .OrderBy(j => j.CreatedAt).ToListAsync(cancellationToken);
}
