using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Pipelines;

/// <summary>Canary ramps and their events (the promotion stage audits each step through the audit log).</summary>
public sealed class RolloutStore(FerryDbContext db) : IRolloutStore
{
    /// <inheritdoc />
    public async Task<Rollout> AddAsync(Rollout rollout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        if (await db.Rollouts.AnyAsync(r => r.EndpointName == rollout.EndpointName && r.Status == RolloutStatus.Ramping, cancellationToken))
        {
            throw new ConflictException($"endpoint '{rollout.EndpointName}' already has a ramp in progress");
        }

        db.Rollouts.Add(rollout);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(rollout).State = EntityState.Detached;
        return rollout;
    }

    /// <inheritdoc />
    public async Task UpdateAsync(Rollout rollout, RolloutEvent? change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        var stored = await db.Rollouts.FirstOrDefaultAsync(r => r.Id == rollout.Id, cancellationToken)
            ?? throw new NotFoundException($"rollout {rollout.Id} does not exist");
        db.Entry(stored).CurrentValues.SetValues(rollout);
        if (change is not null)
        {
            change.RolloutId = rollout.Id;
            db.RolloutEvents.Add(change);
        }

        await db.SaveChangesAsync(cancellationToken);
        db.Entry(stored).State = EntityState.Detached;
        if (change is not null)
        {
            db.Entry(change).State = EntityState.Detached;
        }
    }

    /// <inheritdoc />
    public async Task<Rollout?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.Rollouts.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Rollout>> ListAsync(string? endpointName, bool rampingOnly, int limit, CancellationToken cancellationToken = default) =>
        await db.Rollouts.AsNoTracking()
            .Where(r => (endpointName == null || r.EndpointName == endpointName) && (!rampingOnly || r.Status == RolloutStatus.Ramping))
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id)
            .Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RolloutEvent>> ListEventsAsync(Guid rolloutId, CancellationToken cancellationToken = default) =>
        await db.RolloutEvents.AsNoTracking().Where(e => e.RolloutId == rolloutId).OrderBy(e => e.Id).ToListAsync(cancellationToken);
}
