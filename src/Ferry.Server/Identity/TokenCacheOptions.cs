using Microsoft.Extensions.Options;

namespace Ferry.Server.Identity;

/// <summary>How long authenticated tokens are remembered; bound from <c>Ferry:TokenCache</c>.</summary>
public sealed class TokenCacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:TokenCache";

    /// <summary>
    /// How long an authenticated token is remembered before the database is asked again (the revocation delay on
    /// other replicas; default 30 s, zero to ask every time).
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While the database is unavailable, how long after the database last confirmed a token it is still honoured from
    /// memory (default 15 min, zero to refuse every token the cache cannot confirm). Revocations made through this
    /// process still apply at once; one made through another replica during the outage is not seen until it ends.
    /// </summary>
    public TimeSpan OutageGrace { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Checks <see cref="TokenCacheOptions"/> at start-up.</summary>
internal sealed class TokenCacheOptionsValidator : IValidateOptions<TokenCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenCacheOptions options) =>
        options.Duration < TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"{TokenCacheOptions.Section}:{nameof(options.Duration)} must not be negative, not {options.Duration}")
            : options.OutageGrace < TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"{TokenCacheOptions.Section}:{nameof(options.OutageGrace)} must not be negative, not {options.OutageGrace}")
            : ValidateOptionsResult.Success;
}
