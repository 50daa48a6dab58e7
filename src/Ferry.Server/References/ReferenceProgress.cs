using Ferry.Core.Monitoring;

namespace Ferry.Server.References;

/// <summary>
/// A running job's progress: units of work are rows (scored, profiled, routed through the trees) and explained rows,
/// so <see cref="ReferenceJob.Done"/> of <see cref="ReferenceJob.Total"/> moves evenly. Each change is published to
/// the job's readers in this process; phase changes are also saved, so other replicas see the phase.
/// </summary>
public sealed class ReferenceProgress
{
    private readonly ReferenceJob _job;
    private readonly ReferenceJobBoard _queue;
    private readonly Func<ReferenceJob, CancellationToken, Task> _save;
    private readonly TimeProvider _clock;
    private readonly List<string> _timings = [];
    private string _phase = "reading";
    private long _phaseStarted;
    private long _rows;
    private long _lastPublished = -1;

    internal ReferenceProgress(ReferenceJob job, ReferenceJobBoard queue, Func<ReferenceJob, CancellationToken, Task> save, TimeProvider clock)
    {
        _job = job;
        _queue = queue;
        _save = save;
        _clock = clock;
        _phaseStarted = clock.GetTimestamp();
    }

    /// <summary>How long each phase took so far (<c>reading 40 ms, scoring 120 ms, …</c>), for the log.</summary>
    public string Timings()
    {
        EndPhase(string.Empty);
        return string.Join(", ", _timings);
    }

    /// <summary>Sets the amount of work: <paramref name="rows"/> rows in three passes and <paramref name="explainedRows"/> explanations.</summary>
    public Task StartAsync(long rows, long explainedRows, CancellationToken cancellationToken)
    {
        _rows = rows;
        _job.Total = (3 * rows) + explainedRows;
        return PhaseAsync(ReferencePhases.Scoring, cancellationToken);
    }

    /// <summary>Enters a phase (saved).</summary>
    public async Task PhaseAsync(string phase, CancellationToken cancellationToken)
    {
        EndPhase(phase);
        _job.Phase = phase;
        _job.Done = Offset(phase);
        await _save(_job, cancellationToken);
        Publish(force: true);
    }

    /// <summary>Reports <paramref name="done"/> units of <paramref name="phase"/> done (in memory; published at each whole percent).</summary>
    public void Advance(string phase, long done)
    {
        _job.Phase = phase;
        _job.Done = Math.Min(_job.Total, Offset(phase) + done);
        Publish(force: false);
    }

    private void EndPhase(string next)
    {
        var now = _clock.GetTimestamp();
        if (_phase.Length > 0)
        {
            _timings.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_phase} {_clock.GetElapsedTime(_phaseStarted, now).TotalMilliseconds:0} ms"));
        }

        _phase = next;
        _phaseStarted = now;
    }

    private long Offset(string phase) => phase switch
    {
        ReferencePhases.Scoring => 0,
        ReferencePhases.Profiling => _rows,
        ReferencePhases.Covers => 2 * _rows,
        ReferencePhases.Importance => 3 * _rows,
        _ => _job.Total,
    };

    private void Publish(bool force)
    {
        var percent = _job.Total == 0 ? 0 : _job.Done * 100 / _job.Total;
        if (force || percent != _lastPublished)
        {
            _lastPublished = percent;
            _queue.Publish(_job);
        }
    }
}
