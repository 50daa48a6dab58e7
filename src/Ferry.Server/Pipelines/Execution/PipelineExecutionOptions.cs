using Microsoft.Extensions.Options;

namespace Ferry.Server.Pipelines.Execution;

/// <summary>Where pipeline runs keep their files; bound from <c>Ferry:Pipelines</c>.</summary>
public sealed class PipelineExecutionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Pipelines";

    /// <summary>
    /// The directory of each pipeline's default working directory (<c>{Directory}/{name}</c>) and of each run's files
    /// (<c>{Directory}/{name}/{number}/</c>: <c>data/</c>, <c>logs/</c>, <c>output/</c>); default
    /// <c>{data dir}/pipelines</c>.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>A pipeline's default working directory.</summary>
    public string PipelineDirectory(string pipeline) => Path.Join(Directory, pipeline);

    /// <summary>A run's directory.</summary>
    public string RunDirectory(string pipeline, int number) =>
        Path.Join(Directory, pipeline, number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A run's <c>stdout</c> or <c>stderr</c> log file.</summary>
    public string LogPath(string pipeline, int number, string stream) => Path.Join(RunDirectory(pipeline, number), "logs", stream + ".txt");
}

/// <summary>Checks <see cref="PipelineExecutionOptions"/> at start-up.</summary>
internal sealed class PipelineExecutionOptionsValidator : IValidateOptions<PipelineExecutionOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineExecutionOptions options) =>
        options.Directory is { } directory && Path.IsPathFullyQualified(directory)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PipelineExecutionOptions.Section}:{nameof(options.Directory)} must be an absolute path, not '{options.Directory}'");
}
