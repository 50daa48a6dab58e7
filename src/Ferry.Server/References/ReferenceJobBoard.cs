using System.Collections.Concurrent;
using System.Threading.Channels;
using Ferry.Core.Monitoring;

namespace Ferry.Server.References;

/// <summary>
/// The jobs this process is to build, in order (a Channel read by <see cref="ReferenceWorker"/>), and the live state of
/// the one it is building: readers of a job wait here for its next change instead of polling the database.
/// </summary>
public sealed class ReferenceJobBoard
{
    private readonly Channel<Guid> _channel = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, byte> _pending = new();
    private readonly ConcurrentDictionary<Guid, ReferenceJob> _live = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _changes = new();

    /// <summary>The queued job ids.</summary>
    internal ChannelReader<Guid> Reader => _channel.Reader;

    /// <summary>Queues a job (once: queuing one already queued does nothing).</summary>
    public void Enqueue(Guid id)
    {
        if (_pending.TryAdd(id, 0))
        {
            _channel.Writer.TryWrite(id);
        }
    }

    /// <summary>Records that the worker took a job off the queue.</summary>
    internal void Dequeued(Guid id) => _pending.TryRemove(id, out _);

    /// <summary>The job's state as this process last published it, or null when it is not building it.</summary>
    public ReferenceJob? Live(Guid id) => _live.TryGetValue(id, out var job) ? Copy(job) : null;

    /// <summary>Completes at the job's next change (progress, phase or end) published by this process.</summary>
    public Task NextChangeAsync(Guid id) =>
        _changes.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Publishes a job's new state and wakes its readers; an ended job is forgotten.</summary>
    internal void Publish(ReferenceJob job)
    {
        if (job.IsActive)
        {
            _live[job.Id] = Copy(job);
        }
        else
        {
            _live.TryRemove(job.Id, out _);
        }

        if (_changes.TryRemove(job.Id, out var change))
        {
            change.TrySetResult();
        }
    }

    /// <summary>A copy of a job's fields.</summary>
    internal static ReferenceJob Copy(ReferenceJob job) => new()
    {
        Id = job.Id,
        ModelName = job.ModelName,
        ModelVersion = job.ModelVersion,
        State = job.State,
        Phase = job.Phase,
        Done = job.Done,
        Total = job.Total,
        Error = job.Error,
        Rows = job.Rows,
        StagedFile = job.StagedFile,
        Attempts = job.Attempts,
        CreatedBy = job.CreatedBy,
        CreatedAt = job.CreatedAt,
        StartedAt = job.StartedAt,
        FinishedAt = job.FinishedAt,
    };
}
