using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Ferry.Client;

namespace Ferry.Bench.Tracking;

/// <summary>(a) POST runs/log-batch with 1,000 metrics, anchored on GET /healthz of the same server, both over loopback HTTP.</summary>
internal static class LogBatchBenchmark
{
    public static async Task<(double BatchMs, double HealthMs)> RunAsync(Uri address, string token, int iterations)
    {
        using var ferry = new FerryClient(address, token);
        var experiment = await ferry.Tracking.GetOrCreateExperimentAsync($"bench-batch-{Guid.NewGuid():N}");
        var run = await ferry.Tracking.StartRunAsync(experiment.ExperimentId, "log-batch");
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var health = await Stats.TimeAsync(5, iterations, async _ =>
        {
            using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            response.EnsureSuccessStatusCode();
        });

        // Bodies are built before timing: every batch is 1,000 new points (distinct steps) of 10 keys.
        var bodies = Enumerable.Range(0, iterations + 3).Select(i => Body(run.Info.RunId, i)).ToArray();
        var batch = await Stats.TimeAsync(3, iterations, async i =>
        {
            using var content = new StringContent(bodies[i < 0 ? iterations - i - 1 : i], Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/api/2.0/mlflow/runs/log-batch", UriKind.Relative), content);
            response.EnsureSuccessStatusCode();
        });

        Console.WriteLine($"  healthz   runs (ms): {string.Join(", ", health.Select(Stats.Ms))}");
        Console.WriteLine($"  log-batch runs (ms): {string.Join(", ", batch.Select(Stats.Ms))}");
        return (Stats.Median(batch), Stats.Median(health));
    }

    private static string Body(string runId, int batch)
    {
        var text = new StringBuilder(64 * 1024);
        text.Append(CultureInfo.InvariantCulture, $"{{\"run_id\":\"{runId}\",\"metrics\":[");
        for (var i = 0; i < 1000; i++)
        {
            var step = (batch + 10) * 100 + (i / 10);
            text.Append(i == 0 ? "" : ",")
                .Append(CultureInfo.InvariantCulture, $"{{\"key\":\"m{i % 10}\",\"value\":{(i * 0.001) + batch},\"timestamp\":{1_700_000_000_000L + step},\"step\":{step}}}");
        }

        return text.Append("]}").ToString();
    }
}
