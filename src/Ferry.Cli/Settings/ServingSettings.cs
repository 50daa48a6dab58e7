using System.CommandLine;
using System.Globalization;
using Ferry.Server.Artifacts;
using Ferry.Server.Serving;

namespace Ferry.Cli.Settings;

/// <summary>
/// <c>ferry server</c>'s serving and storage limits: each an option, else a <c>FERRY_*</c> variable, else whatever the
/// server's configuration holds (<c>&lt;data-dir&gt;/ferry.json</c>, <c>Ferry__*</c> variables), else the default of
/// the feature's options class. A value that cannot be read stops the start with exit code 2.
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
        "How long a request waits for room in a full prediction log before it is refused with 503", "1s");

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

    /// <summary>
    /// The settings given (as an option or a variable) as configuration keys of the server's feature options, for
    /// example <c>Ferry:PredictionLog:Capacity</c>; what is not given is left to the settings file, <c>Ferry__*</c>
    /// variables or the defaults. Sizes are written in bytes and durations as <c>[d.]hh:mm:ss[.fffffff]</c>; an empty
    /// value is null (keep forever, no limit).
    /// </summary>
    /// <exception cref="CliException">A value is malformed or out of range (exit code 2).</exception>
    public Dictionary<string, string?> Read(ParseResult parseResult)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (_modelMemory.Read(parseResult) is { } memory)
        {
            settings[Key(ModelCacheOptions.Section, nameof(ModelCacheOptions.ModelMemoryBudgetBytes))] = Text(Positive(_modelMemory, memory, Quantities.ParseSize(memory)));
        }

        long? capacity = _logCapacity.Read(parseResult) is { } capacityText ? Count(_logCapacity, capacityText) : null;
        long? batch = _logBatch.Read(parseResult) is { } batchText ? Count(_logBatch, batchText) : null;
        if (capacity is { } c)
        {
            settings[Key(PredictionLogOptions.Section, nameof(PredictionLogOptions.Capacity))] = Text(c);
        }

        if (batch is { } b)
        {
            settings[Key(PredictionLogOptions.Section, nameof(PredictionLogOptions.BatchSize))] = Text(b);
        }

        if (_logFlush.Read(parseResult) is { } flush)
        {
            settings[Key(PredictionLogOptions.Section, nameof(PredictionLogOptions.FlushInterval))] = Text(Duration(_logFlush, flush, allowZero: false));
        }

        if (_logFullWait.Read(parseResult) is { } fullWait)
        {
            settings[Key(PredictionLogOptions.Section, nameof(PredictionLogOptions.FullWait))] = Text(Duration(_logFullWait, fullWait, allowZero: true));
        }

        if (_retention.Read(parseResult) is { } retention)
        {
            settings[Key(RetentionOptions.Section, nameof(RetentionOptions.Predictions))] =
                IsWord(retention, "forever") ? string.Empty : Text(Duration(_retention, retention, allowZero: false));
        }

        if (_artifactMax.Read(parseResult) is { } artifactMax)
        {
            settings[Key(ArtifactStoreOptions.Section, nameof(ArtifactStoreOptions.MaxUploadBytes))] =
                IsWord(artifactMax, "unlimited") ? string.Empty : Text(Positive(_artifactMax, artifactMax, Quantities.ParseSize(artifactMax)));
        }

        // Both given here: refused as an option error. Otherwise the server checks the pair as it starts.
        if (capacity is { } givenCapacity && batch is { } givenBatch && givenBatch > givenCapacity)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{_logBatch.Name} ({givenBatch}) must not exceed {_logCapacity.Name} ({givenCapacity})");
        }

        return settings;
    }

    /// <summary>The configuration key of an option's property: <c>Ferry:PredictionLog:Capacity</c>.</summary>
    public static string Key(string section, string property) => $"{section}:{property}";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

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
