using System.Globalization;
using System.Text.Json;
using Ferry.Core.Tracking;

namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>Maps tracking entities to MLflow's wire messages.</summary>
public static class TrackingMapper
{
    /// <summary>An experiment.</summary>
    public static ExperimentMessage ToMessage(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return new ExperimentMessage
        {
            ExperimentId = experiment.Id.ToString(CultureInfo.InvariantCulture),
            Name = experiment.Name,
            ArtifactLocation = experiment.ArtifactLocation,
            LifecycleStage = experiment.LifecycleStage,
            LastUpdateTime = experiment.LastUpdateTime,
            CreationTime = experiment.CreationTime,
            Tags = [.. experiment.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new KeyValueMessage { Key = t.Key, Value = t.Value })],
        };
    }

    /// <summary>A run's info.</summary>
    public static RunInfoMessage ToInfo(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunInfoMessage
        {
            RunId = run.Id,
            RunUuid = run.Id,
            RunName = run.Name,
            ExperimentId = run.ExperimentId.ToString(CultureInfo.InvariantCulture),
            UserId = run.UserId,
            Status = run.Status,
            StartTime = run.StartTime,
            EndTime = run.Status == RunStatus.Running ? null : run.EndTime,
            ArtifactUri = run.ArtifactUri,
            LifecycleStage = run.LifecycleStage,
        };
    }

    /// <summary>A full run: info, latest metrics, params, tags, inputs and (empty) outputs.</summary>
    public static RunMessage ToMessage(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunMessage
        {
            Info = ToInfo(run),
            Data = new RunDataMessage
            {
                Metrics = [.. run.LatestMetrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new MetricMessage { Key = m.Key, Value = m.ActualValue, Timestamp = m.Timestamp, Step = m.Step })],
                Params = [.. run.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new KeyValueMessage { Key = p.Key, Value = p.Value })],
                Tags = [.. run.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new KeyValueMessage { Key = t.Key, Value = t.Value })],
            },
            Inputs = new RunInputsMessage
            {
                DatasetInputs = [.. run.DatasetInputs.Select(ToMessage)],
                ModelInputs = Links(run, RunModelDirection.Input).Select(l => new ModelInputMessage { ModelId = l.ModelId }).ToList() is { Count: > 0 } inputs ? inputs : null,
            },
            Outputs = new RunOutputsMessage
            {
                ModelOutputs = Links(run, RunModelDirection.Output).Select(l => new ModelOutputMessage { ModelId = l.ModelId, Step = l.Step }).ToList() is { Count: > 0 } outputs ? outputs : null,
            },
        };
    }

    private static IEnumerable<RunModelLink> Links(Run run, string direction) =>
        run.ModelLinks.Where(l => l.Direction == direction).OrderBy(l => l.ModelId, StringComparer.Ordinal);

    /// <summary>A metric history point.</summary>
    public static MetricMessage ToMessage(MetricPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return new MetricMessage { Key = point.Key, Value = point.ActualValue, Timestamp = point.Timestamp, Step = point.Step };
    }

    private static DatasetInputMessage ToMessage(RunDatasetInput input)
    {
        List<KeyValueMessage> tags = [];
        using (var document = JsonDocument.Parse(input.TagsJson))
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                tags.Add(new KeyValueMessage { Key = property.Name, Value = property.Value.ToString() });
            }
        }

        return new DatasetInputMessage
        {
            Tags = tags,
            Dataset = new DatasetMessage
            {
                Name = input.Name,
                Digest = input.Digest,
                SourceType = input.SourceType,
                Source = input.Source,
                Schema = input.Schema,
                Profile = input.Profile,
            },
        };
    }
}
