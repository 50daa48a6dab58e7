using Microsoft.Extensions.Options;

namespace Ferry.Server.Health;

/// <summary>How a database outage is answered and watched; bound from <c>Ferry:DatabaseOutage</c>.</summary>
public sealed class DatabaseOutageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:DatabaseOutage";

    /// <summary>The <c>Retry-After</c> sent with a 503 caused by the database being unavailable (default 5 s; whole seconds).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often, during an outage, the server checks whether the database answers again (default 1 s).</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Checks <see cref="DatabaseOutageOptions"/> at start-up.</summary>
internal sealed class DatabaseOutageOptionsValidator : IValidateOptions<DatabaseOutageOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOutageOptions options)
    {
        List<string> failures = [];
        if (options.RetryAfter < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{DatabaseOutageOptions.Section}:{nameof(options.RetryAfter)} must be at least 1 s, not {options.RetryAfter}");
        }

        if (options.ProbeInterval <= TimeSpan.Zero)
        {
            failures.Add($"{DatabaseOutageOptions.Section}:{nameof(options.ProbeInterval)} must be positive, not {options.ProbeInterval}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
