using System.Diagnostics;
using Ferry.Core.Artifacts;
using Ferry.Core.Serving;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>
/// The loaded model versions: each (model, version) is loaded lazily on first use through the runtime of its flavor,
/// once even when many requests ask at the same time, and shared by every request. When the loaded models' estimated
/// memory (<see cref="ILoadedModel.ApproximateBytes"/>) passes <see cref="ModelCacheOptions.ModelMemoryBudgetBytes"/>,
/// the least recently used are retired; a retired model is disposed only after the last request holding a
/// <see cref="ModelLease"/> on it has released it.
/// </summary>
public sealed partial class ModelCache : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Model, int Version), Entry> _entries = [];
    private readonly Dictionary<string, IModelRuntime> _runtimes;
    private readonly IArtifactStore _artifacts;
    private readonly ServingMetrics _metrics;
    private readonly ILogger<ModelCache> _logger;
    private readonly long _budget;
    private long _loadedBytes;
    private long _clock;

    /// <summary>Creates the cache over the registered runtimes.</summary>
    public ModelCache(IEnumerable<IModelRuntime> runtimes, IArtifactStore artifacts, ServingMetrics metrics, IOptions<ModelCacheOptions> options, ILogger<ModelCache> logger)
    {
        ArgumentNullException.ThrowIfNull(runtimes);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Value.ModelMemoryBudgetBytes, 1, nameof(options));
        _runtimes = runtimes.ToDictionary(r => r.Flavor, StringComparer.Ordinal);
        _artifacts = artifacts;
        _metrics = metrics;
        _logger = logger;
        _budget = options.Value.ModelMemoryBudgetBytes;
    }

    /// <summary>Estimated bytes held by loaded (not retired) models.</summary>
    public long LoadedBytes
    {
        get
        {
            lock (_lock)
            {
                return _loadedBytes;
            }
        }
    }

    /// <summary>Whether a version is loaded (or loading) now.</summary>
    public bool Contains(string model, int version)
    {
        lock (_lock)
        {
            return _entries.ContainsKey((model, version));
        }
    }

    /// <summary>Whether a version is loaded and ready now (not merely loading, not retired).</summary>
    public bool IsLoaded(string model, int version)
    {
        lock (_lock)
        {
            return _entries.TryGetValue((model, version), out var entry) && entry.Model is not null && !entry.Retired;
        }
    }

    /// <summary>
    /// Retires a version now (the model-repository extension's unload): it is disposed once its last lease is released,
    /// and the next request loads it again. False when it was not loaded (a version still loading is left to finish).
    /// </summary>
    public bool Unload(string model, int version)
    {
        List<ILoadedModel> dispose = [];
        lock (_lock)
        {
            if (!_entries.TryGetValue((model, version), out var entry) || entry.Model is null)
            {
                return false;
            }

            Retire(entry, dispose);
        }

        DisposeAll(dispose);
        return true;
    }

    /// <summary>
    /// The loaded model of a route, loading it first if needed; dispose the lease when the request is done with it.
    /// A load failure is not cached: the next request tries again.
    /// </summary>
    public async ValueTask<ModelLease> AcquireAsync(ResolvedRoute route, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(route);
        Entry entry;
        lock (_lock)
        {
            var key = (route.ModelName, route.Version);
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry(key);
                _entries[key] = entry;
                entry.Loading = LoadAsync(entry, route);
            }

            entry.RefCount++;
            entry.Acquisitions++;
            entry.LastUsed = ++_clock;
        }

        try
        {
            var model = entry.Loading.IsCompletedSuccessfully
                ? entry.Loading.Result
                : await entry.Loading.WaitAsync(cancellationToken);
            return new ModelLease(this, entry, model);
        }
        catch
        {
            Release(entry);
            throw;
        }
    }

    /// <summary>
    /// A lease on a version only if it is loaded already; otherwise starts loading it in the background and returns
    /// null (for shadows, which must never load on the request path).
    /// </summary>
    public ModelLease? TryAcquireLoaded(ResolvedRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_lock)
        {
            var key = (route.ModelName, route.Version);
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry(key);
                _entries[key] = entry;
                entry.Loading = LoadAsync(entry, route);
                entry.Loading.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
                return null;
            }

            if (entry.Model is null || entry.Retired)
            {
                return null;
            }

            entry.RefCount++;
            entry.Acquisitions++;
            entry.LastUsed = ++_clock;
            return new ModelLease(this, entry, entry.Model);
        }
    }

    /// <summary>
    /// For tests: the leases acquired on a version's current cache entry (<see cref="AcquireAsync"/>,
    /// <see cref="TryAcquireLoaded"/>) and the holds open on it now (leases and <see cref="ModelLease.Hold"/>s not yet
    /// released); zeros when the version is not in the cache.
    /// </summary>
    internal (long Acquired, int Held) Usage(string model, int version)
    {
        lock (_lock)
        {
            return _entries.TryGetValue((model, version), out var entry) ? (entry.Acquisitions, entry.RefCount) : (0, 0);
        }
    }

    /// <summary>Retires every model (disposed once released).</summary>
    public void Dispose()
    {
        List<ILoadedModel> dispose = [];
        lock (_lock)
        {
            foreach (var entry in _entries.Values.ToList())
            {
                Retire(entry, dispose);
            }
        }

        DisposeAll(dispose);
    }

    private async Task<ILoadedModel> LoadAsync(Entry entry, ResolvedRoute route)
    {
        await Task.Yield(); // never load on the caller's lock
        var started = Stopwatch.GetTimestamp();
        ILoadedModel model;
        try
        {
            if (!_runtimes.TryGetValue(route.Flavor, out var runtime))
            {
                throw new InvalidOperationException($"No runtime serves the '{route.Flavor}' flavor.");
            }

            var file = await ModelFileAsync(route.ArtifactPath);
            await using var stream = await _artifacts.OpenReadAsync(file);
            model = await runtime.LoadAsync(stream);
        }
        catch (Exception ex)
        {
            LogLoadFailed(_logger, ex, route.ModelName, route.Version);
            lock (_lock)
            {
                if (_entries.TryGetValue(entry.Key, out var current) && current == entry)
                {
                    _entries.Remove(entry.Key);
                }
            }

            throw;
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        _metrics.ModelLoaded(route.ModelName, route.Version, seconds);
        LogLoaded(_logger, route.ModelName, route.Version, model.ApproximateBytes, seconds * 1000);
        List<ILoadedModel> dispose = [];
        lock (_lock)
        {
            entry.Model = model;
            entry.Bytes = model.ApproximateBytes;
            _loadedBytes += entry.Bytes;
            EvictBeyondBudget(entry, dispose);
        }

        DisposeAll(dispose);
        return model;
    }

    // Caller holds _lock. Retires the least recently used loaded models (never `keep`) until within budget.
    private void EvictBeyondBudget(Entry keep, List<ILoadedModel> dispose)
    {
        if (_loadedBytes <= _budget)
        {
            return;
        }

        foreach (var candidate in _entries.Values.Where(e => e != keep && e.Model is not null).OrderBy(e => e.LastUsed).ToList())
        {
            if (_loadedBytes <= _budget)
            {
                break;
            }

            LogEvicted(_logger, candidate.Key.Model, candidate.Key.Version, candidate.Bytes);
            Retire(candidate, dispose);
        }
    }

    // Caller holds _lock.
    private void Retire(Entry entry, List<ILoadedModel> dispose)
    {
        if (_entries.TryGetValue(entry.Key, out var current) && current == entry)
        {
            _entries.Remove(entry.Key);
        }

        if (entry.Retired)
        {
            return;
        }

        entry.Retired = true;
        if (entry.Model is not null)
        {
            _loadedBytes -= entry.Bytes;
            if (entry.RefCount == 0)
            {
                dispose.Add(entry.Model);
            }
        }
    }

    // The caller holds a lease on `entry`, so RefCount > 0 and the model cannot be disposed meanwhile.
    private ModelLease Hold(Entry entry, ILoadedModel model)
    {
        lock (_lock)
        {
            entry.RefCount++;
        }

        return new ModelLease(this, entry, model);
    }

    private void Release(Entry entry)
    {
        ILoadedModel? dispose = null;
        lock (_lock)
        {
            entry.RefCount--;
            if (entry.RefCount == 0 && entry.Retired)
            {
                dispose = entry.Model;
            }
        }

        dispose?.Dispose();
    }

    private static void DisposeAll(List<ILoadedModel> models)
    {
        foreach (var model in models)
        {
            model.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Model} version {Version} ({Bytes} bytes estimated) in {Milliseconds:F1} ms")]
    private static partial void LogLoaded(ILogger logger, string model, int version, long bytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load model {Model} version {Version}")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string model, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retired model {Model} version {Version} ({Bytes} bytes) to stay within the memory budget")]
    private static partial void LogEvicted(ILogger logger, string model, int version, long bytes);

    private sealed class Entry((string Model, int Version) key)
    {
        public (string Model, int Version) Key { get; } = key;

        public Task<ILoadedModel> Loading { get; set; } = null!;

        public ILoadedModel? Model { get; set; }

        public long Bytes { get; set; }

        public int RefCount { get; set; }

        public long Acquisitions { get; set; }

        public long LastUsed { get; set; }

        public bool Retired { get; set; }
    }

    /// <summary>A request's hold on a loaded model; the model stays usable until the lease is disposed.</summary>
    public sealed class ModelLease : IDisposable
    {
        private readonly ModelCache _cache;
        private readonly Entry _entry;
        private int _released;

        internal ModelLease(ModelCache cache, object entry, ILoadedModel model)
        {
            _cache = cache;
            _entry = (Entry)entry;
            Model = model;
        }

        /// <summary>The model.</summary>
        public ILoadedModel Model { get; }

        /// <summary>
        /// Another hold on the same loaded model instance, released on its own: the model stays usable until this
        /// lease and every hold taken from it are disposed. No cache look-up (this is not an acquisition); call it
        /// only while this lease is held.
        /// </summary>
        /// <exception cref="ObjectDisposedException">This lease was released already.</exception>
        public ModelLease Hold()
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
            return _cache.Hold(_entry, Model);
        }

        /// <summary>Releases the hold.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _cache.Release(_entry);
            }
        }
    }
}
