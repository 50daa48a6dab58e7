using System.CommandLine;
using System.Globalization;
using Ferry.Cli.Output;
using Ferry.Client;
using Ferry.Client.Models;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Models;

/// <summary><c>ferry models show &lt;name&gt; [--version V]</c>: a model's versions, or one version with its flavor and signature.</summary>
internal sealed class ShowModelCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The registered model's name" };

    private readonly Option<int?> _version = new("--version", "-v") { Description = "Show this version: flavor, source and signature", HelpName = "number" };

    public ShowModelCommand(ClientOptions client)
        : base("show", "Show a registered model, or one of its versions.")
    {
        Arguments.Add(_name);
        Options.Add(_version);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var name = parseResult.GetValue(_name)!;
            var json = client.OutputOf(parseResult) == OutputFormat.Json;
            if (parseResult.GetValue(_version) is { } number)
            {
                var version = await ferry.Models.GetVersionAsync(name, number, cancellationToken);
                if (json)
                {
                    CliConsole.Json(version.Json);
                }
                else
                {
                    ModelOutput.WriteVersion(version, await ExplanationOfAsync(ferry, name, number, version, cancellationToken),
                        await ReferenceJobOfAsync(ferry, name, number, cancellationToken));
                }

                return ExitCodes.Success;
            }

            var model = await ferry.Models.GetAsync(name, cancellationToken);
            if (json)
            {
                CliConsole.Json(model.Json);
                return ExitCodes.Success;
            }

            CliConsole.Markup($"[bold]{Spectre.Console.Markup.Escape(model.Name ?? name)}[/] {Spectre.Console.Markup.Escape(model.Description ?? string.Empty)}");
            var table = TableFormat.Create("Version", "Flavor", "Aliases", "Run", "Source");
            foreach (var v in model.Versions)
            {
                table.AddTextRow(v.Version?.ToString(CultureInfo.InvariantCulture), v.Flavor ?? "unknown", string.Join(", ", v.Aliases), v.RunId ?? "-", v.Source);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
    }

    /// <summary>The version's latest reference job, or null when it has none (or the server cannot say).</summary>
    private static async Task<ReferenceJobView?> ReferenceJobOfAsync(FerryClient ferry, string name, int number, CancellationToken cancellationToken)
    {
        try
        {
            return await ferry.Monitoring.GetReferenceJobAsync(name, number, cancellationToken: cancellationToken);
        }
        catch (FerryApiException)
        {
            return null; // no reference asked for yet
        }
    }

    /// <summary>How the version's predictions are explained (from its card), or null when the server cannot say.</summary>
    private static async Task<ExplanationMethodView?> ExplanationOfAsync(FerryClient ferry, string name, int number, ModelVersionView version, CancellationToken cancellationToken)
    {
        if (version.Flavor is null)
        {
            return null;
        }

        try
        {
            return (await ferry.Models.GetCardAsync(name, number, cancellationToken)).Explanation;
        }
        catch (FerryApiException)
        {
            // The card needs a viewer and a loadable model file; without them the version is shown without it.
            return null;
        }
    }
}
