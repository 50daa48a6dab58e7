using Microsoft.Extensions.Options;

namespace Ferry.Server.Oversight;

/// <summary>How the override-rate check judges an endpoint's reviews; bound from <c>Ferry:Oversight</c>.</summary>
public sealed class OverrideRateOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Oversight";

    /// <summary>The window of served predictions whose reviews count (default 7 days, ending now).</summary>
    public TimeSpan OverrideRateWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Fewest reviewed predictions in the window before the rate is judged (default 5).</summary>
    public int OverrideRateMinReviewed { get; set; } = 5;

    /// <summary>How often every endpoint with a limit is checked again, besides after each review (default 1 hour).</summary>
    public TimeSpan OverrideRateCheckInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Checks <see cref="OverrideRateOptions"/> at start-up.</summary>
internal sealed class OverrideRateOptionsValidator : IValidateOptions<OverrideRateOptions>
{
    public ValidateOptionsResult Validate(string? name, OverrideRateOptions options)
    {
        const string Section = OverrideRateOptions.Section;
        var failures = new List<string>();
        if (options.OverrideRateWindow <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.OverrideRateWindow)} must be positive, not {options.OverrideRateWindow}");
        }

        if (options.OverrideRateMinReviewed < 1)
        {
            failures.Add($"{Section}:{nameof(options.OverrideRateMinReviewed)} must be at least 1, not {options.OverrideRateMinReviewed}");
        }

        if (options.OverrideRateCheckInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Section}:{nameof(options.OverrideRateCheckInterval)} must be at least one second, not {options.OverrideRateCheckInterval}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
