using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Server.Endpoints.Health;

namespace Ferry.Server.References;

/// <summary>
/// Builds queued references one at a time, off the request path. At start (once the database is migrated) it queues
/// again every job that was queued or running when the process stopped and whose staged rows are here: a job that was
/// running is rerun from the start.
/// </summary>
public sealed partial class ReferenceWorker(
    IServiceScopeFactory scopes,
    ReferenceJobBoard queue,
    ReferenceStaging staging,
    ReferenceBuild build,
    DatabaseReadiness readiness,
    TimeProvider clock,
    ILogger<ReferenceWorker> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.Initialized.WaitAsync(stoppingToken);
            await ResumeAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogResumeFailed(e);
        }

        try
        {
            await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
            {
                queue.Dequeued(id);
                await RunAsync(id, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: an unfinished job stays running in the database and is rerun at the next start.
        }
    }

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var job in await scope.ServiceProvider.GetRequiredService<IReferenceJobStore>().ListActiveAsync(cancellationToken))
        {
            if (staging.Exists(job.StagedFile))
            {
                LogResumed(job.Id, job.ModelName, job.ModelVersion, job.State);
                queue.Enqueue(job.Id);
            }
        }
    }

    private async Task RunAsync(Guid id, CancellationToken stoppingToken)
    {
        ReferenceJob? job;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            job = await scope.ServiceProvider.GetRequiredService<IReferenceJobStore>().FindAsync(id, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogJobFailed(e, id);
            return;
        }

        if (job is not { IsActive: true })
        {
            return;
        }

        job.State = ReferenceJob.Running;
        job.Attempts++;
        job.StartedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        job.Phase = null;
        job.Done = 0;
        try
        {
            await SaveAsync(job, stoppingToken);
            queue.Publish(job);
            var progress = new ReferenceProgress(job, queue, SaveAsync, clock);
            await build.RunAsync(job, progress, stoppingToken);
            var timings = progress.Timings();
            LogSucceeded(job.Id, job.ModelName, job.ModelVersion, job.Rows, timings);

            job.State = ReferenceJob.Succeeded;
            job.Done = job.Total;
            job.Phase = null;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            job.State = ReferenceJob.Failed;
            job.Error = Describe(e);
            if (e is not FerryException)
            {
                LogJobFailed(e, id);
            }
        }

        job.FinishedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            await SaveAsync(job, CancellationToken.None);
            staging.Delete(job.StagedFile);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogJobFailed(e, id);
        }

        queue.Publish(job);
    }

    private async Task SaveAsync(ReferenceJob job, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IReferenceJobStore>().UpdateAsync(job, cancellationToken);
    }

    /// <summary>What a failed job says: a validation error's fields and messages, otherwise the exception's message.</summary>
    private static string Describe(Exception e)
    {
        var message = e switch
        {
            ValidationException validation => string.Join("; ", validation.Errors.Select(f => $"{f.Key}: {string.Join(", ", f.Value)}")),
            FerryException => e.Message,
            _ => "the reference could not be built: " + e.Message,
        };
        return message.Length > 4000 ? message[..4000] : message;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reference job {Id} ({Model} version {Version}) was {State} when the server stopped; it is queued again")]
    private partial void LogResumed(Guid id, string model, int version, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reference job {Id} ({Model} version {Version}, {Rows} rows) built: {Timings}")]
    private partial void LogSucceeded(Guid id, string model, int version, long rows, string timings);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reference job {Id} failed")]
    private partial void LogJobFailed(Exception exception, Guid id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reference jobs left from before the start could not be queued again")]
    private partial void LogResumeFailed(Exception exception);
}
