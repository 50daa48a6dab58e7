namespace Ferry.Core.Governance;

/// <summary>One stored revision of a registered model's promotion policy: its tier and overrides. Each change adds a revision.</summary>
public sealed class PolicyRevision
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>1, 2, ... per model.</summary>
    public int Revision { get; set; }

    /// <summary>The tier (low, medium, high).</summary>
    public RiskTier Tier { get; set; }

    /// <summary>The overrides (<see cref="PolicyOverrides"/> as JSON).</summary>
    public string OverridesJson { get; set; } = "{}";

    /// <summary>Who stored it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When, epoch ms.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>Port: promotion policies with their history; every change is audited (<c>policy.set</c>).</summary>
public interface IPolicyStore
{
    /// <summary>The model's newest revision, or null when it never had one.</summary>
    Task<PolicyRevision?> FindAsync(string modelName, CancellationToken cancellationToken = default);

    /// <summary>Every revision, newest first.</summary>
    Task<IReadOnlyList<PolicyRevision>> HistoryAsync(string modelName, CancellationToken cancellationToken = default);

    /// <summary>Stores a new revision (the model must exist).</summary>
    Task<PolicyRevision> SaveAsync(string modelName, RiskTier tier, string overridesJson, string actor, CancellationToken cancellationToken = default);
}
