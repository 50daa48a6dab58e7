using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Governance;

/// <summary>
/// <c>ferry gate NAME VERSION [--against champion] [--output json]</c>: runs the model's promotion gates for a version and
/// exits 0 when every check passes, 1 when one fails (and the usual codes for errors), so a CI job can stop on it.
/// </summary>
internal sealed class GateCommand : Command
{
    /// <summary>The exit code when a gate fails.</summary>
    public const int GateFailed = ExitCodes.Failure;

    private readonly Argument<string> _name = new("name") { Description = "The registered model" };
    private readonly Argument<int> _version = new("version") { Description = "The candidate version" };
    private readonly Option<string?> _against = new("--against") { Description = "The alias the candidate would take and is compared with [default: champion]", HelpName = "alias" };

    public GateCommand()
        : base("gate", "Run a model's promotion gates for a version: exit 0 when all pass, 1 when one fails.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        Arguments.Add(_name);
        Arguments.Add(_version);
        Options.Add(_against);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var run = await ferry.Governance.RunGatesAsync(parseResult.GetValue(_name)!, parseResult.GetValue(_version), parseResult.GetValue(_against), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(run);
            }
            else
            {
                CliConsole.Line($"Gates of '{run.Model}' v{run.Version} against '{run.Against}' (now v{run.ChampionVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}), tier {run.Tier}: {(run.Passed ? "passed" : "FAILED")}.");
                GovernanceOutput.WriteEvidence(run.Evidence);
            }

            return run.Passed ? ExitCodes.Success : GateFailed;
        }));
    }
}
