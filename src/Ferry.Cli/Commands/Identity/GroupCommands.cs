using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;
using Spectre.Console;

namespace Ferry.Cli.Commands.Identity;

/// <summary><c>ferry groups</c>: groups of tokens that own experiments and models and receive grants.</summary>
internal sealed class GroupsCommand : Command
{
    public GroupsCommand()
        : base("groups", "Manage groups of tokens (changes need an admin token).")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        var name = () => new Argument<string>("name") { Description = "The group's name" };
        var member = () => new Argument<string>("member") { Description = "A token name" };

        var description = new Option<string?>("--description", "-d") { Description = "What the group is for" };
        var createName = name();
        var create = new Command("create", "Create a group.") { createName, description };
        create.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
            Show(client, parse, await ferry.Groups.CreateAsync(parse.GetValue(createName)!, parse.GetValue(description), ct), "Created")));

        var list = new Command("list", "List groups with their members.");
        list.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
        {
            var groups = await ferry.Groups.ListAsync(ct);
            if (client.OutputOf(parse) == OutputFormat.Json)
            {
                CliConsole.Json(groups);
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Name", "Members", "Description", "Created by", "Created");
            foreach (var group in groups.Groups)
            {
                table.AddTextRow(group.Name, string.Join(", ", group.Members), group.Description, group.CreatedBy, TableFormat.Time(group.CreatedAt));
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));

        var showName = name();
        var show = new Command("show", "Show one group and its members.") { showName };
        show.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
            Show(client, parse, await ferry.Groups.GetAsync(parse.GetValue(showName)!, ct), null)));

        var deleteName = name();
        var delete = new Command("delete", "Delete a group, its memberships and the grants given to it.") { deleteName };
        delete.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
        {
            await ferry.Groups.DeleteAsync(parse.GetValue(deleteName)!, ct);
            CliConsole.Line($"Deleted group '{parse.GetValue(deleteName)}'.");
            return ExitCodes.Success;
        }));

        var addName = name();
        var addMember = member();
        var add = new Command("add-member", "Add a token (by name) to a group.") { addName, addMember };
        add.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
            Show(client, parse, await ferry.Groups.AddMemberAsync(parse.GetValue(addName)!, parse.GetValue(addMember)!, ct), "Updated")));

        var removeName = name();
        var removeMember = member();
        var remove = new Command("remove-member", "Remove a token from a group.") { removeName, removeMember };
        remove.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
            Show(client, parse, await ferry.Groups.RemoveMemberAsync(parse.GetValue(removeName)!, parse.GetValue(removeMember)!, ct), "Updated")));

        Subcommands.Add(create);
        Subcommands.Add(list);
        Subcommands.Add(show);
        Subcommands.Add(delete);
        Subcommands.Add(add);
        Subcommands.Add(remove);
    }

    private static int Show(ClientOptions client, ParseResult parse, GroupView group, string? verb)
    {
        if (client.OutputOf(parse) == OutputFormat.Json)
        {
            CliConsole.Json(group);
            return ExitCodes.Success;
        }

        CliConsole.Markup($"{(verb is null ? string.Empty : verb + " ")}group [bold]{group.Name.EscapeMarkup()}[/]: "
            + (group.Members.Count == 0 ? "no members" : string.Join(", ", group.Members).EscapeMarkup()));
        return ExitCodes.Success;
    }
}

/// <summary><c>ferry grants</c>: READ / EDIT / MANAGE on experiments and registered models, for tokens and groups.</summary>
internal sealed class GrantsCommand : Command
{
    public GrantsCommand()
        : base("grants", "Manage per-resource grants (setting one needs MANAGE on the resource).")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(Set(client));
        Subcommands.Add(List(client));
        Subcommands.Add(Revoke(client));
    }

    private static Option<string?> ExperimentOption() => new("--experiment", "-e") { Description = "An experiment, by id or name" };

    private static Option<string?> ModelOption() => new("--model", "-m") { Description = "A registered model, by name" };

    private static Option<string?> UserOption() => new("--user", "-u") { Description = "A token name" };

    private static Option<string?> GroupOption() => new("--group", "-g") { Description = "A group name" };

    private static Command Set(ClientOptions client)
    {
        var (experiment, model, user, group) = (ExperimentOption(), ModelOption(), UserOption(), GroupOption());
        var permission = new Option<string>("--permission", "-p") { Description = "READ, EDIT or MANAGE", Required = true };
        permission.AcceptOnlyFromAmong("READ", "EDIT", "MANAGE", "read", "edit", "manage");
        var set = new Command("set", "Add or replace a user's or group's grant on an experiment or model.") { experiment, model, user, group, permission };
        set.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
        {
            var (kind, resource) = Resource(parse, experiment, model, required: true);
            var (principalKind, principal) = Principal(parse, user, group);
            var grant = await ferry.Grants.SetAsync(kind!, resource!, principalKind, principal, parse.GetValue(permission)!.ToUpperInvariant(), ct);
            if (client.OutputOf(parse) == OutputFormat.Json)
            {
                CliConsole.Json(grant);
            }
            else
            {
                CliConsole.Line($"Granted {grant.Permission} on {grant.ResourceKind} '{grant.Resource}' to {grant.PrincipalKind} '{grant.Principal}'.");
            }

            return ExitCodes.Success;
        }));
        return set;
    }

    private static Command List(ClientOptions client)
    {
        var (experiment, model) = (ExperimentOption(), ModelOption());
        var list = new Command("list", "List grants (of one resource with --experiment or --model).") { experiment, model };
        list.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
        {
            var (kind, resource) = Resource(parse, experiment, model, required: false);
            var grants = await ferry.Grants.ListAsync(kind, resource, ct);
            if (client.OutputOf(parse) == OutputFormat.Json)
            {
                CliConsole.Json(grants);
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Resource", "Principal", "Permission", "Granted by", "Granted");
            foreach (var grant in grants.Grants)
            {
                table.AddTextRow($"{grant.ResourceKind}/{grant.Resource}", $"{grant.PrincipalKind}/{grant.Principal}", grant.Permission, grant.GrantedBy, TableFormat.Time(grant.GrantedAt));
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
        return list;
    }

    private static Command Revoke(ClientOptions client)
    {
        var (experiment, model, user, group) = (ExperimentOption(), ModelOption(), UserOption(), GroupOption());
        var revoke = new Command("revoke", "Remove a user's or group's grant.") { experiment, model, user, group };
        revoke.SetGuardedAction((parse, ct) => client.RunAsync(parse, async ferry =>
        {
            var (kind, resource) = Resource(parse, experiment, model, required: true);
            var (principalKind, principal) = Principal(parse, user, group);
            await ferry.Grants.RevokeAsync(kind!, resource!, principalKind, principal, ct);
            CliConsole.Line($"Revoked {principalKind} '{principal}' on {kind} '{resource}'.");
            return ExitCodes.Success;
        }));
        return revoke;
    }

    private static (string? Kind, string? Resource) Resource(ParseResult parse, Option<string?> experiment, Option<string?> model, bool required)
    {
        var (e, m) = (parse.GetValue(experiment), parse.GetValue(model));
        return (e, m) switch
        {
            ({ } id, null) => ("experiment", id),
            (null, { } name) => ("registered-model", name),
            (null, null) when !required => (null, null),
            _ => throw new CliException("Name exactly one of --experiment or --model."),
        };
    }

    private static (string Kind, string Name) Principal(ParseResult parse, Option<string?> user, Option<string?> group) =>
        (parse.GetValue(user), parse.GetValue(group)) switch
        {
            ({ } name, null) => ("user", name),
            (null, { } name) => ("group", name),
            _ => throw new CliException("Name exactly one of --user or --group."),
        };
}
