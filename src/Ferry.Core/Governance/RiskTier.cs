namespace Ferry.Core.Governance;

/// <summary>A registered model's risk tier: it picks the promotion policy's defaults.</summary>
public enum RiskTier
{
    /// <summary>No approval needed; the requester may approve; only the signature gate runs by default.</summary>
    Low = 1,

    /// <summary>The default for a new model: one approval by someone other than the requester.</summary>
    Medium = 2,

    /// <summary>Two approvals by others, every gate on (fairness needs an attribute to be named).</summary>
    High = 3,
}
