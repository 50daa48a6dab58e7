using System.Collections.Concurrent;
using System.Text.Json;
using Ferry.Core.Cluster;
using Ferry.Core.Monitoring;
using Ferry.Server.Health;
using Ferry.Statistics;
using Ferry.Statistics.Calibration;
using Ferry.Statistics.Profiles;

namespace Ferry.Server.Monitoring;

/// <summary>A version's stored reference, deserialized.</summary>
/// <param name="Entry">The stored row.</param>
/// <param name="Profile">The reference profile.</param>
/// <param name="Calibrator">The score calibrator, when labels were given.</param>
public sealed record LoadedReference(ReferenceProfileEntry Entry, ReferenceProfile Profile, IsotonicCalibrator? Calibrator);

/// <summary>
/// Reference profiles by model version, loaded once from the database. A version without one is asked again after
/// <see cref="MissingRetry"/> (another replica may have computed it); setting one through this replica replaces it at once
/// and signals the other replicas (<see cref="IClusterSignals"/>), which read it again on next use.
/// While the database is unavailable, the answer held (even "no reference") stands until it is back.
/// </summary>
public sealed class ReferenceCache(IServiceScopeFactory scopes, TimeProvider clock, DatabaseOutage outage, IClusterSignals? signals = null)
{
    /// <summary>How long "no reference" is believed.</summary>
    public static readonly TimeSpan MissingRetry = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Model, int Version), (LoadedReference? Reference, long CheckedAt)> _entries = new();

    /// <summary>The version's reference, or null when it has none.</summary>
    public async Task<LoadedReference?> GetAsync(string model, int version, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (_entries.TryGetValue((model, version), out var cached)
            && (cached.Reference is not null || now - cached.CheckedAt < MissingRetry.TotalMilliseconds))
        {
            return cached.Reference;
        }

        var held = _entries.TryGetValue((model, version), out var stale);
        if (held && outage.IsUnavailable)
        {
            outage.ServedFromMemory("reference");
            return stale.Reference;
        }

        ReferenceProfileEntry? entry;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            entry = await scope.ServiceProvider.GetRequiredService<IReferenceProfileStore>().FindReferenceAsync(model, version, cancellationToken);
        }
        catch (Exception e) when (held && e is not OperationCanceledException && outage.Observe(e))
        {
            outage.ServedFromMemory("reference");
            return stale.Reference;
        }

        var loaded = entry is null ? null : Load(entry);
        _entries[(model, version)] = (loaded, now);
        return loaded;
    }

    /// <summary>Replaces the cached reference of a version (after this replica stored it).</summary>
    public void Set(LoadedReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        _entries[(reference.Entry.ModelName, reference.Entry.ModelVersion)] = (reference, clock.GetUtcNow().ToUnixTimeMilliseconds());
        signals?.Publish(ClusterTopics.Reference, ClusterTopics.VersionKey(reference.Entry.ModelName, reference.Entry.ModelVersion));
    }

    /// <summary>Forgets a version's reference (another replica stored a new one): the next use reads it again.</summary>
    public void Evict(string model, int version) => _entries.TryRemove((model, version), out _);

    /// <summary>Forgets every reference held (signals may have been missed).</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Deserializes a stored reference.</summary>
    public static LoadedReference Load(ReferenceProfileEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var profile = JsonSerializer.Deserialize(entry.ProfileJson, StatisticsJsonContext.Default.ReferenceProfile)
            ?? throw new InvalidOperationException($"The reference of {entry.ModelName}/{entry.ModelVersion} is empty.");
        var calibrator = entry.CalibratorJson is null ? null : JsonSerializer.Deserialize(entry.CalibratorJson, StatisticsJsonContext.Default.IsotonicCalibrator);
        return new LoadedReference(entry, profile, calibrator);
    }
}
