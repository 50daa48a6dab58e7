using Microsoft.Extensions.Options;

namespace Ferry.Server.Dashboard;

/// <summary>Dashboard sign-in sessions; bound from <c>Ferry:Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Dashboard";

    /// <summary>A session not used for this long ends (default 30 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in however often it is used (default 12 hours).</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// A session's last use is written at most this often (default 1 minute), so a page view seldom writes; the idle
    /// timeout is honoured to within this much.
    /// </summary>
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Checks <see cref="DashboardOptions"/> at start-up.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();
        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{DashboardOptions.Section}:{nameof(options.IdleTimeout)} must be positive, not {options.IdleTimeout}");
        }

        if (options.AbsoluteLifetime < options.IdleTimeout)
        {
            errors.Add($"{DashboardOptions.Section}:{nameof(options.AbsoluteLifetime)} ({options.AbsoluteLifetime}) must be at least the idle timeout ({options.IdleTimeout})");
        }

        if (options.TouchInterval < TimeSpan.Zero || options.TouchInterval >= options.IdleTimeout)
        {
            errors.Add($"{DashboardOptions.Section}:{nameof(options.TouchInterval)} must be from zero to below the idle timeout, not {options.TouchInterval}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The name of the rate-limiting policy on the sign-in form (configured under <c>Ferry:RateLimits:SignIn</c>).</summary>
public static class DashboardRateLimits
{
    /// <summary>The policy name.</summary>
    public const string SignInPolicy = "dashboard-signin";
}
