using System.CommandLine;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary>
/// <c>ferry endpoints review ENDPOINT ID --action confirm|override|escalate [--outcome O] --reason "..."</c>: records a
/// human decision on a logged prediction (needs an approver token).
/// </summary>
internal sealed class ReviewPredictionCommand : Command
{
    private readonly Argument<string> _endpoint = new("endpoint") { Description = "The endpoint that served the prediction" };
    private readonly Argument<Guid> _id = new("id") { Description = "The prediction id the endpoint returned" };
    private readonly Option<string> _action = new("--action") { Description = "confirm, override or escalate", Required = true };
    private readonly Option<string?> _outcome = new("--outcome") { Description = "The human's outcome (override only): one of the model's classes, or a number" };
    private readonly Option<string> _reason = new("--reason") { Description = "Why (at most 2,000 characters)", Required = true };

    public ReviewPredictionCommand(ClientOptions client)
        : base("review", "Record a human review of a logged prediction: confirm it, override it with your outcome, or escalate it (approver).")
    {
        _action.AcceptOnlyFromAmong("confirm", "override", "escalate");
        Arguments.Add(_endpoint);
        Arguments.Add(_id);
        Options.Add(_action);
        Options.Add(_outcome);
        Options.Add(_reason);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            JsonElement? outcome = parseResult.GetValue(_outcome) is { } text ? JsonSerializer.SerializeToElement(text) : null;
            var review = await ferry.Reviews.ReviewAsync(
                parseResult.GetValue(_endpoint)!,
                parseResult.GetValue(_id),
                new ReviewRequest(parseResult.GetValue(_action), outcome, parseResult.GetValue(_reason)),
                cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(review);
            }
            else
            {
                var what = review.Outcome is null ? review.Action : $"{review.Action} -> {review.Outcome}";
                CliConsole.Line($"Recorded review {review.Id} of prediction {review.PredictionId} ({review.ModelName} v{review.ModelVersion}): {what}, by {review.Actor}.");
            }

            return ExitCodes.Success;
        }));
    }
}
