using System.CommandLine;
using Ferry.Cli.Commands.Endpoints;
using Ferry.Cli.Output;
using Ferry.Client.Serving;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands;

/// <summary>
/// <c>ferry deploy &lt;endpoint&gt; --model N (--version V | --alias A) [--canary V2 --weight 10] [--shadow V3] [--force] [--durability buffered|durable]</c>:
/// switches an endpoint (creating it on first use) to a new policy in one audited step. The primary gets
/// 100 - weight of the traffic, a canary the weight; a shadow sees copies whose answers are only logged.
/// <c>--durability</c> then sets the endpoint's prediction-log durability (a second audited change, as
/// <c>ferry endpoints durability</c>); without it the endpoint keeps what it had (buffered for a new one).
/// <c>--invocations-output predict|predict_proba|outputs</c> likewise sets what the endpoint's MLflow scoring route
/// answers per row (labels, class probabilities, or every named output), as MLflow's <c>pyfunc_predict_fn</c> does.
/// </summary>
internal sealed class DeployCommand : Command
{
    private const int DefaultCanaryWeight = 10;

    private readonly Argument<string> _endpoint = new("endpoint") { Description = "Endpoint name: lower-case letters, digits and '-'" };
    private readonly Option<string> _model = new("--model", "-m") { Description = "The registered model", Required = true, HelpName = "name" };
    private readonly Option<int?> _version = new("--version", "-v") { Description = "Serve this version", HelpName = "number" };
    private readonly Option<string?> _alias = new("--alias", "-a") { Description = "Follow this alias (re-points when the alias moves), e.g. champion", HelpName = "alias" };
    private readonly Option<int?> _canary = new("--canary") { Description = "A version that gets --weight percent of the traffic", HelpName = "version" };
    private readonly Option<int?> _weight = new("--weight") { Description = $"The canary's share in percent, 1-99 [default: {DefaultCanaryWeight}]", HelpName = "percent" };
    private readonly Option<int?> _shadow = new("--shadow") { Description = "A version that sees a copy of every request (its answers are only logged)", HelpName = "version" };
    private readonly Option<bool> _force = new("--force") { Description = "Deploy even if a version would reject records the endpoint accepts now" };
    private readonly Option<string?> _durability = new("--durability")
    {
        Description = "buffered: answer once predictions are queued (default for a new endpoint); durable: answer only once they are committed",
        HelpName = "mode",
    };

    private readonly Option<string?> _invocationsOutput = new("--invocations-output")
    {
        Description = "What /invocations answers per row: predict (labels, default for a new endpoint), predict_proba (class probabilities) or outputs (every named output)",
        HelpName = "choice",
    };

    public DeployCommand()
        : base("deploy", "Deploy model versions behind an endpoint (canary and shadow optional).")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Arguments.Add(_endpoint);
        Options.Add(_model);
        Options.Add(_version);
        Options.Add(_alias);
        Options.Add(_canary);
        Options.Add(_weight);
        Options.Add(_shadow);
        Options.Add(_force);
        _durability.AcceptOnlyFromAmong(EndpointDurabilityNames.Buffered, EndpointDurabilityNames.Durable);
        Options.Add(_durability);
        _invocationsOutput.AcceptOnlyFromAmong([.. InvocationsOutputNames.All]);
        Options.Add(_invocationsOutput);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var request = Request(parseResult);
            var name = parseResult.GetValue(_endpoint)!;
            var durability = parseResult.GetValue(_durability);
            var invocationsOutput = parseResult.GetValue(_invocationsOutput);
            return client.RunAsync(parseResult, async ferry =>
            {
                var endpoint = await ferry.Endpoints.DeployAsync(name, request, cancellationToken);
                if (durability is not null && durability != endpoint.Durability)
                {
                    endpoint = await ferry.Endpoints.SetDurabilityAsync(name, durability, cancellationToken);
                }

                if (invocationsOutput is not null && invocationsOutput != endpoint.InvocationsOutput)
                {
                    endpoint = await ferry.Endpoints.SetInvocationsOutputAsync(name, invocationsOutput, cancellationToken);
                }

                if (client.OutputOf(parseResult) == OutputFormat.Json)
                {
                    CliConsole.Json(endpoint);
                }
                else
                {
                    CliConsole.Line($"Deployed '{endpoint.Name}': revision {endpoint.ActiveRevision} is active ({endpoint.Durability} prediction log); /invocations answers {endpoint.InvocationsOutput}.");
                    EndpointOutput.WriteRoutes(endpoint.Routes);
                }

                return ExitCodes.Success;
            });
        });
    }

    private DeployRequest Request(ParseResult parseResult)
    {
        var model = parseResult.GetValue(_model)!;
        var version = parseResult.GetValue(_version);
        var alias = parseResult.GetValue(_alias);
        if ((version is null) == string.IsNullOrWhiteSpace(alias))
        {
            throw new CliException(ExitCodes.InvalidArguments, "give exactly one of --version and --alias");
        }

        var canary = parseResult.GetValue(_canary);
        var weight = parseResult.GetValue(_weight);
        if (canary is null && weight is not null)
        {
            throw new CliException(ExitCodes.InvalidArguments, "--weight sets the canary's share; it needs --canary");
        }

        var share = weight ?? DefaultCanaryWeight;
        if (canary is not null && share is < 1 or > 99)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"--weight must be from 1 to 99 percent, not {share}");
        }

        var routes = new List<DeployRoute> { new(model, version, alias, DeployRoute.Weighted, canary is null ? 100 : 100 - share) };
        if (canary is { } canaryVersion)
        {
            routes.Add(new DeployRoute(model, canaryVersion, null, DeployRoute.Weighted, share));
        }

        if (parseResult.GetValue(_shadow) is { } shadowVersion)
        {
            routes.Add(new DeployRoute(model, shadowVersion, null, DeployRoute.Shadow, 0));
        }

        return new DeployRequest(routes, parseResult.GetValue(_force));
    }
}
