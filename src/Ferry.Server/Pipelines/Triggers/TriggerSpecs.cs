using System.Text.Json;
using Ferry.Core.Pipelines;

namespace Ferry.Server.Pipelines.Triggers;

/// <summary>Reads a pipeline's triggers, tolerating a stored spec that no longer parses (logged, treated as no triggers).</summary>
internal static partial class TriggerSpecs
{
    /// <summary>The pipeline's triggers, or null when its spec does not parse.</summary>
    public static PipelineTriggers? Of(TrainingPipeline pipeline, ILogger logger)
    {
        try
        {
            return pipeline.Spec().Triggers;
        }
        catch (JsonException exception)
        {
            LogUnreadable(logger, pipeline.Name, exception.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline}'s spec does not parse, so none of its triggers fire: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string pipeline, string reason);
}
