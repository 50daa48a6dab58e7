using Ferry.Core.Audit;
using Ferry.Core.Contracts;
using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

/// <summary>Batching and durability settings, and deletion.</summary>
public sealed partial class EndpointStore
{
    /// <inheritdoc />
    /// <remarks>
    /// <paramref name="maxBatchSize"/> runs from 1 (off) to 4096 and <paramref name="maxBatchDelayMicros"/> from 0 to
    /// 1,000,000 (one second); anything else is a <see cref="Core.Errors.ValidationException"/>. Batching is not part of
    /// the traffic policy, so it adds no revision and a rollback leaves it as it is.
    /// </remarks>
    public async Task<ServingEndpoint> SetBatchingAsync(string endpointName, int maxBatchSize, int maxBatchDelayMicros, string actor, CancellationToken cancellationToken = default)
    {
        if (!EndpointStoreRules.IsValidName(endpointName))
        {
            throw NotFound(endpointName);
        }

        EndpointStoreRules.Batching(maxBatchSize, maxBatchDelayMicros);
        await writer.RunAsync(actor, async (context, ct) =>
        {
            var endpoint = await TrackedAsync(context, endpointName, ct);
            var before = new { endpoint.MaxBatchSize, endpoint.MaxBatchDelayMicros };
            endpoint.MaxBatchSize = maxBatchSize;
            endpoint.MaxBatchDelayMicros = maxBatchDelayMicros;
            endpoint.UpdatedAt = Now();
            return (true, AuditRecord.Of("endpoint.batching", Target(endpointName), new
            {
                Before = before,
                After = new { MaxBatchSize = maxBatchSize, MaxBatchDelayMicros = maxBatchDelayMicros },
            }));
        }, cancellationToken);
        return (await GetAsync(endpointName, cancellationToken))!;
    }

    /// <inheritdoc />
    /// <remarks>Like batching, durability is not part of the traffic policy: no revision, and a rollback keeps it.</remarks>
    public async Task<ServingEndpoint> SetDurabilityAsync(string endpointName, PredictionDurability durability, string actor, CancellationToken cancellationToken = default)
    {
        if (!EndpointStoreRules.IsValidName(endpointName))
        {
            throw NotFound(endpointName);
        }

        if (!Enum.IsDefined(durability))
        {
            throw new Core.Errors.ValidationException("durability", $"must be buffered or durable, not {(int)durability}");
        }

        await writer.RunAsync(actor, async (context, ct) =>
        {
            var endpoint = await TrackedAsync(context, endpointName, ct);
            var before = endpoint.Durability;
            endpoint.Durability = durability;
            endpoint.UpdatedAt = Now();
            return (true, AuditRecord.Of("endpoint.durability", Target(endpointName), new
            {
                Before = new { Durability = EndpointStoreRules.DurabilityName(before) },
                After = new { Durability = EndpointStoreRules.DurabilityName(durability) },
            }));
        }, cancellationToken);
        return (await GetAsync(endpointName, cancellationToken))!;
    }

    /// <inheritdoc />
    /// <remarks>Like durability, not part of the traffic policy: no revision, and a rollback keeps it.</remarks>
    public async Task<ServingEndpoint> SetInvocationsOutputAsync(string endpointName, InvocationsOutput output, string actor, CancellationToken cancellationToken = default)
    {
        if (!EndpointStoreRules.IsValidName(endpointName))
        {
            throw NotFound(endpointName);
        }

        if (!Enum.IsDefined(output))
        {
            throw new Core.Errors.ValidationException("invocationsOutput", $"must be {string.Join(", ", InvocationsOutputNames.All)}, not {(int)output}");
        }

        await writer.RunAsync(actor, async (context, ct) =>
        {
            var endpoint = await TrackedAsync(context, endpointName, ct);
            var before = endpoint.InvocationsOutput;
            endpoint.InvocationsOutput = output;
            endpoint.UpdatedAt = Now();
            return (true, AuditRecord.Of("endpoint.invocations-output", Target(endpointName), new
            {
                Before = new { InvocationsOutput = InvocationsOutputNames.Of(before) },
                After = new { InvocationsOutput = InvocationsOutputNames.Of(output) },
            }));
        }, cancellationToken);
        return (await GetAsync(endpointName, cancellationToken))!;
    }

    /// <inheritdoc />
    /// <remarks>The audit event keeps the active routes and the number of revisions that were deleted with it.</remarks>
    public Task DeleteAsync(string endpointName, string actor, CancellationToken cancellationToken = default)
    {
        if (!EndpointStoreRules.IsValidName(endpointName))
        {
            throw NotFound(endpointName);
        }

        return writer.RunAsync(actor, async (context, ct) =>
        {
            var endpoint = await context.ServingEndpoints.Include(e => e.Policies).ThenInclude(p => p.Routes)
                .FirstOrDefaultAsync(e => e.Name == endpointName, ct) ?? throw NotFound(endpointName);
            var active = endpoint.Policies.FirstOrDefault(p => p.Revision == endpoint.ActiveRevision);
            context.ServingEndpoints.Remove(endpoint);
            return (true, AuditRecord.Of("endpoint.delete", Target(endpointName), new
            {
                endpoint.ActiveRevision,
                Revisions = endpoint.Policies.Count,
                Before = Describe(active),
                endpoint.MaxBatchSize,
                endpoint.MaxBatchDelayMicros,
                Durability = EndpointStoreRules.DurabilityName(endpoint.Durability),
            }));
        }, cancellationToken);
    }
}
