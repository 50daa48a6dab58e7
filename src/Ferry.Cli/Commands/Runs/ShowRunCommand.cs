using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Runs;

/// <summary><c>ferry runs show &lt;run-id&gt;</c>: a run's info, params, latest metrics and tags.</summary>
internal sealed class ShowRunCommand : Command
{
    private readonly Argument<string> _runId = new("run-id") { Description = "The run's id" };

    public ShowRunCommand(ClientOptions client)
        : base("show", "Show one run.")
    {
        Arguments.Add(_runId);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var run = await ferry.Tracking.GetRunAsync(parseResult.GetValue(_runId)!, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MlflowOutput.Json(new { run });
                return ExitCodes.Success;
            }

            var info = run.Info;
            var table = TableFormat.Create("Field", "Value");
            table.AddTextRow("run id", info.RunId);
            table.AddTextRow("name", info.RunName);
            table.AddTextRow("experiment", info.ExperimentId);
            table.AddTextRow("status", info.Status);
            table.AddTextRow("started", MlflowOutput.Time(info.StartTime));
            table.AddTextRow("ended", MlflowOutput.Time(info.EndTime));
            table.AddTextRow("artifacts", info.ArtifactUri);
            foreach (var p in run.Data.Params ?? [])
            {
                table.AddTextRow("param " + p.Key, p.Value);
            }

            foreach (var m in run.Data.Metrics ?? [])
            {
                table.AddTextRow("metric " + m.Key, $"{MlflowOutput.Number(m.Value)} (step {m.Step})");
            }

            foreach (var t in run.Data.Tags ?? [])
            {
                table.AddTextRow("tag " + t.Key, TableFormat.Shorten(t.Value, 120));
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }
}
