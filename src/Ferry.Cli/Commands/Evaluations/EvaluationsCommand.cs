using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Client.Pipelines;

namespace Ferry.Cli.Commands.Evaluations;

/// <summary><c>ferry evaluations list|show</c>: challenger evaluations of the closed loop.</summary>
internal sealed class EvaluationsCommand : Command
{
    private static readonly JsonSerializerOptions Indented = new(EvaluationsClient.JsonOptions) { WriteIndented = true };

    public EvaluationsCommand()
        : base("evaluations", "Challenger evaluations: a new version against the champion on held-out and live rows.")
    {
        var client = new ClientOptions();
        client.AddTo(this);
        var endpoint = new Option<string?>("--endpoint") { Description = "Only this endpoint's" };
        var limit = new Option<int>("--limit") { Description = "At most this many (default 50)", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List evaluations, newest first.") { endpoint, limit };
        list.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var evaluations = await ferry.Evaluations.ListAsync(parseResult.GetValue(endpoint), parseResult.GetValue(limit), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { evaluations }, Indented));
                return ExitCodes.Success;
            }

            var table = TableFormat.Create("Id", "Endpoint", "Model", "Champion", "Challenger", "Metric", "Difference (interval)", "Verdict", "Created");
            foreach (var e in evaluations)
            {
                table.AddTextRow(e.Id.ToString(), e.Endpoint, e.Model, N(e.ChampionVersion), N(e.ChallengerVersion), e.Metric,
                    e.Verdict is "inconclusive" ? "-" : $"{F(e.ChallengerValue - e.ChampionValue)} [{F(e.DifferenceLow)}, {F(e.DifferenceHigh)}]", e.Verdict, e.CreatedAt);
            }

            CliConsole.Write(table);
            return ExitCodes.Success;
        }));
        var id = new Argument<Guid>("id") { Description = "The evaluation's id" };
        var show = new Command("show", "Show an evaluation: metrics with intervals, the paired test, fairness gaps, drift, shadow, verdict.") { id };
        show.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var e = await ferry.Evaluations.GetAsync(parseResult.GetValue(id), cancellationToken);
            if (client.OutputOf(parseResult) == OutputFormat.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(e, Indented));
                return ExitCodes.Success;
            }

            Write(e);
            return ExitCodes.Success;
        }));
        Subcommands.Add(list);
        Subcommands.Add(show);
    }

    private static void Write(EvaluationView e)
    {
        CliConsole.Line($"Evaluation {e.Id} on endpoint {e.Endpoint}: {e.Model} version {e.ChallengerVersion} (challenger) against version {e.ChampionVersion} (champion)");
        CliConsole.Line($"Window {e.WindowFrom} to {e.WindowTo}, {e.Rows} labelled rows");
        CliConsole.Line($"Verdict: {e.Verdict} ({e.Metric}, {e.PairedTest} p = {F(e.PValue)})");
        CliConsole.Line(e.Summary);
        if (e.Metrics.TryGetProperty("metrics", out var metrics) && metrics.ValueKind == JsonValueKind.Array)
        {
            var table = TableFormat.Create("Metric", "Champion", "Challenger", "Difference (higher is better)", "Interval", "Test", "p");
            foreach (var m in metrics.EnumerateArray())
            {
                if (m.TryGetProperty("reason", out var reason))
                {
                    table.AddTextRow(S(m, "metric"), "-", "-", "-", "-", "-", reason.GetString());
                    continue;
                }

                table.AddTextRow(S(m, "metric"), D(m, "champion"), D(m, "challenger"), D(m, "difference"), $"[{D(m, "low")}, {D(m, "high")}]", S(m, "test"), D(m, "pValue"));
            }

            CliConsole.Write(table);
        }

        if (e.Fairness.TryGetProperty("gaps", out var gaps))
        {
            var table = TableFormat.Create($"Fairness by {S(e.Fairness, "attribute")}: largest gap", "Positive rate", "TPR", "FPR");
            foreach (var model in gaps.EnumerateObject())
            {
                table.AddTextRow(model.Name, D(model.Value, "positiveRate"), D(model.Value, "tpr"), D(model.Value, "fpr"));
            }

            CliConsole.Write(table);
        }
        else if (e.Fairness.TryGetProperty("reason", out var reason))
        {
            CliConsole.Line($"Fairness: {reason.GetString()}");
        }

        if (e.Drift.TryGetProperty("jensenShannon", out _))
        {
            CliConsole.Line($"Prediction drift between the two: Jensen–Shannon {D(e.Drift, "jensenShannon")}, KS {D(e.Drift, "ks")} (p {D(e.Drift, "ksPValue")})");
        }

        if (e.Shadow is { } shadow)
        {
            CliConsole.Line($"Shadow: {S(shadow, "status")}, {D(shadow, "answered")} requests answered, {D(shadow, "labelled")} labelled, agreement {D(shadow, "agreement")}, decided by {S(shadow, "decidedBy")}");
        }
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string S(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "-";

    private static string D(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? F(value.GetDouble()) : "-";
}
