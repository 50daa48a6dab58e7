namespace Ferry.Server.Serving;

/// <summary>Settings of the serving caches (models, policies) and of shadow traffic.</summary>
public sealed class ModelCacheOptions
{
    /// <summary>Most memory the loaded models may hold together (sum of their estimates); least recently used
    /// models beyond it are retired (default 2 GiB).</summary>
    public long ModelMemoryBudgetBytes { get; set; } = 2L << 30;

    /// <summary>How often an endpoint's policy is re-read from the database (default 2 s); a deploy made by this
    /// process applies at once through <see cref="PolicyCache.RefreshAsync"/>.</summary>
    public TimeSpan PolicyRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most shadow batches scored at once; a shadow copy beyond it is skipped and counted (default 16).</summary>
    public int MaxConcurrentShadows { get; set; } = 16;
}
