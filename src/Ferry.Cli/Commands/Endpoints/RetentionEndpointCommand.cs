using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary>
/// <c>ferry endpoints retention &lt;name&gt; --days N</c> (or <c>--default</c>): how long the endpoint keeps its predictions;
/// refused below the retention floor of a model it serves (needs an approver).
/// </summary>
internal sealed class RetentionEndpointCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };
    private readonly Option<int?> _days = new("--days") { Description = "Days to keep the endpoint's predictions (never below a served model's retention floor)", HelpName = "days" };
    private readonly Option<bool> _default = new("--default") { Description = "Use the server's retention (Ferry:Retention:Predictions) again" };

    public RetentionEndpointCommand(ClientOptions client)
        : base("retention", "Set how many days an endpoint keeps its predictions (refused below a served model's retention floor).")
    {
        Arguments.Add(_name);
        Options.Add(_days);
        Options.Add(_default);
        Validators.Add(result =>
        {
            if ((result.GetValue(_days) is null) == !result.GetValue(_default))
            {
                result.AddError("Give either --days N or --default.");
            }
        });
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var view = await ferry.Endpoints.SetRetentionAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_days), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(view);
            }
            else
            {
                var days = view.Days is { } d ? $"{d} days" : "the server's retention";
                var floor = view.FloorModel is { } model ? $" (floor: {view.FloorDays} days, set by model '{model}')" : string.Empty;
                CliConsole.Line($"'{view.Endpoint}' now keeps its predictions for {days}{floor}.");
            }

            return ExitCodes.Success;
        }));
    }
}
