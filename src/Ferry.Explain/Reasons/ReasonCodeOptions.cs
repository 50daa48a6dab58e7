namespace Ferry.Explain.Reasons;

/// <summary>Settings of <see cref="ReasonCodes.Build"/>.</summary>
public sealed record ReasonCodeOptions
{
    /// <summary>How many reasons at most (the top-k adverse contributions).</summary>
    public int Count { get; init; } = 4;

    /// <summary>Which sign of an attribution is adverse.</summary>
    public AdverseDirection Adverse { get; init; } = AdverseDirection.Positive;

    /// <summary>The quantity the output measures, as written in sentences ("raises risk by …").</summary>
    public string Outcome { get; init; } = "risk";

    /// <summary>Formats numbers in sentences; defaults to <see cref="ReasonCodes.FormatNumber"/>.</summary>
    public Func<double, string>? FormatNumber { get; init; }
}
