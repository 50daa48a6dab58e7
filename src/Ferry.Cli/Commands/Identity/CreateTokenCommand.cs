using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Core.Identity;
using Spectre.Console;

namespace Ferry.Cli.Commands.Identity;

/// <summary><c>ferry tokens create</c>: creates a token and prints its secret, the only time it is shown.</summary>
internal sealed class CreateTokenCommand : Command
{
    private readonly ClientOptions _client;

    private readonly Option<string> _name = new("--name", "-n")
    {
        Description = "Human name, unique among active tokens (the actor in the audit trail)",
        Required = true,
    };

    private readonly Option<string> _role = new("--role", "-r")
    {
        Description = "What the token may do: viewer, scientist, approver or admin",
        Required = true,
    };

    private readonly Option<DateTimeOffset?> _expiresAt = new("--expires-at")
    {
        Description = "When the token stops working, in ISO 8601 (2026-12-31T00:00:00Z) [default: never]",
        HelpName = "time",
    };

    private readonly Option<string?> _group = new("--group", "-g")
    {
        Description = "Primary group: experiments and models the token creates belong to it [default: none]",
        HelpName = "group",
    };

    public CreateTokenCommand(ClientOptions client)
        : base("create", "Create a token and print its secret once.")
    {
        _client = client;
        _role.AcceptOnlyFromAmong([.. Roles.All.Select(role => role.ToWireName())]);
        Options.Add(_name);
        Options.Add(_role);
        Options.Add(_expiresAt);
        Options.Add(_group);
        this.SetGuardedAction((parseResult, cancellationToken) => _client.RunAsync(parseResult, async ferry =>
        {
            var created = await ferry.Tokens.CreateAsync(
                parseResult.GetValue(_name)!,
                parseResult.GetValue(_role)!,
                parseResult.GetValue(_expiresAt),
                parseResult.GetValue(_group),
                cancellationToken);
            if (_client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(created);
                return ExitCodes.Success;
            }

            var token = created.Token;
            CliConsole.Markup($"Created token [bold]{token.Name.EscapeMarkup()}[/] ({token.Role}{(token.Group is null ? string.Empty : ", group " + token.Group.EscapeMarkup())}), id {token.Id:D}.");
            CliConsole.Markup("[yellow]Store the secret now: it is shown only this once.[/]");
            CliConsole.Line(created.Secret);
            return ExitCodes.Success;
        }));
    }
}
