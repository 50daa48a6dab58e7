using System.Diagnostics;
using System.Globalization;

namespace Ferry.Bench.Tracking;

/// <summary>Timing helpers: run an action N times after warm-up and keep every duration in milliseconds.</summary>
internal static class Stats
{
    public static async Task<double[]> TimeAsync(int warmup, int iterations, Func<int, Task> action)
    {
        for (var i = 0; i < warmup; i++)
        {
            await action(-1 - i);
        }

        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await action(i);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return times;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static string Ms(double value) => value.ToString(value < 10 ? "F3" : "F1", CultureInfo.InvariantCulture);
}
