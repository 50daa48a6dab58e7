using System.CommandLine;
using Ferry.Cli.Offline;
using Ferry.Cli.Output;
using Ferry.Cli.Settings;
using Ferry.Core.Audit;

namespace Ferry.Cli.Commands.Audit;

/// <summary>
/// <c>ferry audit verify</c>: recomputes every hash and link of the audit chain, through the server or,
/// with <c>--offline</c>, straight from the database (when the server is down). Exit code 5 when broken.
/// </summary>
internal sealed class VerifyAuditCommand : Command
{
    private readonly Option<bool> _offline = new("--offline")
    {
        Description = "Read the database directly instead of asking the server (uses --data-dir and --database like 'ferry server')",
    };

    private readonly Option<string?> _database = StorageOptions.CreateDatabase();

    public VerifyAuditCommand(ClientOptions client)
        : base("verify", "Verify the audit chain; exit code 5 names the first broken event.")
    {
        Options.Add(_offline);
        Options.Add(_database);
        this.SetGuardedAction(async (parseResult, cancellationToken) =>
        {
            var output = client.OutputOf(parseResult);
            if (parseResult.GetValue(_offline))
            {
                var dataDirectory = StorageOptions.ResolveDataDirectory(parseResult, client.DataDirectory);
                var database = StorageOptions.ResolveDatabase(parseResult, _database);
                var verification = await OfflineAuditVerifier.VerifyAsync(dataDirectory, database, cancellationToken);
                return Report(verification, output, "in the database");
            }

            return await client.RunAsync(parseResult, async ferry =>
                Report(await ferry.Audit.VerifyAsync(cancellationToken), output, "on the server"));
        });
    }

    private static int Report(AuditVerification verification, OutputFormat output, string where)
    {
        if (output == OutputFormat.Json)
        {
            CliConsole.Json(verification);
        }

        if (verification.IsValid)
        {
            if (output == OutputFormat.Table)
            {
                CliConsole.Markup($"[green]Audit chain intact[/] {where}: {Events(verification.EventsChecked)} checked.");
            }

            return ExitCodes.Success;
        }

        CliConsole.Error(
            $"audit chain broken at sequence {verification.FirstBrokenSequence}: {verification.Reason} ({Events(verification.EventsChecked)} checked {where})");
        return ExitCodes.AuditChainBroken;
    }

    private static string Events(long count) => count == 1 ? "1 event" : $"{count} events";
}
