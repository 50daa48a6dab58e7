namespace Ferry.Core.Serving;

/// <summary>One day partition of the prediction log: the rows served in [<paramref name="FromMs"/>, <paramref name="ToMs"/>).</summary>
/// <param name="Name">The partition's table name.</param>
/// <param name="FromMs">Start of its UTC day (epoch ms, inclusive).</param>
/// <param name="ToMs">End of its UTC day (epoch ms, exclusive).</param>
public sealed record PredictionPartition(string Name, long FromMs, long ToMs);

/// <summary>What a partition maintenance pass did.</summary>
/// <param name="Created">Day partitions created, oldest first.</param>
/// <param name="MovedFromDefault">Rows moved out of the DEFAULT partition into the partitions created.</param>
public sealed record PartitionMaintenance(IReadOnlyList<PredictionPartition> Created, long MovedFromDefault);

/// <summary>Which rows retention may remove: an endpoint's rows served before its cut.</summary>
/// <param name="Cuts">Per endpoint, everything served before this time (epoch ms) is due to go.</param>
/// <param name="OthersBefore">The cut of endpoints not in <paramref name="Cuts"/>, or null when their rows are kept.</param>
public sealed record PartitionDropRule(IReadOnlyDictionary<string, long> Cuts, long? OthersBefore)
{
    /// <summary>The cut of <paramref name="endpoint"/>, or null when its rows are kept.</summary>
    public long? CutOf(string endpoint) => Cuts.TryGetValue(endpoint, out var cut) ? cut : OthersBefore;
}

/// <summary>What dropping one day partition removed (recorded as <c>predictions.partition-drop</c>).</summary>
/// <param name="Partition">The partition dropped.</param>
/// <param name="Endpoints">The endpoints whose rows it held, each with the end of what went (its cut or the day's end, whichever is first).</param>
/// <param name="Predictions">Predictions removed.</param>
/// <param name="Feedback">Feedback rows of those predictions removed.</param>
/// <param name="Reviews">Reviews of those endpoints made in the partition's day (before their cut) removed.</param>
/// <param name="Seals">Seals of those endpoints within the day (ending at or before their cut) removed.</param>
public sealed record PartitionDrop(PredictionPartition Partition, IReadOnlyList<PartitionDropEndpoint> Endpoints, long Predictions, int Feedback, int Reviews, int Seals);

/// <summary>One endpoint of a <see cref="PartitionDrop"/>.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Before">Its rows, reviews and seals in the day before this time (epoch ms) went.</param>
public sealed record PartitionDropEndpoint(string Endpoint, long Before);

/// <summary>
/// Port: the prediction log's day partitions (PostgreSQL native range partitioning on <c>timestamp</c>, with a DEFAULT
/// partition for rows of days that have none). Registered only where the log is partitioned; SQLite has no partitions.
/// </summary>
public interface IPredictionPartitions
{
    /// <summary>The day partitions, oldest first (not the DEFAULT partition).</summary>
    Task<IReadOnlyList<PredictionPartition>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the missing partition of every UTC day overlapping [<paramref name="fromMs"/>, <paramref name="toMs"/>),
    /// moving the rows of that day out of the DEFAULT partition first. Idempotent, and safe to run on several replicas at once.
    /// </summary>
    Task<PartitionMaintenance> EnsureDaysAsync(long fromMs, long toMs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops <paramref name="partition"/> when every row in it was served before its endpoint's cut under
    /// <paramref name="rule"/>, with the feedback of its rows and the reviews and seals of its day that retention would
    /// remove with them, recording <c>predictions.partition-drop</c> in the same transaction. Null (nothing changed) when
    /// a row must stay or the partition is busy.
    /// </summary>
    Task<PartitionDrop?> DropIfExpiredAsync(PredictionPartition partition, PartitionDropRule rule, string actor, CancellationToken cancellationToken = default);
}
