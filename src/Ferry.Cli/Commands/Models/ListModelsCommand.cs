using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Models;

/// <summary><c>ferry models list</c>: every registered model with its latest version and aliases.</summary>
internal sealed class ListModelsCommand : Command
{
    public ListModelsCommand(ClientOptions client)
        : base("list", "List registered models.")
    {
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var models = await ferry.Models.ListAsync(cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(new { models = models.Select(m => m.Json) });
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Name", "Latest version", "Aliases", "Description");
            foreach (var model in models)
            {
                table.AddTextRow(
                    model.Name,
                    model.LatestVersion?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    string.Join(", ", model.Aliases.Select(a => $"{a.Key}→{a.Value}")),
                    TableFormat.Shorten(model.Description ?? string.Empty, 60));
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }
}
