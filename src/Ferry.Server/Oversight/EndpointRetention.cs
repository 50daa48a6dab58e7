using System.Collections.Concurrent;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Serving;
using Ferry.Server.Serving.Partitions;

namespace Ferry.Server.Oversight;

/// <summary>
/// Per-endpoint retention for <see cref="RetentionService"/>: each endpoint keeps its predictions for its own
/// <see cref="EndpointOversight.RetentionDays"/> (else the server's), never less than its <see cref="RetentionFloor"/>,
/// and loses them only in whole sealed stretches, each pass recorded as <c>predictions.expire</c>. On PostgreSQL whole day
/// partitions go first (<see cref="PartitionRetention"/>) when every row in them is due under those same rules; the
/// row-level expiry then removes the rest.
/// </summary>
public sealed partial class EndpointRetention(IServiceScopeFactory scopes, ILogger<EndpointRetention> logger, PartitionRetention? partitions = null) : IEndpointRetention
{
    private readonly ConcurrentDictionary<string, int> _warned = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<EndpointRetentionResult> RunAsync(DateTimeOffset now, TimeSpan? serverRetention, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var seals = scope.ServiceProvider.GetRequiredService<IPredictionSealStore>();
        var oversight = scope.ServiceProvider.GetRequiredService<IEndpointOversightStore>();
        var floors = scope.ServiceProvider.GetRequiredService<RetentionFloors>();
        var settings = (await oversight.ListAsync(cancellationToken)).ToDictionary(o => o.EndpointName, StringComparer.Ordinal);
        var handled = new List<string>();
        int predictions = 0, feedback = 0;
        var due = new List<(string Name, long Cutoff)>();
        // Each endpoint's cut: the end of its last seal before its cutoff (what the expiry removes rows before); an
        // endpoint that keeps everything (or has nothing sealed that long ago) keeps its rows in every partition.
        var cuts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in await seals.EndpointNamesAsync(cancellationToken))
        {
            handled.Add(name);
            var keep = settings.GetValueOrDefault(name)?.RetentionDays is { } days ? TimeSpan.FromDays(days) : serverRetention;
            if (keep is null)
            {
                cuts[name] = long.MinValue;
                continue;
            }

            var floor = await floors.ForEndpointAsync(name, cancellationToken);
            if (floor.Days > 0 && keep < TimeSpan.FromDays(floor.Days))
            {
                if (_warned.TryAdd(name, floor.Days))
                {
                    LogFloorKept(logger, name, keep.Value.TotalDays, floor.ModelName!, RetentionFloors.TierName(floor.Tier), floor.Days);
                }

                keep = TimeSpan.FromDays(floor.Days);
            }

            var cutoff = (now - keep.Value).ToUnixTimeMilliseconds();
            // What is due but was never sealed (sealing was behind) is sealed first, so it can go as a whole stretch.
            await seals.SealAsync(name, cutoff, SealingService.SystemActor, cancellationToken);
            cuts[name] = await seals.ExpirableBeforeAsync(name, cutoff, cancellationToken) ?? long.MinValue;
            due.Add((name, cutoff));
        }

        if (partitions is not null)
        {
            // Rows of endpoints neither served nor sealed go with the server-wide retention, as RetentionService deletes them.
            var others = serverRetention is { } server ? (now - server).ToUnixTimeMilliseconds() : (long?)null;
            foreach (var drop in await partitions.DropExpiredAsync(new PartitionDropRule(cuts, others), SealingService.SystemActor, cancellationToken))
            {
                predictions += (int)Math.Min(drop.Predictions, int.MaxValue);
                feedback += drop.Feedback;
            }
        }

        foreach (var (name, cutoff) in due)
        {
            if (await seals.ExpireAsync(name, cutoff, SealingService.SystemActor, cancellationToken) is { } expiry)
            {
                predictions += expiry.Predictions;
                feedback += expiry.Feedback;
            }
        }

        return new EndpointRetentionResult(handled, predictions, feedback);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint '{Endpoint}': retention of {Days} days is below the retention floor of model '{Model}' ({Tier} risk): its predictions are kept {Floor} days")]
    private static partial void LogFloorKept(ILogger logger, string endpoint, double days, string model, string tier, int floor);
}
