using Ferry.Core.Monitoring;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;
using Ferry.Server.Monitoring;
using Ferry.Server.Pipelines.Triggers;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Server.Tests.Pipelines.Triggers;

/// <summary>Pipelines, alerts, predictions and labels for the trigger tests, written through the server's own services.</summary>
internal static class TriggerTestKit
{
    /// <summary>Creates a pipeline of <paramref name="endpoint"/> with <paramref name="triggers"/> (a command that is never run here).</summary>
    public static async Task<TrainingPipeline> CreatePipelineAsync(FerryTestServer server, string endpoint, PipelineTriggers triggers, bool enabled = true)
    {
        var spec = new PipelineSpec { Command = new TrainingCommand { Executable = "true" }, Dataset = null, Triggers = triggers };
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPipelineStore>().CreateAsync(new TrainingPipeline
        {
            Name = $"pl-{Guid.NewGuid():N}",
            EndpointName = endpoint,
            ModelName = "credit-risk",
            SpecJson = spec.ToJson(),
            Enabled = enabled,
        }, "test");
    }

    /// <summary>The pipeline's firings, oldest first.</summary>
    public static async Task<List<TriggerFiring>> FiringsAsync(FerryTestServer server, string pipeline)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return [.. (await scope.ServiceProvider.GetRequiredService<IPipelineStore>().ListFiringsAsync(pipeline, 1000)).Reverse()];
    }

    /// <summary>The pipeline's runs, oldest first.</summary>
    public static async Task<List<PipelineRun>> RunsAsync(FerryTestServer server, string pipeline)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return [.. (await scope.ServiceProvider.GetRequiredService<IPipelineStore>().ListRunsAsync(pipeline, null, 1000)).Reverse()];
    }

    /// <summary>Ends a run as the loop's last stage would (rejected), so the pipeline is free again.</summary>
    public static async Task EndRunAsync(FerryTestServer server, PipelineRun run)
    {
        await using var scope = server.Services.CreateAsyncScope();
        run.Phase = LoopPhases.Rejected;
        await scope.ServiceProvider.GetRequiredService<IPipelineStore>().UpdateRunAsync(run);
    }

    /// <summary>An alert of <paramref name="endpoint"/> on <paramref name="checkKey"/>, opened now.</summary>
    public static Alert NewAlert(FerryTestServer server, string endpoint, string checkKey)
    {
        var now = server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        return new Alert
        {
            Id = Guid.CreateVersion7(),
            MonitorName = "mon",
            EndpointName = endpoint,
            CheckKey = checkKey,
            Status = AlertStatus.Open,
            Message = $"{checkKey} failed",
            OpenedAt = now,
            LastSeenAt = now,
            Occurrences = 1,
        };
    }

    /// <summary>
    /// Hands alert changes to the server's <see cref="AlertDelivery"/>, the one place every alert source (monitor runs,
    /// oversight, the loop's guards) reports them, and waits until the alert trigger has handled what was queued.
    /// </summary>
    public static async Task RaiseAsync(FerryTestServer server, params AlertChange[] changes)
    {
        var triggers = server.Services.GetRequiredService<AlertTriggers>();
        server.Services.GetRequiredService<AlertDelivery>().Enqueue(changes);
        await triggers.WaitUntilHandledAsync(triggers.Queued).WaitAsync(TestClock.Bound);
    }

    /// <summary>Logs <paramref name="count"/> predictions of <paramref name="endpoint"/> served now; returns their ids.</summary>
    public static async Task<Guid[]> LogPredictionsAsync(FerryTestServer server, string endpoint, int count)
    {
        var records = PredictionLogBufferTests.Records(count, endpoint, server.Clock.GetUtcNow());
        await using var scope = server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(records, skipExisting: false);
        return [.. records.Select(r => r.Id)];
    }

    /// <summary>Labels the predictions <paramref name="ids"/> (ground truth "1").</summary>
    public static async Task LabelAsync(FerryTestServer server, string endpoint, IEnumerable<Guid> ids)
    {
        await using var scope = server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IFeedbackStore>().IngestAsync(endpoint, [.. ids.Select(id => new FeedbackItem(id, "1", null))], "test");
    }
}
