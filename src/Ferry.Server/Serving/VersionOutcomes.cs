using System.Collections.Concurrent;

namespace Ferry.Server.Serving;

/// <summary>
/// Prediction requests and failures per endpoint and version, counted in memory in one-minute buckets on the server's
/// clock and kept for a day: what a canary ramp's error-rate guard reads (failed requests log no prediction rows, so
/// the log cannot count them). A failure is a request that answered <c>error</c> (500) or <c>invalid</c> (400: for a
/// ramp, a challenger that refuses records the champion accepts); refusals for a full log and suspended endpoints are
/// not counted. Each replica counts its own requests: with several replicas behind a balancer, a guard judged on one
/// sees that replica's share of the traffic.
/// </summary>
public sealed class VersionOutcomes(TimeProvider clock)
{
    private const long BucketMs = 60_000;
    private const long KeepBuckets = 24 * 60;
    private readonly ConcurrentDictionary<(string Endpoint, int Version, long Bucket), Tally> _tallies = new();
    private long _lastBucket;

    /// <summary>Counts one request of <paramref name="version"/> on <paramref name="endpoint"/> with its outcome (<see cref="Router.Outcomes"/>).</summary>
    public void Record(string endpoint, int version, string outcome)
    {
        if (outcome is Router.Outcomes.Suspended or Router.Outcomes.Unavailable)
        {
            return;
        }

        var bucket = clock.GetUtcNow().ToUnixTimeMilliseconds() / BucketMs;
        var tally = _tallies.GetOrAdd((endpoint, version, bucket), static _ => new Tally());
        Interlocked.Increment(ref tally.Requests);
        if (outcome is Router.Outcomes.Error or Router.Outcomes.Invalid)
        {
            Interlocked.Increment(ref tally.Failed);
        }

        if (Interlocked.Exchange(ref _lastBucket, bucket) != bucket)
        {
            foreach (var key in _tallies.Keys.Where(k => k.Bucket < bucket - KeepBuckets))
            {
                _tallies.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Requests and failures of a version since <paramref name="fromMs"/> (epoch ms; counted from the start of its minute).</summary>
    public (long Requests, long Failed) Since(string endpoint, int version, long fromMs)
    {
        var first = fromMs / BucketMs;
        long requests = 0, failed = 0;
        foreach (var (key, tally) in _tallies)
        {
            if (key.Version == version && key.Bucket >= first && string.Equals(key.Endpoint, endpoint, StringComparison.Ordinal))
            {
                requests += Interlocked.Read(ref tally.Requests);
                failed += Interlocked.Read(ref tally.Failed);
            }
        }

        return (requests, failed);
    }

    private sealed class Tally
    {
        public long Requests;
        public long Failed;
    }
}
