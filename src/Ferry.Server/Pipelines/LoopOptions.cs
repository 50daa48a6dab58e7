using Microsoft.Extensions.Options;

namespace Ferry.Server.Pipelines;

/// <summary>How the closed loop runs; bound from <c>Ferry:Loop</c>.</summary>
public sealed class LoopOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Loop";

    /// <summary>How often the loop's stages look for work (default 10 s, on <see cref="TimeProvider"/>'s clock).</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>False stops the periodic ticks (triggers are still recorded; <see cref="LoopWorker.TickAsync"/> still works).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Checks <see cref="LoopOptions"/> at start-up.</summary>
internal sealed class LoopOptionsValidator : IValidateOptions<LoopOptions>
{
    public ValidateOptionsResult Validate(string? name, LoopOptions options) =>
        options.TickInterval < TimeSpan.FromMilliseconds(50)
            ? ValidateOptionsResult.Fail($"{LoopOptions.Section}:{nameof(options.TickInterval)} must be at least 50 ms, not {options.TickInterval}")
            : ValidateOptionsResult.Success;
}
