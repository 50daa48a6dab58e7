using Ferry.Core.Serving;

namespace Ferry.Server.Serving.Partitions;

/// <summary>
/// Retention by whole day partitions (PostgreSQL; nothing on SQLite): oldest first, each partition is dropped when every
/// row in it was served before its endpoint's cut (<see cref="PartitionDropRule"/>); the first partition that must stay
/// ends the pass, and what is left goes row by row as before.
/// </summary>
public sealed partial class PartitionRetention(IServiceScopeFactory scopes, ILogger<PartitionRetention> logger)
{
    /// <summary>Drops the expired day partitions; returns what went (empty where the log is not partitioned).</summary>
    public async Task<IReadOnlyList<PartitionDrop>> DropExpiredAsync(PartitionDropRule rule, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<IPredictionPartitions>() is not { } partitions)
        {
            return [];
        }

        var latest = rule.Cuts.Values.Append(rule.OthersBefore ?? long.MinValue).Max();
        var dropped = new List<PartitionDrop>();
        foreach (var partition in await partitions.ListAsync(cancellationToken))
        {
            if (partition.FromMs >= latest || await partitions.DropIfExpiredAsync(partition, rule, actor, cancellationToken) is not { } drop)
            {
                break;
            }

            dropped.Add(drop);
            LogDropped(logger, partition.Name, drop.Predictions, drop.Feedback, drop.Seals);
        }

        return dropped;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention dropped the prediction-log partition {Partition}: {Predictions} predictions, {Feedback} feedback rows, {Seals} seals")]
    private static partial void LogDropped(ILogger logger, string partition, long predictions, int feedback, int seals);
}
