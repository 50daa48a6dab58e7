namespace Ferry.Core.Cluster;

/// <summary>
/// A change one replica made that others may hold in memory: <see cref="Topic"/> names the cache
/// (<see cref="ClusterTopics"/>), <see cref="Key"/> the entry. <see cref="ClusterTopics.Flush"/> means "anything may
/// have changed" (sent to this replica's own subscribers after its listener reconnects).
/// </summary>
/// <param name="Topic">The kind of change.</param>
/// <param name="Key">What changed (an endpoint name, a token's hash, <c>model/version</c>); empty for a flush.</param>
/// <param name="FromThisReplica">True when this replica published it (it has applied the change itself already).</param>
public sealed record ClusterSignal(string Topic, string Key, bool FromThisReplica);

/// <summary>The topics replicas signal on.</summary>
public static class ClusterTopics
{
    /// <summary>An endpoint's traffic policy or oversight settings changed, or it was deleted (key: endpoint name).</summary>
    public const string Policy = "policy";

    /// <summary>A token was revoked (key: the SHA-256 of its secret, as stored).</summary>
    public const string TokenRevoked = "token-revoked";

    /// <summary>A model version was retired from memory (key: <c>model/version</c>).</summary>
    public const string ModelUnloaded = "model-unloaded";

    /// <summary>An endpoint's versions were loaded into memory (key: endpoint name).</summary>
    public const string ModelLoaded = "model-loaded";

    /// <summary>A version's reference profile was stored (key: <c>model/version</c>).</summary>
    public const string Reference = "reference";

    /// <summary>Signals may have been missed: every cache forgets or re-reads what it holds.</summary>
    public const string Flush = "*";

    /// <summary>The key of a model version: <c>model/version</c>.</summary>
    public static string VersionKey(string model, int version) =>
        $"{model}/{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Reads a <see cref="VersionKey"/>; null when it is not one.</summary>
    public static (string Model, int Version)? ParseVersionKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf('/');
        return slash > 0 && int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? (key[..slash], version)
            : null;
    }
}

/// <summary>
/// Tells the other replicas of one installation that a cached thing changed, and hears what they tell. On PostgreSQL
/// it is LISTEN/NOTIFY on a dedicated connection; on SQLite (one replica) publishing only tells this replica.
/// Delivery is best effort: while signals cannot be sent or heard, each cache's own expiry (its polling interval) is
/// the bound, and after a reconnect a <see cref="ClusterTopics.Flush"/> is delivered because signals may have been missed.
/// </summary>
public interface IClusterSignals
{
    /// <summary>True while signals from other replicas are being heard (always true with one replica).</summary>
    bool IsListening { get; }

    /// <summary>Queues a signal for every replica (this one included); never blocks and never throws.</summary>
    void Publish(string topic, string key);

    /// <summary>
    /// Calls <paramref name="handler"/> for every signal heard from now on, on the listener's thread, one at a time:
    /// keep it short (start slow work elsewhere). Dispose the result to stop.
    /// </summary>
    IDisposable Subscribe(Action<ClusterSignal> handler);

    /// <summary>Sends and hears signals until <paramref name="stoppingToken"/> is cancelled (run by the host).</summary>
    Task RunAsync(CancellationToken stoppingToken);
}
