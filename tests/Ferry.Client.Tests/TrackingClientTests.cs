using Ferry.Client.Mlflow;
using Ferry.Client.Tracking;
using Ferry.Core.Tracking;

namespace Ferry.Client.Tests;

/// <summary><see cref="TrackingClient"/> and <see cref="ActiveRun"/> against a real in-process server.</summary>
public sealed class TrackingClientTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private TrackingClient Tracking => fixture.Client.Tracking;

    [Fact]
    public async Task GetOrCreateExperiment_CreatesOnce_AndThenFindsIt()
    {
        var name = $"exp-{Guid.NewGuid():N}";

        var created = await Tracking.GetOrCreateExperimentAsync(name);
        var again = await Tracking.GetOrCreateExperimentAsync(name);

        Assert.Equal(created.ExperimentId, again.ExperimentId);
        Assert.Equal($"mlflow-artifacts:/{created.ExperimentId}", created.ArtifactLocation);
        Assert.Equal(name, (await Tracking.GetExperimentAsync(created.ExperimentId)).Name);
        Assert.Null(await Tracking.FindExperimentByNameAsync($"missing-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task ActiveRun_EndsFinishedOrFailed_WhenFlagged()
    {
        var experiment = await Tracking.GetOrCreateExperimentAsync($"active-{Guid.NewGuid():N}");
        string finishedId, failedId;
        await using (var run = await Tracking.StartActiveRunAsync(experiment.ExperimentId, "ok", new Dictionary<string, string> { ["team"] = "risk" }))
        {
            finishedId = run.RunId;
            Assert.Equal(RunStatus.Running, run.Run.Info.Status);
        }

        try
        {
            await using var run = await Tracking.StartActiveRunAsync(experiment.ExperimentId, "broken");
            failedId = run.RunId;
            try
            {
                throw new InvalidOperationException("training blew up");
            }
            catch (InvalidOperationException)
            {
                run.MarkFailed();
                throw;
            }
        }
        catch (InvalidOperationException)
        {
        }

        var finished = await Tracking.GetRunAsync(finishedId);
        Assert.Equal(RunStatus.Finished, finished.Info.Status);
        Assert.NotNull(finished.Info.EndTime);
        Assert.Equal("risk", finished.Data.Tag("team"));
        Assert.Equal("ok", finished.Info.RunName);
        var failed = (await Tracking.SearchRunsAsync([experiment.ExperimentId], "attributes.status = 'FAILED'")).Runs;
        Assert.Equal("broken", Assert.Single(failed).Info.RunName);
    }

    [Fact]
    public async Task ParamsMetricsTagsAndBatches_RoundTrip_WithNanAndHistory()
    {
        var experiment = await Tracking.GetOrCreateExperimentAsync($"log-{Guid.NewGuid():N}");
        var run = await Tracking.StartRunAsync(experiment.ExperimentId, "log");
        var id = run.Info.RunId;

        await Tracking.LogParamAsync(id, "lr", "0.1");
        await Tracking.LogParamAsync(id, "lr", "0.1");
        var conflict = await Assert.ThrowsAsync<FerryApiException>(() => Tracking.LogParamAsync(id, "lr", "0.2"));
        Assert.Equal(MlflowErrorCodes.InvalidParameterValue, conflict.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, conflict.StatusCode);

        await Tracking.LogParamsAsync(id, Enumerable.Range(0, 150).ToDictionary(i => $"p{i}", i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        for (var step = 0; step < 5; step++)
        {
            await Tracking.LogMetricAsync(id, "loss", 1.0 / (step + 1), step, 1_700_000_000_000 + step);
        }

        await Tracking.LogMetricAsync(id, "nan", double.NaN);
        var batch = Enumerable.Range(0, 2_500).Select(i => new Metric("curve", i, 1_700_000_000_000 + i, i)).ToArray();
        await Tracking.LogBatchAsync(id, batch, tags: [new Tag("stage", "test")]);
        await Tracking.SetTagAsync(id, "stage", "final");
        await Tracking.EndRunAsync(id, RunStatus.Killed);

        var got = await Tracking.GetRunAsync(id);
        Assert.Equal(RunStatus.Killed, got.Info.Status);
        Assert.Equal(151, got.Data.Params!.Count);
        Assert.Equal(0.2, got.Data.Metric("loss"));
        Assert.True(double.IsNaN(got.Data.Metric("nan")!.Value));
        Assert.Equal("final", got.Data.Tag("stage"));
        Assert.Equal(5, (await Tracking.GetMetricHistoryAsync(id, "loss")).Count);
        var curve = await Tracking.GetMetricHistoryAsync(id, "curve");
        Assert.Equal(2_500, curve.Count);
        Assert.Equal(2_499, curve.Max(m => m.Value));
    }

    [Fact]
    public async Task SearchRuns_FiltersOrdersAndPages()
    {
        var experiment = await Tracking.GetOrCreateExperimentAsync($"search-{Guid.NewGuid():N}");
        foreach (var (model, auc) in new[] { ("gbm", 0.91), ("gbm", 0.95), ("gbm", 0.85), ("logreg", 0.97) })
        {
            var run = await Tracking.StartRunAsync(experiment.ExperimentId);
            await Tracking.LogBatchAsync(run.Info.RunId, [new Metric("auc", auc, 1, 0)], [new Param("model", model)]);
        }

        var page = await Tracking.SearchRunsAsync([experiment.ExperimentId], "metrics.auc > 0.9 and params.model = 'gbm'", ["metrics.auc DESC"], 1);
        Assert.Equal(0.95, Assert.Single(page.Runs).Data.Metric("auc"));
        Assert.NotNull(page.NextPageToken);
        var next = await Tracking.SearchRunsAsync([experiment.ExperimentId], "metrics.auc > 0.9 and params.model = 'gbm'", ["metrics.auc DESC"], 1, page.NextPageToken);
        Assert.Equal(0.91, Assert.Single(next.Runs).Data.Metric("auc"));
        Assert.Null(next.NextPageToken);

        var invalid = await Assert.ThrowsAsync<FerryApiException>(() => Tracking.SearchRunsAsync([experiment.ExperimentId], "metrics.auc >>> 1"));
        Assert.Equal(MlflowErrorCodes.InvalidParameterValue, invalid.ErrorCode);
        var missing = await Assert.ThrowsAsync<FerryApiException>(() => Tracking.GetRunAsync("0123456789abcdef0123456789abcdef"));
        Assert.Equal(MlflowErrorCodes.ResourceDoesNotExist, missing.ErrorCode);
    }
}
