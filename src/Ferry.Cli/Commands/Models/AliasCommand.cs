using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Models;

/// <summary><c>ferry models alias set|delete</c>: point a name such as <c>champion</c> at a version (approver for champion).</summary>
internal sealed class AliasCommand : Command
{
    public AliasCommand(ClientOptions client)
        : base("alias", "Set or delete a model alias (moving 'champion' needs an approver).")
    {
        Subcommands.Add(new SetAliasCommand(client));
        Subcommands.Add(new DeleteAliasCommand(client));
    }
}

/// <summary><c>ferry models alias set NAME VERSION ALIAS</c>.</summary>
internal sealed class SetAliasCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The registered model" };
    private readonly Argument<int> _version = new("version") { Description = "The version the alias points at" };
    private readonly Argument<string> _alias = new("alias") { Description = "The alias, e.g. champion" };

    public SetAliasCommand(ClientOptions client)
        : base("set", "Point an alias at a version, moving it if it pointed elsewhere.")
    {
        Arguments.Add(_name);
        Arguments.Add(_version);
        Arguments.Add(_alias);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var name = parseResult.GetValue(_name)!;
            var alias = parseResult.GetValue(_alias)!;
            await ferry.Registry.SetAliasAsync(name, alias, parseResult.GetValue(_version), cancellationToken);
            var version = await ferry.Registry.GetByAliasAsync(name, alias, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MlflowOutput.Json(new { model_version = version });
            }
            else
            {
                CliConsole.Line($"Alias '{alias}' of '{name}' now points at version {version.Version}.");
            }

            return ExitCodes.Success;
        }));
    }
}

/// <summary><c>ferry models alias delete NAME ALIAS</c>.</summary>
internal sealed class DeleteAliasCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The registered model" };
    private readonly Argument<string> _alias = new("alias") { Description = "The alias to remove" };

    public DeleteAliasCommand(ClientOptions client)
        : base("delete", "Remove an alias.")
    {
        Arguments.Add(_name);
        Arguments.Add(_alias);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var name = parseResult.GetValue(_name)!;
            var alias = parseResult.GetValue(_alias)!;
            await ferry.Registry.DeleteAliasAsync(name, alias, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                MlflowOutput.Json(new { name, alias, deleted = true });
            }
            else
            {
                CliConsole.Line($"Deleted alias '{alias}' of '{name}'.");
            }

            return ExitCodes.Success;
        }));
    }
}
