using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests.Pipelines;

/// <summary>
/// The pipeline store on SQLite and PostgreSQL: a firing and its run are stored together and audited, runs are
/// numbered per pipeline, at most one run per pipeline is active (a second firing is recorded as busy), and a run's
/// terminal phase frees the pipeline for the next.
/// </summary>
public abstract class PipelineStoreTests(DatabaseKind kind) : StorageTestBase(kind)
{
    [SkippableFact]
    public async Task Fire_WhileARunIsActive_RecordsBusyAndAddsNoRun_ThenNumbersTheNextAfterItEnds()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IPipelineStore>();
        var pipeline = await store.CreateAsync(NewPipeline("retrain"), "alice");
        Assert.NotEqual(Guid.Empty, pipeline.Id);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => store.CreateAsync(NewPipeline("retrain"), "alice"));

        var (firing, run) = await store.FireAsync(Firing(pipeline, TriggerKinds.Manual), NewRun("alice"));
        Assert.Equal(FiringOutcomes.Started, firing.Outcome);
        Assert.NotNull(run);
        Assert.Equal(1, run.Number);
        Assert.Equal(firing.Id, run.FiringId);
        Assert.Equal(run.Id, firing.RunId);
        Assert.True(run.Active);

        var (busy, none) = await store.FireAsync(Firing(pipeline, TriggerKinds.Alert), NewRun("ferry-loop"));
        Assert.Equal(FiringOutcomes.Busy, busy.Outcome);
        Assert.Null(none);
        Assert.Single(await store.ListRunsAsync("retrain", null, 10));

        run.Phase = LoopPhases.Failed;
        run.Error = "exit code 3";
        await store.UpdateRunAsync(run);
        var ended = await store.FindRunAsync(run.Id);
        Assert.NotNull(ended);
        Assert.False(ended.Active);
        Assert.NotNull(ended.FinishedAt);

        var (again, second) = await store.FireAsync(Firing(pipeline, TriggerKinds.Schedule), NewRun("ferry-loop"));
        Assert.Equal(FiringOutcomes.Started, again.Outcome);
        Assert.Equal(2, second!.Number);
        Assert.Equal([second.Id], (await store.ListRunsInPhasesAsync([LoopPhases.Queued])).Select(r => r.Id));
        Assert.Equal(3, (await store.ListFiringsAsync("retrain", 10)).Count);

        var audit = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery { Target = "pipeline/retrain" });
        Assert.Equal(["pipeline.create", "pipeline.fire", "pipeline.fire", "pipeline.fire"], audit.OrderBy(e => e.Sequence).Select(e => e.Action));
    }

    [SkippableFact]
    public async Task Update_ChangesSpecAndEnabled_AndDeleteKeepsRunsAndFirings()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IPipelineStore>();
        var pipeline = await store.CreateAsync(NewPipeline("nightly"), "alice");
        await store.FireAsync(Firing(pipeline, TriggerKinds.Manual), NewRun("alice"));
        pipeline.Enabled = false;
        pipeline.SpecJson = new PipelineSpec { Command = new TrainingCommand { Executable = "python3", Arguments = ["train.py"] } }.ToJson();
        var updated = await store.UpdateAsync(pipeline, "bob");
        Assert.False(updated.Enabled);
        Assert.Equal("python3", updated.Spec().Command.Executable);
        Assert.Equal(["train.py"], updated.Spec().Command.Arguments);

        Assert.True(await store.DeleteAsync("nightly", "bob"));
        Assert.False(await store.DeleteAsync("nightly", "bob"));
        Assert.Null(await store.FindAsync("nightly"));
        Assert.Single(await store.ListRunsAsync("nightly", null, 10));
        Assert.Single(await store.ListFiringsAsync("nightly", 10));
    }

    private static TrainingPipeline NewPipeline(string name) => new()
    {
        Name = name,
        EndpointName = "credit",
        ModelName = "credit-risk",
        ExperimentName = "retraining",
        SpecJson = new PipelineSpec { Command = new TrainingCommand { Executable = "dotnet", Arguments = ["train.dll"] } }.ToJson(),
    };

    private static TriggerFiring Firing(TrainingPipeline pipeline, string kind) => new()
    {
        PipelineId = pipeline.Id,
        PipelineName = pipeline.Name,
        Kind = kind,
        Reason = "test " + kind,
    };

    private static PipelineRun NewRun(string who) => new() { PipelineName = "ignored", RequestedBy = who };
}

/// <summary>On SQLite.</summary>
public sealed class SqlitePipelineStoreTests() : PipelineStoreTests(DatabaseKind.Sqlite);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresPipelineStoreTests() : PipelineStoreTests(DatabaseKind.PostgreSql);
