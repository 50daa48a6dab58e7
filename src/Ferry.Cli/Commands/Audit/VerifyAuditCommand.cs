using System.CommandLine;
using Ferry.Cli.Offline;
using Ferry.Cli.Output;
using Ferry.Cli.Settings;
using Ferry.Core.Audit;
using Ferry.Core.Oversight;

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

    private readonly Option<bool> _predictions = new("--predictions")
    {
        Description = "Verify the prediction log against its seals instead: recompute each seal and name the first altered, missing or unsealed row",
    };

    private readonly Option<DateTimeOffset?> _from = new("--from") { Description = "With --predictions: seals ending after this time (ISO 8601)", HelpName = "time" };
    private readonly Option<DateTimeOffset?> _to = new("--to") { Description = "With --predictions: seals starting before this time (ISO 8601) [default: now]", HelpName = "time" };
    private readonly Option<string?> _endpoint = new("--endpoint") { Description = "With --predictions: one endpoint only" };

    public VerifyAuditCommand(ClientOptions client)
        : base("verify", "Verify the audit chain (or, with --predictions, the prediction log's seals); exit code 5 names the first broken event or row.")
    {
        Options.Add(_offline);
        Options.Add(_database);
        Options.Add(_predictions);
        Options.Add(_from);
        Options.Add(_to);
        Options.Add(_endpoint);
        this.SetGuardedAction(async (parseResult, cancellationToken) =>
        {
            var output = client.OutputOf(parseResult);
            if (parseResult.GetValue(_predictions))
            {
                return await client.RunAsync(parseResult, async ferry => ReportSeals(
                    await ferry.Audit.VerifyPredictionsAsync(parseResult.GetValue(_from), parseResult.GetValue(_to), parseResult.GetValue(_endpoint), cancellationToken),
                    output));
            }

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

    private static int ReportSeals(PredictionSealVerification verification, OutputFormat output)
    {
        if (output == OutputFormat.Json)
        {
            CliConsole.Json(verification);
        }

        var checkedText = $"{verification.Seals} seals, {verification.PredictionsChecked} predictions and {verification.ReviewsChecked} reviews checked";
        if (verification.FirstProblem is not { } problem)
        {
            if (output == OutputFormat.Table)
            {
                CliConsole.Markup($"[green]Prediction log matches its seals[/]: {checkedText}.");
            }

            return ExitCodes.Success;
        }

        var row = problem.PredictionId is { } p ? $"prediction {p}" : problem.ReviewId is { } r ? $"review {r}" : "seal";
        CliConsole.Error($"prediction log {problem.Kind}: {row} of endpoint '{problem.Endpoint}' at {problem.At:O}: {problem.Reason} ({checkedText})");
        return ExitCodes.AuditChainBroken;
    }

    private static string Events(long count) => count == 1 ? "1 event" : $"{count} events";
}
