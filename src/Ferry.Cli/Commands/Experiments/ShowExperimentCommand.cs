using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Experiments;

/// <summary><c>ferry experiments show &lt;name-or-id&gt;</c>: one experiment with its tags.</summary>
internal sealed class ShowExperimentCommand : Command
{
    private readonly Argument<string> _experiment = new("name-or-id") { Description = "The experiment's name or id" };

    public ShowExperimentCommand(ClientOptions client)
        : base("show", "Show one experiment.")
    {
        Arguments.Add(_experiment);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var experiment = await ExperimentResolver.ResolveAsync(ferry, parseResult.GetValue(_experiment)!, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MlflowOutput.Json(new { experiment });
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Field", "Value");
            table.AddTextRow("id", experiment.ExperimentId);
            table.AddTextRow("name", experiment.Name);
            table.AddTextRow("stage", experiment.LifecycleStage);
            table.AddTextRow("artifact location", experiment.ArtifactLocation);
            table.AddTextRow("created", MlflowOutput.Time(experiment.CreationTime));
            table.AddTextRow("updated", MlflowOutput.Time(experiment.LastUpdateTime));
            foreach (var tag in experiment.Tags ?? [])
            {
                table.AddTextRow("tag " + tag.Key, tag.Value);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }
}
