using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Ship;

/// <summary>
/// <c>ferry ship MODEL --name N --reference train.csv --label COLUMN [--endpoint E] [--canary [--weight P]]</c>: from a
/// model file to a served, explained and monitored endpoint in one command. Registers the model (an ONNX file, an
/// MLflow model directory, <c>runs:/</c> or <c>models:/</c> URI; reusing the latest version when its content is the
/// same), computes its reference from the training rows, deploys it (creating the endpoint, switching it, or as a
/// canary beside the current version), creates the default monitors when absent, explains one prediction, and prints
/// the URLs and a sample <c>curl</c>. Running it again on the same inputs changes nothing and says so.
/// </summary>
internal sealed class ShipCommand : Command
{
    private const int DefaultCanaryWeight = 10;

    private readonly Argument<string> _model = new("model")
    {
        Description = "The model: an .onnx file (or ML.NET .zip), an MLflow model directory (with MLmodel), runs:/<run-id>/<path> or models:/<name>/<version>",
    };

    private readonly Option<string> _name = new("--name", "-n") { Description = "The registered model's name", Required = true };

    private readonly Option<FileInfo> _reference = new("--reference")
    {
        Description = "Training data (.csv or .parquet): the reference for drift, explanations and CBPE",
        Required = true,
        HelpName = "file",
    };

    private readonly Option<string> _label = new("--label") { Description = "The column of --reference holding the true outcome (the target)", Required = true, HelpName = "column" };

    private readonly Option<string?> _endpoint = new("--endpoint", "-e") { Description = "The endpoint to serve it [default: --name]", HelpName = "name" };

    private readonly Option<bool> _canary = new("--canary") { Description = "Put the new version beside the endpoint's current one with a canary share instead of switching all traffic" };

    private readonly Option<int?> _weight = new("--weight") { Description = $"The canary's share in percent, 1-99 [default: {DefaultCanaryWeight}]", HelpName = "percent" };

    private readonly Option<string?> _tier = new("--tier")
    {
        Description = "Set the model's promotion tier first (admin): low serves new versions without approval; medium and high need an approved promotion [default: leave the policy as it is]",
        HelpName = "tier",
    };

    public ShipCommand()
        : base("ship", "Register a model, compute its reference, deploy it and monitor it: a served, explained, monitored endpoint in one command.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Arguments.Add(_model);
        Options.Add(_name);
        Options.Add(_reference);
        Options.Add(_label);
        Options.Add(_endpoint);
        Options.Add(_canary);
        Options.Add(_weight);
        _tier.AcceptOnlyFromAmong("low", "medium", "high");
        Options.Add(_tier);
        this.SetGuardedAction(async (parseResult, cancellationToken) =>
        {
            var canary = parseResult.GetValue(_canary);
            var weight = parseResult.GetValue(_weight);
            if (weight is not null && !canary)
            {
                throw new CliException(ExitCodes.InvalidArguments, "--weight sets the canary's share; it needs --canary");
            }

            var share = weight ?? DefaultCanaryWeight;
            if (share is < 1 or > 99)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"--weight must be from 1 to 99 percent, not {share}");
            }

            // Everything that can be checked locally is checked before anything is sent.
            var name = parseResult.GetValue(_name)!;
            var source = ShipSource.Parse(parseResult.GetValue(_model)!);
            var rows = await ReferenceRows.ReadAsync(parseResult.GetValue(_reference)!, parseResult.GetValue(_label)!, cancellationToken);
            var plan = new ShipPlan(source, name, parseResult.GetValue(_endpoint) ?? name, rows, canary, share, parseResult.GetValue(_tier));
            var json = client.OutputOf(parseResult) == OutputFormat.Json;
            return await client.RunAsync(parseResult, async ferry =>
            {
                var interactive = !json && !Console.IsErrorRedirected;
                var report = interactive
                    ? await BarShipProgress.RunAsync(progress => new ShipRunner(ferry, plan, progress).RunAsync(cancellationToken))
                    : await new ShipRunner(ferry, plan, json ? new SilentShipProgress() : new LineShipProgress()).RunAsync(cancellationToken);
                if (json)
                {
                    CliConsole.Json(report);
                }
                else
                {
                    ShipOutput.Write(report, linesShown: !interactive);
                }

                return ExitCodes.Success;
            });
        });
    }
}
