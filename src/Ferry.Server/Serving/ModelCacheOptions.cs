using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>Settings of the serving caches (models, policies) and of shadow traffic; bound from <c>Ferry:ModelCache</c>.</summary>
public sealed class ModelCacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:ModelCache";

    /// <summary>Most memory the loaded models may hold together (sum of their estimates); least recently used
    /// models beyond it are retired (default 2 GiB).</summary>
    public long ModelMemoryBudgetBytes { get; set; } = 2L << 30;

    /// <summary>How often an endpoint's policy is re-read from the database (default 2 s); a deploy made by this
    /// process applies at once through <see cref="PolicyCache.RefreshAsync"/>.</summary>
    public TimeSpan PolicyRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most shadow batches scored at once; a shadow copy beyond it is skipped and counted (default 16).</summary>
    public int MaxConcurrentShadows { get; set; } = 16;
}

/// <summary>Checks <see cref="ModelCacheOptions"/> at start-up.</summary>
internal sealed class ModelCacheOptionsValidator : IValidateOptions<ModelCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelCacheOptions options)
    {
        const string Section = ModelCacheOptions.Section;
        var failures = new List<string>();
        if (options.ModelMemoryBudgetBytes < 1)
        {
            failures.Add($"{Section}:{nameof(options.ModelMemoryBudgetBytes)} must be at least 1, not {options.ModelMemoryBudgetBytes}");
        }

        if (options.PolicyRefreshInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.PolicyRefreshInterval)} must be positive, not {options.PolicyRefreshInterval}");
        }

        if (options.MaxConcurrentShadows < 1)
        {
            failures.Add($"{Section}:{nameof(options.MaxConcurrentShadows)} must be at least 1, not {options.MaxConcurrentShadows}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
