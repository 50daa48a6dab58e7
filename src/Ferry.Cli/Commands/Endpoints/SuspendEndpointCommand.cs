using System.CommandLine;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary>
/// <c>ferry endpoints suspend &lt;name&gt; --reason ... [--fallback JSON]</c>: stops the endpoint's model; every record
/// gets the fallback answer until <c>ferry endpoints resume</c> (approver).
/// </summary>
internal sealed class SuspendEndpointCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };

    private readonly Option<string> _reason = new("--reason") { Description = "Why the model is stopped (audited, sent with the alert)", Required = true, HelpName = "text" };

    private readonly Option<string?> _fallback = new("--fallback")
    {
        Description = "The answer every record gets while suspended, a JSON object [default: the configured one, else {\"outcome\":\"refer\",\"reason\":\"suspended\"}]",
        HelpName = "json",
    };

    public SuspendEndpointCommand(ClientOptions client)
        : base("suspend", "Stop an endpoint's model: it answers a fixed fallback (refer to a human) until resumed. Needs an approver.")
    {
        Arguments.Add(_name);
        Options.Add(_reason);
        Options.Add(_fallback);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            JsonElement? fallback = null;
            if (parseResult.GetValue(_fallback) is { } text)
            {
                try
                {
                    using var document = JsonDocument.Parse(text);
                    fallback = document.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    throw new CliException(ExitCodes.InvalidArguments, $"--fallback is not JSON: {e.Message}");
                }
            }

            var state = await ferry.Endpoints.SuspendAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_reason)!, fallback, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(state);
            }
            else
            {
                CliConsole.Line($"Suspended '{state.Endpoint}': every record now gets {state.Fallback.GetRawText()} (no model runs).");
                SuspensionOutput.Write(state);
            }

            return ExitCodes.Success;
        }));
    }
}

/// <summary><c>ferry endpoints resume &lt;name&gt; --reason ...</c>: lets a suspended endpoint's model answer again (approver).</summary>
internal sealed class ResumeEndpointCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The endpoint" };

    private readonly Option<string> _reason = new("--reason") { Description = "Why the model may answer again (audited)", Required = true, HelpName = "text" };

    public ResumeEndpointCommand(ClientOptions client)
        : base("resume", "Let a suspended endpoint's model answer again. Needs an approver.")
    {
        Arguments.Add(_name);
        Options.Add(_reason);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var state = await ferry.Endpoints.ResumeAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_reason)!, cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(state);
            }
            else
            {
                CliConsole.Line($"Resumed '{state.Endpoint}': its model answers again.");
            }

            return ExitCodes.Success;
        }));
    }
}

/// <summary>How the endpoint verbs print a suspension.</summary>
internal static class SuspensionOutput
{
    public static void Write(SuspensionView state) =>
        CliConsole.Line($"SUSPENDED by {state.SuspendedBy} at {(state.SuspendedAt is { } at ? TableFormat.Time(at) : "-")}: {state.SuspendReason}");

    public static void Write(EndpointView endpoint)
    {
        if (endpoint.Suspended)
        {
            CliConsole.Line($"SUSPENDED by {endpoint.SuspendedBy} at {(endpoint.SuspendedAt is { } at ? TableFormat.Time(at) : "-")}: {endpoint.SuspendReason} (it answers its fallback; no model runs)");
        }
    }
}
