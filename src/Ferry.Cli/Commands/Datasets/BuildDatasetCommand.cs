using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Client;
using Ferry.Core.Contracts;
using Spectre.Console;

namespace Ferry.Cli.Commands.Datasets;

/// <summary>
/// <c>ferry datasets build --endpoint E --from T --to T [--as-of T] [--with-reference] [--label-delay-max 90d]
/// [--holdout 0.2] [--labelled-only] [--name N] [--download f.parquet]</c>.
/// </summary>
internal sealed class BuildDatasetCommand : Command
{
    private readonly Option<string> _endpoint = new("--endpoint") { Description = "The endpoint whose prediction log is read", Required = true };
    private readonly Option<DateTimeOffset> _from = new("--from") { Description = "Start of the window, inclusive (ISO 8601)", Required = true, HelpName = "time" };
    private readonly Option<DateTimeOffset> _to = new("--to") { Description = "End of the window, exclusive (ISO 8601)", Required = true, HelpName = "time" };
    private readonly Option<DateTimeOffset?> _asOf = new("--as-of") { Description = "Join only labels received by then (ISO 8601; default now)", HelpName = "time" };
    private readonly Option<string?> _delay = new("--label-delay-max") { Description = "Join only labels received within this long of their prediction (90d, 12h, P90D)", HelpName = "duration" };
    private readonly Option<bool> _reference = new("--with-reference") { Description = "Append the answering versions' reference rows (source = reference)" };
    private readonly Option<double?> _holdout = new("--holdout") { Description = "Share of the most recent labelled rows held out for the backtest, in [0, 1) (default 0.2)", HelpName = "fraction" };
    private readonly Option<bool> _labelledOnly = new("--labelled-only") { Description = "Keep only labelled rows in the training file" };
    private readonly Option<string?> _name = new("--name") { Description = "The dataset's name (default {endpoint}-{yyyyMMdd-HHmm} of --to)" };
    private readonly Option<FileInfo?> _download = new("--download") { Description = "Also save the training file here", HelpName = "file" };

    public BuildDatasetCommand(ClientOptions client)
        : base("build", "Materialise a training set from an endpoint's prediction log, joined with the labels that had arrived by --as-of.")
    {
        Options.Add(_endpoint);
        Options.Add(_from);
        Options.Add(_to);
        Options.Add(_asOf);
        Options.Add(_delay);
        Options.Add(_reference);
        Options.Add(_holdout);
        Options.Add(_labelledOnly);
        Options.Add(_name);
        Options.Add(_download);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var body = new DatasetBuildBody
            {
                Endpoint = parseResult.GetValue(_endpoint),
                From = parseResult.GetValue(_from),
                To = parseResult.GetValue(_to),
                AsOf = parseResult.GetValue(_asOf),
                LabelDelayMax = parseResult.GetValue(_delay),
                WithReference = parseResult.GetValue(_reference),
                HoldoutFraction = parseResult.GetValue(_holdout),
                LabelledOnly = parseResult.GetValue(_labelledOnly),
                Name = parseResult.GetValue(_name),
            };
            var json = client.OutputOf(parseResult) == OutputFormat.Json;
            var dataset = await BuildAsync(ferry, body, json, cancellationToken);
            if (parseResult.GetValue(_download) is { } file)
            {
                await DownloadAsync(ferry, dataset.Name, "train", file, cancellationToken);
            }

            if (json)
            {
                CliConsole.Json(dataset);
            }
            else
            {
                DatasetOutput.WriteOne(dataset);
            }

            return ExitCodes.Success;
        }));
    }

    /// <summary>Saves a dataset file through a temporary one renamed into place.</summary>
    public static async Task DownloadAsync(FerryClient ferry, string name, string part, FileInfo file, CancellationToken cancellationToken)
    {
        var temporary = file.FullName + ".part";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await ferry.Datasets.DownloadAsync(name, stream, part, cancellationToken);
            }

            File.Move(temporary, file.FullName, overwrite: true);
        }
        catch (IOException e)
        {
            throw new CliException(ExitCodes.Failure, $"cannot write {file.FullName}: {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Builds, with a spinner on stderr while a person watches (the server answers when the files are stored).</summary>
    private static async Task<DatasetView> BuildAsync(FerryClient ferry, DatasetBuildBody body, bool json, CancellationToken cancellationToken)
    {
        if (json || Console.IsErrorRedirected)
        {
            return await ferry.Datasets.BuildAsync(body, cancellationToken);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Status().StartAsync(
            $"Building a dataset from {Markup.Escape(body.Endpoint ?? string.Empty)}'s prediction log",
            _ => ferry.Datasets.BuildAsync(body, cancellationToken));
    }
}
