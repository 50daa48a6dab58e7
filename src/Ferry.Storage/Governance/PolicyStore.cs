using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Governance;

/// <summary>Promotion policies: each change is a new revision, audited as <c>policy.set</c>.</summary>
public sealed class PolicyStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IPolicyStore
{
    /// <inheritdoc />
    public Task<PolicyRevision?> FindAsync(string modelName, CancellationToken cancellationToken = default) =>
        db.PolicyRevisions.AsNoTracking().Where(p => p.ModelName == modelName).OrderByDescending(p => p.Revision).FirstOrDefaultAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PolicyRevision>> HistoryAsync(string modelName, CancellationToken cancellationToken = default) =>
        await db.PolicyRevisions.AsNoTracking().Where(p => p.ModelName == modelName).OrderByDescending(p => p.Revision).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public Task<PolicyRevision> SaveAsync(string modelName, RiskTier tier, string overridesJson, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            if (!await context.RegisteredModels.AnyAsync(m => m.Name == modelName, ct))
            {
                throw new NotFoundException($"Registered Model with name={modelName} not found");
            }

            var last = await context.PolicyRevisions.Where(p => p.ModelName == modelName).MaxAsync(p => (int?)p.Revision, ct) ?? 0;
            var revision = new PolicyRevision
            {
                ModelName = modelName,
                Revision = last + 1,
                Tier = tier,
                OverridesJson = overridesJson,
                CreatedBy = actor,
                CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            };
            context.PolicyRevisions.Add(revision);
            return (revision, AuditRecord.Of("policy.set", $"model/{modelName}", new { revision.Revision, Tier = tier.ToString().ToLowerInvariant(), Overrides = overridesJson }));
        }, cancellationToken);
}
