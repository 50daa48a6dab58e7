using System.Globalization;

namespace CreditRisk.Training;

/// <summary>The command line of the training app, with the same <c>--server</c>/<c>--token</c> conventions as <c>ferry</c>.</summary>
/// <param name="Server">The Ferry server.</param>
/// <param name="Token">The API token.</param>
/// <param name="Options">What to train.</param>
/// <param name="Error">Why the command line was refused, if it was.</param>
public sealed record TrainingArguments(Uri Server, string? Token, TrainingOptions Options, string? Error = null)
{
    /// <summary>Reads <c>--server</c>, <c>--token</c>, <c>--rows</c>, <c>--seed</c>, <c>--trees</c>, <c>--model</c>,
    /// <c>--experiment</c>, <c>--dataset</c>, <c>--holdout</c>, <c>--run-id</c>, <c>--invert-labels</c>; <c>FERRY_URL</c>/<c>FERRY_TOKEN</c>,
    /// <c>~/.ferry/admin.token</c>, and a pipeline's <c>FERRY_DATASET_PATH</c>, <c>FERRY_HOLDOUT_PATH</c>, <c>MLFLOW_RUN_ID</c>,
    /// <c>FERRY_MODEL_NAME</c> as fallbacks.</summary>
    public static TrainingArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                return Fail($"unexpected argument '{args[i]}' (options take a value: --rows 20000)");
            }

            values[args[i][2..]] = args[++i];
        }

        var server = values.GetValueOrDefault("server") ?? Environment.GetEnvironmentVariable("FERRY_URL") ?? "http://127.0.0.1:5077";
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri))
        {
            return Fail($"--server must be an http:// address, not '{server}'");
        }

        var token = values.GetValueOrDefault("token") ?? Environment.GetEnvironmentVariable("FERRY_TOKEN") ?? DefaultToken();
        var options = new TrainingOptions();
        try
        {
            options = options with
            {
                Rows = Int(values, "rows") ?? options.Rows,
                Seed = Int(values, "seed") ?? options.Seed,
                Trees = Int(values, "trees") ?? options.Trees,
                ModelName = values.GetValueOrDefault("model") ?? options.ModelName,
                Experiment = values.GetValueOrDefault("experiment") ?? options.Experiment,
                DatasetPath = values.GetValueOrDefault("dataset") ?? Env("FERRY_DATASET_PATH"),
                HoldoutPath = values.GetValueOrDefault("holdout") ?? Env("FERRY_HOLDOUT_PATH"),
                RunId = values.GetValueOrDefault("run-id") ?? Env("MLFLOW_RUN_ID"),
                InvertLabels = values.TryGetValue("invert-labels", out var invert) && bool.Parse(invert),
            };
            if (!values.ContainsKey("model") && Env("FERRY_MODEL_NAME") is { } model)
            {
                options = options with { ModelName = model };
            }
        }
        catch (FormatException e)
        {
            return Fail(e.Message);
        }

        return new TrainingArguments(uri, token, options);
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static TrainingArguments Fail(string error) => new(new Uri("http://127.0.0.1"), null, new TrainingOptions(), error);

    private static int? Int(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var text)
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new FormatException($"--{name} must be a positive integer, not '{text}'")
            : null;

    private static string? DefaultToken()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var file = Path.Combine(home, ".ferry", "admin.token");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }
}
