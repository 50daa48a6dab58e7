namespace Ferry.Server.Monitoring;

/// <summary>How alerts are posted to webhooks.</summary>
public sealed record AlertDeliveryOptions
{
    /// <summary>Tries per webhook and alert event, the first included.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait before the second try; each later wait doubles (with jitter unless <see cref="UseJitter"/> is off).</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Spreads each wait randomly around its doubled value, so that replicas do not retry in step (on by default).</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>How long one try may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Alert events waiting to be posted; beyond this a new event is dropped and logged.</summary>
    public int QueueCapacity { get; init; } = 10_000;
}
