using Microsoft.Extensions.Options;

namespace Ferry.Server.RateLimiting;

/// <summary>
/// Request rate limits; bound from <c>Ferry:RateLimits</c>. Each rule allows <see cref="RateLimitRule.PermitLimit"/>
/// requests per <see cref="RateLimitRule.Window"/> (a fixed window) and queues up to
/// <see cref="RateLimitRule.QueueLimit"/> more; beyond that a request is answered 429 with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:RateLimits";

    /// <summary>Every authenticated request, per API token (off by default).</summary>
    public RateLimitRule PerToken { get; set; } = new();

    /// <summary>Prediction requests (predict, invocations, OIP infer), per serving endpoint (off by default).</summary>
    public RateLimitRule PerEndpoint { get; set; } = new();

    /// <summary>Dashboard sign-in attempts, per client address (default 10 a minute, against guessing tokens).</summary>
    public RateLimitRule SignIn { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };
}

/// <summary>One fixed-window limit.</summary>
public sealed class RateLimitRule
{
    /// <summary>Requests allowed per window; 0 turns the rule off.</summary>
    public int PermitLimit { get; set; }

    /// <summary>The window (default 1 second).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests beyond the limit that wait for the next window instead of being refused (default 0).</summary>
    public int QueueLimit { get; set; }

    /// <summary>True when the rule limits anything.</summary>
    public bool Enabled => PermitLimit > 0;
}

/// <summary>Checks <see cref="RateLimitOptions"/> at start-up.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var errors = new List<string>();
        Check(options.PerToken, nameof(options.PerToken), errors);
        Check(options.PerEndpoint, nameof(options.PerEndpoint), errors);
        Check(options.SignIn, nameof(options.SignIn), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(RateLimitRule? rule, string name, List<string> errors)
    {
        var at = $"{RateLimitOptions.Section}:{name}";
        if (rule is null)
        {
            errors.Add($"{at} is missing");
            return;
        }

        if (rule.PermitLimit < 0)
        {
            errors.Add($"{at}:{nameof(rule.PermitLimit)} must not be negative (0 turns the limit off), not {rule.PermitLimit}");
        }

        if (rule.Window <= TimeSpan.Zero || rule.Window > TimeSpan.FromDays(1))
        {
            errors.Add($"{at}:{nameof(rule.Window)} must be above zero and at most a day, not {rule.Window}");
        }

        if (rule.QueueLimit < 0)
        {
            errors.Add($"{at}:{nameof(rule.QueueLimit)} must not be negative, not {rule.QueueLimit}");
        }
    }
}
