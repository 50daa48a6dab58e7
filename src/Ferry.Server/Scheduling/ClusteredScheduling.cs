using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Scheduling;

/// <summary>
/// Says where Ferry's scheduled work runs: on PostgreSQL Quartz uses its clustered job store, so every monitor, pipeline
/// and <see cref="ClusterTick"/> fires on one replica; on SQLite (one process) the in-memory store and each background
/// service's own loop do. Counts the ticks this replica ran (tests wait on them).
/// </summary>
public sealed class ClusteredScheduling(bool clustered, IOptions<SchedulerOptions> options)
{
    private readonly ConcurrentDictionary<string, long> _ran = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Tick, DateTimeOffset FireTime)> _fireTimes = new();
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when Quartz runs on the clustered PostgreSQL job store.</summary>
    public bool Clustered => clustered;

    /// <summary>
    /// True when the periodic passes run as clustered Quartz jobs (<see cref="ClusterTick"/>): each background service
    /// then leaves its own loop and only the job calls its pass.
    /// </summary>
    public bool RunsTicks => clustered && options.Value.ClusteredTicks;

    /// <summary>How many times this replica ran the tick <paramref name="name"/>.</summary>
    public long Ran(string name) => _ran.TryGetValue(name, out var count) ? count : 0;

    /// <summary>The scheduled fire times of the runs of <paramref name="name"/> on this replica, in order.</summary>
    public IReadOnlyList<DateTimeOffset> FireTimes(string name) => [.. _fireTimes.Where(f => f.Tick == name).Select(f => f.FireTime)];

    /// <summary>Completes once this replica ran <paramref name="name"/> at least <paramref name="count"/> times.</summary>
    public async Task WaitUntilRanAsync(string name, long count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (Ran(name) >= count)
            {
                return;
            }

            await progress.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Called by <see cref="ClusterTickJob"/> after each run.</summary>
    internal void NoteRan(string name, DateTimeOffset fireTime)
    {
        _fireTimes.Enqueue((name, fireTime));
        _ran.AddOrUpdate(name, 1, (_, count) => count + 1);
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
