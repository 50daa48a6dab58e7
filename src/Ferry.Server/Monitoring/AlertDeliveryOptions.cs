using Microsoft.Extensions.Options;

namespace Ferry.Server.Monitoring;

/// <summary>How alerts are posted to webhooks; bound from <c>Ferry:AlertDelivery</c>.</summary>
public sealed class AlertDeliveryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:AlertDelivery";

    /// <summary>Tries per webhook and alert event, the first included (default 5).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the second try; each later wait doubles (with jitter unless <see cref="UseJitter"/> is off; default 2 s).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Spreads each wait randomly around its doubled value, so that replicas do not retry in step (on by default).</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>How long one try may take (default 10 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Alert events waiting to be posted; beyond this a new event is dropped and logged.</summary>
    public int QueueCapacity { get; set; } = 10_000;
}

/// <summary>Checks <see cref="AlertDeliveryOptions"/> at start-up (within the ranges Polly accepts).</summary>
internal sealed class AlertDeliveryOptionsValidator : IValidateOptions<AlertDeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertDeliveryOptions options)
    {
        const string Section = AlertDeliveryOptions.Section;
        var failures = new List<string>();
        if (options.MaxAttempts < 1)
        {
            failures.Add($"{Section}:{nameof(options.MaxAttempts)} must be at least 1, not {options.MaxAttempts}");
        }

        if (options.FirstRetryDelay < TimeSpan.Zero || options.FirstRetryDelay > TimeSpan.FromDays(1))
        {
            failures.Add($"{Section}:{nameof(options.FirstRetryDelay)} must be from 0 to 1 day, not {options.FirstRetryDelay}");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(10) || options.AttemptTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{Section}:{nameof(options.AttemptTimeout)} must be from 10 ms to 1 day, not {options.AttemptTimeout}");
        }

        if (options.QueueCapacity < 1)
        {
            failures.Add($"{Section}:{nameof(options.QueueCapacity)} must be at least 1, not {options.QueueCapacity}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
