using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>
/// Each version's full reference columns, one row per column (<see cref="ReferenceColumnCodec"/>'s encoding), in
/// <c>reference_columns</c>. Not audited: the reference entry they belong to is.
/// </summary>
public sealed class ReferenceColumnStore(FerryDbContext db) : IReferenceColumnStore
{
    /// <inheritdoc />
    public async Task SaveAsync(string modelName, int version, IReadOnlyList<ReferenceColumnValues> columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var entries = columns.Select(c => ReferenceColumnCodec.Encode(modelName, version, c)).ToList();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.ReferenceColumns.Where(c => c.ModelName == modelName && c.ModelVersion == version).ExecuteDeleteAsync(ct);
            foreach (var entry in entries)
            {
                db.ReferenceColumns.Add(entry);
                await db.SaveChangesAsync(ct);
                db.Entry(entry).State = EntityState.Detached; // one column's bytes in memory at a time
            }

            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, ReferenceColumnValues>?> LoadAsync(string modelName, int version, CancellationToken cancellationToken = default)
    {
        var columns = new Dictionary<string, ReferenceColumnValues>(StringComparer.Ordinal);
        var rows = db.ReferenceColumns.AsNoTracking().Where(c => c.ModelName == modelName && c.ModelVersion == version).AsAsyncEnumerable();
        await foreach (var entry in rows.WithCancellation(cancellationToken))
        {
            columns[entry.ColumnName] = ReferenceColumnCodec.Decode(entry);
        }

        return columns.Count == 0 ? null : columns;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string modelName, int version, CancellationToken cancellationToken = default) =>
        await db.ReferenceColumns.Where(c => c.ModelName == modelName && c.ModelVersion == version).ExecuteDeleteAsync(cancellationToken) > 0;
}
