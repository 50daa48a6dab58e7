using Ferry.Core.Audit;
using Ferry.Core.Governance;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Governance;

/// <summary>Holdout datasets in <c>holdout_datasets</c>; each set and delete is audited with the data's SHA-256.</summary>
public sealed class HoldoutDatasetStore(FerryDbContext db, AuditedWriter writer) : IHoldoutDatasetStore
{
    /// <inheritdoc />
    public Task SaveAsync(HoldoutDataset dataset, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var existing = await context.HoldoutDatasets.FirstOrDefaultAsync(d => d.ModelName == dataset.ModelName && d.Name == dataset.Name, ct);
            if (existing is null)
            {
                context.HoldoutDatasets.Add(dataset);
            }
            else
            {
                existing.Rows = dataset.Rows;
                existing.Columns = dataset.Columns;
                existing.PositiveLabel = dataset.PositiveLabel;
                existing.Source = dataset.Source;
                existing.Sha256 = dataset.Sha256;
                existing.CreatedBy = dataset.CreatedBy;
                existing.CreatedAt = dataset.CreatedAt;
                existing.Data = dataset.Data;
            }

            return (true, AuditRecord.Of("dataset.set", $"{dataset.ModelName}/{dataset.Name}", new { rows = dataset.Rows, sha256 = dataset.Sha256, replaced = existing is not null }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<HoldoutDataset?> FindAsync(string modelName, string name, CancellationToken cancellationToken = default) =>
        db.HoldoutDatasets.AsNoTracking().FirstOrDefaultAsync(d => d.ModelName == modelName && d.Name == name, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<HoldoutDataset>> ListAsync(string modelName, CancellationToken cancellationToken = default) =>
        await db.HoldoutDatasets.AsNoTracking().Where(d => d.ModelName == modelName).OrderBy(d => d.Name)
            .Select(d => new HoldoutDataset
            {
                ModelName = d.ModelName,
                Name = d.Name,
                Rows = d.Rows,
                Columns = d.Columns,
                PositiveLabel = d.PositiveLabel,
                Source = d.Source,
                Sha256 = d.Sha256,
                CreatedBy = d.CreatedBy,
                CreatedAt = d.CreatedAt,
            })
            .ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string modelName, string name, string actor, CancellationToken cancellationToken = default)
    {
        if (!await db.HoldoutDatasets.AnyAsync(d => d.ModelName == modelName && d.Name == name, cancellationToken))
        {
            return false;
        }

        return await writer.RunAsync(actor, async (context, ct) =>
        {
            var removed = await context.HoldoutDatasets.Where(d => d.ModelName == modelName && d.Name == name).ExecuteDeleteAsync(ct);
            return (removed > 0, AuditRecord.Of("dataset.delete", $"{modelName}/{name}", new { removed }));
        }, cancellationToken);
    }
}
