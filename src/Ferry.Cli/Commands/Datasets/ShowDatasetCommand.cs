using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Datasets;

/// <summary><c>ferry datasets show NAME [--download f.parquet] [--part train|holdout]</c>.</summary>
internal sealed class ShowDatasetCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The dataset" };
    private readonly Option<FileInfo?> _download = new("--download") { Description = "Also save its Parquet file here", HelpName = "file" };
    private readonly Option<string> _part = new("--part") { Description = "Which file --download saves: train or holdout", DefaultValueFactory = _ => "train" };

    public ShowDatasetCommand(ClientOptions client)
        : base("show", "Show a dataset: query, counts, label coverage, versions, columns, digests.")
    {
        Arguments.Add(_name);
        Options.Add(_download);
        Options.Add(_part);
        _part.AcceptOnlyFromAmong("train", "holdout");
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var dataset = await ferry.Datasets.GetAsync(parseResult.GetValue(_name)!, cancellationToken);
            if (parseResult.GetValue(_download) is { } file)
            {
                await BuildDatasetCommand.DownloadAsync(ferry, dataset.Name, parseResult.GetValue(_part)!, file, cancellationToken);
            }

            if (client.OutputOf(parseResult) == OutputFormat.Json)
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
}
