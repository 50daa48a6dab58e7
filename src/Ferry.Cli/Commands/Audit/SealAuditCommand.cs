using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Audit;

/// <summary><c>ferry audit seal</c>: seals the prediction log up to now (the open hour included), each seal also written to the audit chain.</summary>
internal sealed class SealAuditCommand : Command
{
    private readonly Option<string?> _endpoint = new("--endpoint") { Description = "Seal one endpoint only [default: every endpoint]" };

    public SealAuditCommand(ClientOptions client)
        : base("seal", "Seal the prediction log up to now (the open hour included); each seal's digest goes into the audit chain.")
    {
        Options.Add(_endpoint);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var result = await ferry.Audit.SealAsync(parseResult.GetValue(_endpoint), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                CliConsole.Json(result);
            }
            else
            {
                WriteTable(result);
            }

            return ExitCodes.Success;
        }));
    }

    private static void WriteTable(SealResult result)
    {
        if (result.Seals.Count == 0)
        {
            CliConsole.Line("Nothing to seal: every logged prediction and review is already sealed.");
            return;
        }

        var table = TableFormat.Create("Endpoint", "From", "To", "Predictions", "Reviews", "Digest");
        foreach (var s in result.Seals)
        {
            table.AddTextRow(
                s.Endpoint,
                TableFormat.Time(s.From),
                TableFormat.Time(s.To),
                s.Predictions.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s.Reviews.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s.Digest);
        }

        CliConsole.Write(table);
    }
}
