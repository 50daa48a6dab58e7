namespace Ferry.Server.Pipelines;

/// <summary>Who the loop acts as in the audit trail.</summary>
public static class LoopActors
{
    /// <summary>The loop itself (automatic firings, phase changes, ramps, rollbacks).</summary>
    public const string Loop = "ferry-loop";
}
