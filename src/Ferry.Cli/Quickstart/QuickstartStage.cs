namespace Ferry.Cli.Quickstart;

/// <summary>The quickstart's stages, in order; each reports progress from 0 to its <see cref="Steps"/>.</summary>
/// <param name="Title">What the stage does, in words.</param>
/// <param name="Steps">How many steps it counts.</param>
internal sealed record QuickstartStage(string Title, int Steps)
{
    public static readonly QuickstartStage Server = new("Start Ferry", 1);
    public static readonly QuickstartStage Train = new("Train and register the model", 3);
    public static readonly QuickstartStage Deploy = new("Deploy, add monitors", 3);
    public static readonly QuickstartStage Traffic = new("Serve a day (shift at noon)", QuickstartScenario.Hours);
    public static readonly QuickstartStage Truth = new("Late ground truth", 2);
    public static readonly QuickstartStage Loop = new("Retrain, evaluate, ramp", 1);

    public static IReadOnlyList<QuickstartStage> All { get; } = [Server, Train, Deploy, Traffic, Truth, Loop];
}

/// <summary>Where the quickstart reports its progress (a progress bar on a terminal, lines otherwise).</summary>
internal interface IQuickstartProgress
{
    /// <summary>Sets a stage's completed steps and what it is doing.</summary>
    void Report(QuickstartStage stage, int done, string? detail = null);
}
