using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary>
/// <c>ferry endpoints review-settings NAME [--ground-truth true|false] [--score-class C] [--band LOW HIGH | --no-band]
/// [--override-rate-limit R | --no-override-rate-limit]</c>: changes the given review settings and keeps the others
/// (needs an approver token).
/// </summary>
internal sealed class ReviewSettingsCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };
    private readonly Option<bool?> _groundTruth = new("--ground-truth") { Description = "Store each override's outcome as the prediction's feedback (true or false)" };
    private readonly Option<string?> _scoreClass = new("--score-class") { Description = "The class whose probability places a prediction in the review queue (default: the positive class)" };
    private readonly Option<double[]?> _band = new("--band") { Description = "The review queue's band on that probability: LOW HIGH, within 0..1", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };
    private readonly Option<bool> _noBand = new("--no-band") { Description = "Remove the review band (no queue)" };
    private readonly Option<double?> _limit = new("--override-rate-limit") { Description = "The largest override rate before the override-rate alert opens, in (0, 1]" };
    private readonly Option<bool> _noLimit = new("--no-override-rate-limit") { Description = "Remove the override-rate limit (no check)" };

    public ReviewSettingsCommand(ClientOptions client)
        : base("review-settings", "Show or change an endpoint's review settings: overrides as ground truth, the review band, the override-rate limit (approver to change).")
    {
        Arguments.Add(_name);
        foreach (var option in new Option[] { _groundTruth, _scoreClass, _band, _noBand, _limit, _noLimit })
        {
            Options.Add(option);
        }

        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var name = parseResult.GetValue(_name)!;
            var current = await ferry.Reviews.GetOversightAsync(name, cancellationToken);
            var band = parseResult.GetValue(_band) is { Length: 2 } given ? given : null;
            var noBand = parseResult.GetValue(_noBand);
            var changed = parseResult.GetValue(_groundTruth) is not null || parseResult.GetValue(_scoreClass) is not null
                || band is not null || noBand || parseResult.GetValue(_limit) is not null || parseResult.GetValue(_noLimit);
            if (changed)
            {
                current = await ferry.Reviews.SetReviewSettingsAsync(name, new ReviewSettingsRequest(
                    parseResult.GetValue(_groundTruth) ?? current.OverridesAsGroundTruth,
                    parseResult.GetValue(_scoreClass) ?? current.ReviewScoreClass,
                    noBand ? null : band?[0] ?? current.ReviewBandLow,
                    noBand ? null : band?[1] ?? current.ReviewBandHigh,
                    parseResult.GetValue(_noLimit) ? null : parseResult.GetValue(_limit) ?? current.OverrideRateLimit), cancellationToken);
            }

            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(current);
            }
            else
            {
                var bandText = current.ReviewBandLow is { } low && current.ReviewBandHigh is { } high
                    ? string.Create(CultureInfo.InvariantCulture, $"[{low}, {high}] on P({current.ReviewScoreClass ?? "positive class"})")
                    : "none";
                var limitText = current.OverrideRateLimit is { } limit ? limit.ToString(CultureInfo.InvariantCulture) : "none";
                CliConsole.Line($"'{name}': overrides as ground truth {(current.OverridesAsGroundTruth ? "on" : "off")}; review band {bandText}; override-rate limit {limitText}.");
            }

            return ExitCodes.Success;
        }));
    }
}
