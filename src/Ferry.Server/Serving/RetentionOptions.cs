using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>How long the prediction log keeps what it wrote; bound from <c>Ferry:Retention</c>.</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Retention";

    /// <summary>
    /// How long logged predictions (and their feedback) are kept (default 30 days; null keeps them forever: an empty
    /// value or JSON <c>null</c> in configuration).
    /// </summary>
    public TimeSpan? Predictions { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Checks <see cref="RetentionOptions"/> at start-up.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) =>
        options.Predictions is { } retention && retention <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"{RetentionOptions.Section}:{nameof(options.Predictions)} must be positive (or empty to keep predictions forever), not {retention}")
            : ValidateOptionsResult.Success;
}
