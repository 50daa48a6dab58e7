namespace Ferry.Core.Tracking;

/// <summary>Which lifecycle stages a search returns (MLflow's ViewType, same numbering).</summary>
public enum ViewType
{
    /// <summary>Active only (the default).</summary>
    ActiveOnly = 1,

    /// <summary>Deleted only.</summary>
    DeletedOnly = 2,

    /// <summary>Both.</summary>
    All = 3,
}
