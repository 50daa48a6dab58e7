using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Pipelines;

/// <summary>Materialised training sets; each one built is an audit event (<c>dataset.build</c>) in the same transaction.</summary>
public sealed class TrainingDatasetStore(FerryDbContext db, AuditedWriter writer) : ITrainingDatasetStore
{
    /// <inheritdoc />
    public async Task<TrainingDataset> AddAsync(TrainingDataset dataset, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return await writer.RunAsync(actor, async (context, ct) =>
        {
            if (await context.TrainingDatasets.AnyAsync(d => d.Name == dataset.Name, ct))
            {
                throw new AlreadyExistsException($"dataset '{dataset.Name}' already exists");
            }

            context.TrainingDatasets.Add(dataset);
            var record = AuditRecord.Of("dataset.build", $"endpoint/{dataset.EndpointName}/datasets/{dataset.Name}", new
            {
                dataset.Id,
                dataset.From,
                dataset.To,
                dataset.AsOf,
                dataset.Rows,
                dataset.LabelledRows,
                dataset.ReferenceRows,
                dataset.HoldoutRows,
                dataset.Digest,
                dataset.ArtifactPath,
            });
            return (dataset, record);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TrainingDataset?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.TrainingDatasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);

    /// <inheritdoc />
    public async Task<TrainingDataset?> FindByNameAsync(string name, CancellationToken cancellationToken = default) =>
        await db.TrainingDatasets.AsNoTracking().FirstOrDefaultAsync(d => d.Name == name, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrainingDataset>> ListAsync(string? endpointName, int limit, CancellationToken cancellationToken = default) =>
        await db.TrainingDatasets.AsNoTracking().Where(d => endpointName == null || d.EndpointName == endpointName)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
}
