using Ferry.Core.Audit;
using Ferry.Core.Explain;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Explain;

/// <summary>The editable fields of model cards; each change is audited (<c>card.update</c>).</summary>
public sealed class ModelCardStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IModelCardStore
{
    /// <inheritdoc />
    public async Task<string?> FindAsync(string modelName, int version, CancellationToken cancellationToken = default) =>
        (await db.ModelCards.AsNoTracking().FirstOrDefaultAsync(c => c.ModelName == modelName && c.ModelVersion == version, cancellationToken))?.FieldsJson;

    /// <inheritdoc />
    public Task SaveAsync(string modelName, int version, string fieldsJson, string actor, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var card = await context.ModelCards.FirstOrDefaultAsync(c => c.ModelName == modelName && c.ModelVersion == version, ct);
            if (card is null)
            {
                card = new ModelCardEntry { ModelName = modelName, ModelVersion = version, FieldsJson = fieldsJson };
                context.ModelCards.Add(card);
            }

            card.FieldsJson = fieldsJson;
            card.UpdatedBy = actor;
            card.UpdatedAt = now;
            return (true, AuditRecord.Of("card.update", $"{modelName}/{version}", new { length = fieldsJson.Length }));
        }, cancellationToken);
    }
}
