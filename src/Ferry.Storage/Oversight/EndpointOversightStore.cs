using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Storage.Audit;
using Ferry.Storage.Serving;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Oversight;

/// <summary>Endpoints' oversight settings; each change is one audit event, in the same transaction.</summary>
public sealed class EndpointOversightStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IEndpointOversightStore
{
    /// <inheritdoc />
    public async Task<EndpointOversight?> GetAsync(string endpointName, CancellationToken cancellationToken = default)
    {
        if (!EndpointStoreRules.IsValidName(endpointName)
            || !await db.ServingEndpoints.AnyAsync(e => e.Name == endpointName, cancellationToken))
        {
            return null;
        }

        return await db.EndpointOversight.AsNoTracking().FirstOrDefaultAsync(o => o.EndpointName == endpointName, cancellationToken)
            ?? EndpointOversight.Defaults(endpointName);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EndpointOversight>> ListAsync(CancellationToken cancellationToken = default) =>
        await db.EndpointOversight.AsNoTracking().OrderBy(o => o.EndpointName).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<EndpointOversight> UpdateAsync(string endpointName, string auditAction, Action<EndpointOversight> change, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrEmpty(auditAction);
        if (!EndpointStoreRules.IsValidName(endpointName))
        {
            throw NotFound(endpointName);
        }

        return await writer.RunAsync(actor, async (context, ct) =>
        {
            if (!await context.ServingEndpoints.AnyAsync(e => e.Name == endpointName, ct))
            {
                throw NotFound(endpointName);
            }

            var settings = await context.EndpointOversight.FirstOrDefaultAsync(o => o.EndpointName == endpointName, ct);
            var before = settings?.Clone() ?? EndpointOversight.Defaults(endpointName);
            if (settings is null)
            {
                settings = EndpointOversight.Defaults(endpointName);
                context.EndpointOversight.Add(settings);
            }

            change(settings);
            settings.EndpointName = endpointName;
            settings.UpdatedBy = actor;
            settings.UpdatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            return (settings.Clone(), AuditRecord.Of(auditAction, $"endpoint/{endpointName}", new { Before = View(before), After = View(settings) }));
        }, cancellationToken);
    }

    // What the audit summary keeps: the settings, without the bookkeeping fields.
    private static object View(EndpointOversight o) => new
    {
        o.Suspended,
        o.SuspendReason,
        o.FallbackJson,
        o.SubjectField,
        o.RetentionDays,
        o.OverridesAsGroundTruth,
        o.ReviewScoreClass,
        o.ReviewBandLow,
        o.ReviewBandHigh,
        o.OverrideRateLimit,
    };

    private static NotFoundException NotFound(string endpointName) => new($"endpoint '{endpointName}' does not exist");
}
