using System.CommandLine;
using System.Globalization;
using Ferry.Server.Hosting;

namespace Ferry.Cli.Settings;

/// <summary>
/// <c>ferry server</c>'s serving and storage limits: each an option, else a <c>FERRY_*</c> variable, else the default
/// of <see cref="FerryServerOptions"/>. A value that cannot be read stops the start with exit code 2.
/// </summary>
internal sealed class ServingSettings
{
    private readonly Setting _modelMemory = new("--model-memory-budget", "FERRY_MODEL_MEMORY_BUDGET", "size",
        "Most memory the loaded models hold together; least recently used ones beyond it are unloaded", "2GiB");

    private readonly Setting _logCapacity = new("--prediction-log-capacity", "FERRY_PREDICTION_LOG_CAPACITY", "records",
        "Predictions held in memory waiting to be written to the prediction log; when full, requests wait --prediction-log-full-wait, then get 503", "100000");

    private readonly Setting _logBatch = new("--prediction-log-batch-size", "FERRY_PREDICTION_LOG_BATCH_SIZE", "records",
        "Most predictions written to the prediction log in one transaction", "1000");

    private readonly Setting _logFlush = new("--prediction-log-flush-interval", "FERRY_PREDICTION_LOG_FLUSH_INTERVAL", "duration",
        "Longest a prediction-log batch waits to fill before it is written", "200ms");

    private readonly Setting _logFullWait = new("--prediction-log-full-wait", "FERRY_PREDICTION_LOG_FULL_WAIT", "duration",
        "How long a request waits for room in a full prediction log before it is refused with 503", "100ms");

    private readonly Setting _retention = new("--prediction-retention", "FERRY_PREDICTION_RETENTION", "duration|forever",
        "How long logged predictions and their feedback are kept", "30d");

    private readonly Setting _artifactMax = new("--artifact-max-size", "FERRY_ARTIFACT_MAX_SIZE", "size|unlimited",
        "Largest artifact upload through the MLflow artifact proxy", "5GiB");

    private IEnumerable<Setting> All => [_modelMemory, _logCapacity, _logBatch, _logFlush, _logFullWait, _retention, _artifactMax];

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var setting in All)
        {
            command.Options.Add(setting.Option);
        }
    }

    /// <summary>Reads the settings into <paramref name="options"/>.</summary>
    /// <exception cref="CliException">A value is malformed or out of range (exit code 2).</exception>
    public void Apply(ParseResult parseResult, FerryServerOptions options)
    {
        if (_modelMemory.Read(parseResult) is { } memory)
        {
            options.ModelMemoryBudgetBytes = Positive(_modelMemory, memory, Quantities.ParseSize(memory));
        }

        if (_logCapacity.Read(parseResult) is { } capacity)
        {
            options.PredictionLogCapacity = (int)Count(_logCapacity, capacity);
        }

        if (_logBatch.Read(parseResult) is { } batch)
        {
            options.PredictionLogBatchSize = (int)Count(_logBatch, batch);
        }

        if (_logFlush.Read(parseResult) is { } flush)
        {
            options.PredictionLogFlushInterval = Duration(_logFlush, flush, allowZero: false);
        }

        if (_logFullWait.Read(parseResult) is { } fullWait)
        {
            options.PredictionLogFullWait = Duration(_logFullWait, fullWait, allowZero: true);
        }

        if (_retention.Read(parseResult) is { } retention)
        {
            options.PredictionRetention = IsWord(retention, "forever") ? null : Duration(_retention, retention, allowZero: false);
        }

        if (_artifactMax.Read(parseResult) is { } artifactMax)
        {
            options.ArtifactMaxBytes = IsWord(artifactMax, "unlimited") ? null : Positive(_artifactMax, artifactMax, Quantities.ParseSize(artifactMax));
        }

        if (options.PredictionLogBatchSize > options.PredictionLogCapacity)
        {
            throw new CliException(ExitCodes.InvalidArguments,
                $"{_logBatch.Name} ({options.PredictionLogBatchSize}) must not exceed {_logCapacity.Name} ({options.PredictionLogCapacity})");
        }
    }

    private static bool IsWord(string text, string word) => string.Equals(text.Trim(), word, StringComparison.OrdinalIgnoreCase);

    private static long Positive(Setting setting, string text, long? value) =>
        value is > 0 ? value.Value : throw setting.Invalid(text, "a positive size such as 512MiB or 2GiB");

    private static long Count(Setting setting, string text) =>
        long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 10_000_000
            ? value
            : throw setting.Invalid(text, "a whole number between 1 and 10000000");

    private static TimeSpan Duration(Setting setting, string text, bool allowZero) =>
        Quantities.ParseDuration(text) is { } value && (allowZero || value > TimeSpan.Zero)
            ? value
            : throw setting.Invalid(text, allowZero ? "a duration such as 0ms, 200ms, 5s or 30d" : "a positive duration such as 200ms, 5s or 30d");

    private sealed class Setting(string name, string variable, string helpName, string description, string defaultValue)
    {
        public string Name => name;

        public Option<string?> Option { get; } = new(name)
        {
            Description = $"{description} [env: {variable}] [default: {defaultValue}]",
            HelpName = helpName,
        };

        // Option first, then the environment; null keeps the default.
        public string? Read(ParseResult parseResult) => parseResult.GetValue(Option) ?? FerryEnvironment.Get(variable);

        public CliException Invalid(string text, string expected) =>
            new(ExitCodes.InvalidArguments, $"{name} (or {variable}) must be {expected}, not '{text}'");
    }
}
