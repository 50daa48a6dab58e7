using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>How registry and promotion events are posted to webhooks; bound from <c>Ferry:RegistryWebhooks</c>.</summary>
public sealed class RegistryWebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:RegistryWebhooks";

    /// <summary>Tries per delivery, the first included (default 6).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the second try; each later wait doubles (default 2 s).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between tries (default 10 min).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one try may take (default 10 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the deliverer looks for due deliveries when nothing woke it (other replicas' rows; default 30 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where the Data Protection key ring that encrypts webhook secrets lives (default <c>&lt;data-dir&gt;/keys/webhooks</c>).
    /// Replicas must share it; keep it out of database backups.
    /// </summary>
    public string? KeyDirectory { get; set; }
}

/// <summary>Checks <see cref="RegistryWebhookOptions"/> at start-up.</summary>
internal sealed class RegistryWebhookOptionsValidator : IValidateOptions<RegistryWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryWebhookOptions options)
    {
        const string Section = RegistryWebhookOptions.Section;
        var failures = new List<string>();
        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{Section}:{nameof(options.MaxAttempts)} must be from 1 to 100, not {options.MaxAttempts}");
        }

        if (options.FirstRetryDelay < TimeSpan.FromMilliseconds(1) || options.FirstRetryDelay > TimeSpan.FromDays(1))
        {
            failures.Add($"{Section}:{nameof(options.FirstRetryDelay)} must be from 1 ms to 1 day, not {options.FirstRetryDelay}");
        }

        if (options.MaxRetryDelay < options.FirstRetryDelay || options.MaxRetryDelay > TimeSpan.FromDays(1))
        {
            failures.Add($"{Section}:{nameof(options.MaxRetryDelay)} must be from {nameof(options.FirstRetryDelay)} to 1 day, not {options.MaxRetryDelay}");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(10) || options.AttemptTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Section}:{nameof(options.AttemptTimeout)} must be from 10 ms to 10 min, not {options.AttemptTimeout}");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromDays(1))
        {
            failures.Add($"{Section}:{nameof(options.PollInterval)} must be from 10 ms to 1 day, not {options.PollInterval}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
