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
}

/// <summary>Checks <see cref="TokenCacheOptions"/> at start-up.</summary>
internal sealed class TokenCacheOptionsValidator : IValidateOptions<TokenCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenCacheOptions options) =>
        options.Duration < TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"{TokenCacheOptions.Section}:{nameof(options.Duration)} must not be negative, not {options.Duration}")
            : ValidateOptionsResult.Success;
}
