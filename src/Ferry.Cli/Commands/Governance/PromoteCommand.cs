using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Governance;

/// <summary><c>ferry promote request|approve|reject|withdraw|list</c>: promotion requests.</summary>
internal sealed class PromoteCommand : Command
{
    public PromoteCommand()
        : base("promote", "Request, approve, reject, withdraw and list promotion requests.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Subcommands.Add(new RequestPromotionCommand(client));
        Subcommands.Add(new DecidePromotionCommand(client, "approve", "Approve a request; the last approval its policy needs moves the alias or stage."));
        Subcommands.Add(new DecidePromotionCommand(client, "reject", "Reject a request."));
        Subcommands.Add(new DecidePromotionCommand(client, "withdraw", "Withdraw your own pending request."));
        Subcommands.Add(new ListPromotionsCommand(client));
    }

    internal static void Write(ClientOptions client, ParseResult parseResult, PromotionView promotion)
    {
        if (client.OutputOf(parseResult) == OutputFormat.Json)
        {
            CliConsole.Json(promotion);
        }
        else
        {
            GovernanceOutput.WritePromotion(promotion);
        }
    }
}

/// <summary><c>ferry promote request NAME VERSION (--target ALIAS | --stage STAGE) --justification TEXT</c>.</summary>
internal sealed class RequestPromotionCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The registered model" };
    private readonly Argument<int> _version = new("version") { Description = "The candidate version" };
    private readonly Option<string?> _target = new("--target") { Description = "The alias to take, e.g. champion", HelpName = "alias" };
    private readonly Option<string?> _stage = new("--stage") { Description = "The stage to move to, e.g. Production" };
    private readonly Option<string?> _justification = new("--justification") { Description = "Why" };

    public RequestPromotionCommand(ClientOptions client)
        : base("request", "Open a promotion request; the gates run now and their evidence is frozen with it.")
    {
        Arguments.Add(_name);
        Arguments.Add(_version);
        Options.Add(_target);
        Options.Add(_stage);
        Options.Add(_justification);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var target = parseResult.GetValue(_target);
            var stage = parseResult.GetValue(_stage);
            if (target is null && stage is null)
            {
                target = "champion";
            }

            return client.RunAsync(parseResult, async ferry =>
            {
                var created = await ferry.Governance.RequestAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_version),
                    new PromotionRequestBody { Target = target, Stage = stage, Justification = parseResult.GetValue(_justification) }, cancellationToken);
                PromoteCommand.Write(client, parseResult, created);
                return ExitCodes.Success;
            });
        });
    }
}

/// <summary><c>ferry promote approve|reject|withdraw ID [--comment TEXT]</c>.</summary>
internal sealed class DecidePromotionCommand : Command
{
    private readonly Argument<Guid> _id = new("id") { Description = "The request's id" };
    private readonly Option<string?> _comment = new("--comment") { Description = "A comment for the record" };

    public DecidePromotionCommand(ClientOptions client, string verb, string description)
        : base(verb, description)
    {
        Arguments.Add(_id);
        if (verb != "withdraw")
        {
            Options.Add(_comment);
        }

        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var id = parseResult.GetValue(_id);
            var comment = parseResult.GetValue(_comment);
            var result = verb switch
            {
                "approve" => await ferry.Governance.ApproveAsync(id, comment, cancellationToken),
                "reject" => await ferry.Governance.RejectAsync(id, comment, cancellationToken),
                _ => await ferry.Governance.WithdrawAsync(id, cancellationToken),
            };
            PromoteCommand.Write(client, parseResult, result);
            return ExitCodes.Success;
        }));
    }
}

/// <summary><c>ferry promote list [--state pending] [--model NAME]</c>.</summary>
internal sealed class ListPromotionsCommand : Command
{
    private readonly Option<string?> _state = new("--state") { Description = "pending, approved, rejected, withdrawn or expired" };
    private readonly Option<string?> _model = new("--model") { Description = "Only this model's requests" };

    public ListPromotionsCommand(ClientOptions client)
        : base("list", "List promotion requests, newest first.")
    {
        Options.Add(_state);
        Options.Add(_model);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var list = await ferry.Governance.ListAsync(parseResult.GetValue(_model), parseResult.GetValue(_state), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(list);
            }
            else
            {
                GovernanceOutput.WritePromotions(list.Promotions);
            }

            return ExitCodes.Success;
        }));
    }
}
