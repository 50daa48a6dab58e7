namespace Ferry.Core.Explain;

/// <summary>How reason codes are worded and how many are given.</summary>
/// <param name="Count">Reason codes per row.</param>
/// <param name="Outcome">The word for what an adverse feature raises (e.g. risk).</param>
/// <param name="Interventional">Whether tree models use interventional TreeSHAP instead of path-dependent.</param>
/// <param name="Samples">KernelSHAP's coalition samples per row, for models it explains (null = the default).</param>
public sealed record ReasonSettings(int Count = 4, string Outcome = "the score", bool Interventional = false, int? Samples = null);
