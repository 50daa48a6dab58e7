using Microsoft.Extensions.Options;

namespace Ferry.Server.Cluster;

/// <summary>How replicas keep their caches coherent; bound from <c>Ferry:Cluster</c>.</summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Cluster";

    /// <summary>The response header naming the replica that answered.</summary>
    public const string ReplicaHeader = "X-Ferry-Replica";

    /// <summary>
    /// This replica's name, sent in the <see cref="ReplicaHeader"/> response header (default: the machine name and the
    /// process id; on Kubernetes the pod name); empty sends no header.
    /// </summary>
    public string? ReplicaId { get; set; }

    /// <summary>First wait before reopening a lost listening connection (default 1 s); doubles on each failure.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts to reopen the listening connection (default 30 s).</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the listening connection may stay silent before it is checked with <c>SELECT 1</c> (default 15 s).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long an unsent signal is retried (default 30 s, the token cache's default duration): past it, the other
    /// replicas' caches have expired the entry by themselves, which is the fallback bound.
    /// </summary>
    public TimeSpan SendGiveUpAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The replica id to use: <see cref="ReplicaId"/> when set, else machine name and process id.</summary>
    public string EffectiveReplicaId => ReplicaId ?? $"{Environment.MachineName}-{Environment.ProcessId}";
}

/// <summary>Checks <see cref="ClusterOptions"/> at start-up.</summary>
internal sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        const string Section = ClusterOptions.Section;
        var failures = new List<string>();
        if (options.ReconnectMinDelay <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.ReconnectMinDelay)} must be positive, not {options.ReconnectMinDelay}");
        }

        if (options.ReconnectMaxDelay < options.ReconnectMinDelay)
        {
            failures.Add($"{Section}:{nameof(options.ReconnectMaxDelay)} ({options.ReconnectMaxDelay}) must not be below {Section}:{nameof(options.ReconnectMinDelay)} ({options.ReconnectMinDelay})");
        }

        if (options.KeepAliveInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.KeepAliveInterval)} must be positive, not {options.KeepAliveInterval}");
        }

        if (options.SendGiveUpAfter < TimeSpan.Zero)
        {
            failures.Add($"{Section}:{nameof(options.SendGiveUpAfter)} must not be negative, not {options.SendGiveUpAfter}");
        }

        if (options.ReplicaId is { } id && (id.Length > 200 || id.Any(char.IsControl)))
        {
            failures.Add($"{Section}:{nameof(options.ReplicaId)} must be at most 200 characters without control characters");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
