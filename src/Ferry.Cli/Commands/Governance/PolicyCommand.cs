using System.CommandLine;
using System.Text.Json.Nodes;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Governance;

/// <summary><c>ferry models policy show|set</c>: a model's promotion policy.</summary>
internal sealed class PolicyCommand : Command
{
    public PolicyCommand(ClientOptions client)
        : base("policy", "Show or set a model's promotion policy (risk tier, approvals, approvers, gates).")
    {
        Subcommands.Add(new ShowPolicyCommand(client));
        Subcommands.Add(new SetPolicyCommand(client));
    }
}

/// <summary><c>ferry models policy show NAME</c>.</summary>
internal sealed class ShowPolicyCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The registered model" };

    public ShowPolicyCommand(ClientOptions client)
        : base("show", "Show the model's effective promotion policy.")
    {
        Arguments.Add(_name);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var policy = await ferry.Governance.GetPolicyAsync(parseResult.GetValue(_name)!, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(policy);
            }
            else
            {
                GovernanceOutput.WritePolicy(policy);
            }

            return ExitCodes.Success;
        }));
    }
}

/// <summary>
/// <c>ferry models policy set NAME --tier low|medium|high [overrides]</c>: stores a new revision (admin). The overrides
/// given replace the previous revision's; what is not given takes the tier's default.
/// </summary>
internal sealed class SetPolicyCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The registered model" };
    private readonly Option<string> _tier = new("--tier") { Description = "low, medium or high", Required = true };
    private readonly Option<int?> _approvals = new("--approvals") { Description = "Approvals needed" };
    private readonly Option<string?> _approverRole = new("--approver-role") { Description = "The lowest role an approver must hold" };
    private readonly Option<string?> _approverGroup = new("--approver-group") { Description = "The group an approver must belong to (decides instead of the role)" };
    private readonly Option<bool?> _requesterMayApprove = new("--requester-may-approve") { Description = "Whether the requester's own approval counts" };
    private readonly Option<double?> _canaryShare = new("--canary-share-max") { Description = "Largest traffic share (0..1) of a candidate with a pending request" };
    private readonly Option<int?> _expiry = new("--expiry-hours") { Description = "Hours before a request expires" };
    private readonly Option<int?> _retentionFloor = new("--retention-floor-days") { Description = "Fewest days an endpoint serving the model keeps its predictions (high tier: 183)" };
    private readonly Option<double?> _minAuc = new("--min-auc") { Description = "Gate: lowest ROC AUC" };
    private readonly Option<double?> _championMargin = new("--champion-margin") { Description = "Gate: how much worse than the champion a candidate may be" };
    private readonly Option<string?> _fairness = new("--fairness-attribute") { Description = "Gate: the input column compared for fairness" };
    private readonly Option<string?> _dataset = new("--evaluation-dataset") { Description = "Gate: the holdout dataset to evaluate on" };
    private readonly Option<string[]> _gates = new("--gate") { Description = "Any gate setting as key=value (JSON value; 'null' switches a check off), e.g. requireExplainability=true", HelpName = "key=value" };

    public SetPolicyCommand(ClientOptions client)
        : base("set", "Store a new policy revision: a tier and the overrides of its defaults (needs an admin token).")
    {
        Arguments.Add(_name);
        Options.Add(_tier);
        Options.Add(_approvals);
        Options.Add(_approverRole);
        Options.Add(_approverGroup);
        Options.Add(_requesterMayApprove);
        Options.Add(_canaryShare);
        Options.Add(_expiry);
        Options.Add(_retentionFloor);
        Options.Add(_minAuc);
        Options.Add(_championMargin);
        Options.Add(_fairness);
        Options.Add(_dataset);
        Options.Add(_gates);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var gates = Gates(parseResult);
            return client.RunAsync(parseResult, async ferry =>
            {
                var policy = await ferry.Governance.SetPolicyAsync(parseResult.GetValue(_name)!, new PolicyUpdate
                {
                    Tier = parseResult.GetValue(_tier),
                    Approvals = parseResult.GetValue(_approvals),
                    ApproverRole = parseResult.GetValue(_approverRole),
                    ApproverGroup = parseResult.GetValue(_approverGroup),
                    RequesterMayApprove = parseResult.GetValue(_requesterMayApprove),
                    CanaryShareMax = parseResult.GetValue(_canaryShare),
                    RequestExpiryHours = parseResult.GetValue(_expiry),
                    RetentionFloorDays = parseResult.GetValue(_retentionFloor),
                    Gates = gates.Count == 0 ? null : gates,
                }, cancellationToken);
                if (client.OutputOf(parseResult) == OutputFormat.Json)
                {
                    CliConsole.Json(policy);
                }
                else
                {
                    GovernanceOutput.WritePolicy(policy);
                }

                return ExitCodes.Success;
            });
        });
    }

    private JsonObject Gates(ParseResult parseResult)
    {
        var gates = new JsonObject();
        Add(gates, "minAuc", parseResult.GetValue(_minAuc));
        Add(gates, "championMargin", parseResult.GetValue(_championMargin));
        if (parseResult.GetValue(_fairness) is { } attribute)
        {
            gates["fairnessAttribute"] = attribute;
        }

        if (parseResult.GetValue(_dataset) is { } dataset)
        {
            gates["evaluationDataset"] = dataset;
        }

        foreach (var pair in parseResult.GetValue(_gates) ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"--gate takes key=value, not '{pair}'");
            }

            var value = pair[(equals + 1)..];
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(value);
            }
            catch (System.Text.Json.JsonException)
            {
                node = JsonValue.Create(value); // a bare word is a string
            }

            gates[pair[..equals].Trim()] = node;
        }

        return gates;
    }

    private static void Add(JsonObject gates, string key, double? value)
    {
        if (value is { } number)
        {
            gates[key] = number;
        }
    }
}
