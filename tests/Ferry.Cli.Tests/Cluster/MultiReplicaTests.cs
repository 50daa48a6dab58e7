using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ferry.Cli.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.Cli.Tests.Cluster;

/// <summary>
/// Issue 21's multi-replica test: two real <c>ferry server</c> processes on one PostgreSQL database and one artifact
/// store behind HAProxy (<see cref="ReplicaCluster"/>). Predictions through the balancer are answered by both, feedback
/// posted to the other replica joins, a policy change made on one is routed by both, and a replica killed with SIGKILL
/// under load fails over: the survivor keeps serving, and every acknowledged prediction is stored except at most the
/// dead replica's unwritten buffer (<see cref="ReplicaCluster.BufferCapacity"/> rows), which is counted and printed.
/// </summary>
public sealed class MultiReplicaTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int RowsPerRequest = 2;
    private const int AcknowledgedBeforeTheKill = 1_500;
    private const int AcknowledgedAfterTheKill = 500;
    private const int MaxRequestsPerClient = 1_500;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> Body = new(() =>
    {
        var features = JsonNode.Parse(File.ReadAllText(Ferry.Testing.TestDataFiles.Find("credit_gbm.expected.json")))!["features"]!.AsObject();
        var records = new JsonArray();
        for (var i = 0; i < RowsPerRequest; i++)
        {
            var record = new JsonObject();
            foreach (var (name, column) in features)
            {
                record[name] = column![i]!.DeepClone();
            }

            records.Add(record);
        }

        return new JsonObject { ["records"] = records }.ToJsonString();
    });

    [SkippableFact]
    public async Task TwoReplicas_BehindHaproxy_ShareServingFeedbackPolicyAndSurviveSigkill()
    {
        SkipUnlessAvailable();
        // The policy cache's own refresh at an hour: only the replicas' signal explains a change seen on the other one.
        await using var cluster = await ReplicaCluster.StartAsync(new Dictionary<string, string> { ["Ferry__ModelCache__PolicyRefreshInterval"] = "01:00:00" });
        var model = $"rep-{Guid.NewGuid():N}"[..16];
        CliAssert.Succeeded(await FerryCli.RunAsync(Client(cluster, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_gbm.onnx"), "--name", model)));
        CliAssert.Succeeded(await FerryCli.RunAsync(Client(cluster, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_gbm.onnx"), "--name", model)));
        const string Endpoint = "scoring";
        CliAssert.Succeeded(await FerryCli.RunAsync(Client(cluster, "deploy", Endpoint, "--model", model, "--version", "1")));

        // Both replicas answer through the balancer.
        var balancer = cluster.Client();
        var answeredBy = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            using var response = await PredictAsync(balancer, Endpoint);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answeredBy.Add(Replica(response));
        }

        Assert.Equal(["a", "b"], answeredBy.Order(StringComparer.Ordinal));

        // Feedback posted to the other replica joins (a durable endpoint: its answer means the row is committed).
        CliAssert.Succeeded(await FerryCli.RunAsync(Client(cluster, "deploy", "durable-scoring", "--model", model, "--version", "1", "--durability", "durable")));
        using (var served = await PredictAsync(cluster.Client(cluster.A), "durable-scoring"))
        {
            var id = (await Json(served)).GetProperty("predictions")[0].GetProperty("id").GetString();
            using var feedback = await cluster.Client(cluster.B).PostAsync("/api/v1/endpoints/durable-scoring/feedback",
                new StringContent($"prediction_id,label\n{id},1\n", Encoding.UTF8, "text/csv"));
            Assert.Equal(1, (await Json(feedback)).GetProperty("accepted").GetInt32());
        }

        // A policy change made on A is routed by B (and A).
        Assert.Equal(1, await VersionOnAsync(cluster.Client(cluster.B), Endpoint));
        CliAssert.Succeeded(await FerryCli.RunAsync([.. cluster.A.Client(cluster.AdminToken, "deploy", Endpoint, "--model", model, "--version", "2")]));
        Assert.Equal(2, await VersionOnAsync(cluster.Client(cluster.A), Endpoint));
        var onB = cluster.Client(cluster.B);
        var attempts = 0;
        while (await VersionOnAsync(onB, Endpoint) != 2)
        {
            // Bounded by requests, not time: the signal takes milliseconds, each request a round trip.
            Assert.True(++attempts < 5_000, "B never routed by the policy A changed");
        }

        output.WriteLine($"B routed by A's policy change after {attempts} more request(s)");

        // SIGKILL one replica under load through the balancer.
        var (acknowledged, byReplica, afterKill, failures) = await LoadAndKillAsync(cluster, Endpoint);
        await cluster.WhenDownAsync("a").WaitAsync(Bound);
        Assert.Equal(ExitCodes.Success, await cluster.B.StopAsync()); // the survivor drains its buffer
        var stored = await cluster.StoredIdsAsync(Endpoint);
        var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
        var lostOnA = lost.Count(id => byReplica[id] == "a");
        output.WriteLine($"SIGKILL of replica a: {acknowledged.Count} acknowledged ({byReplica.Values.Count(r => r == "a")} by a, "
            + $"{byReplica.Values.Count(r => r == "b")} by b), {afterKill} after the kill, {failures} failed request(s) around it; "
            + $"lost {lost.Count} (all in a's unwritten buffer: {lostOnA}; window {ReplicaCluster.BufferCapacity} rows)");
        Assert.True(afterKill >= AcknowledgedAfterTheKill, $"the survivor answered only {afterKill} after the kill");
        Assert.Equal(lost.Count, lostOnA);
        Assert.InRange(lostOnA, 0, ReplicaCluster.BufferCapacity);
    }

    [SkippableFact]
    public async Task ScheduledMonitor_TwoReplicas_RunsOncePerFire()
    {
        SkipUnlessAvailable();
        await using var cluster = await ReplicaCluster.StartAsync();
        // Quartz's clustered job store on PostgreSQL (issue 21 item 2) is what makes a fire run once; without it each
        // replica runs every fire and this test fails (in CI; locally it is skipped until that store is in).
        Skip.If(!Ferry.Testing.TestDatabase.InCi && !await cluster.HasClusteredSchedulerAsync(), "Quartz's clustered job store is not in this build yet");
        cluster.Line += (replica, line) => output.WriteLine($"{replica}: {line}");
        var model = $"mon-{Guid.NewGuid():N}"[..16];
        CliAssert.Succeeded(await FerryCli.RunAsync(Client(cluster, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_gbm.onnx"), "--name", model)));
        CliAssert.Succeeded(await FerryCli.RunAsync(Client(cluster, "deploy", "watched", "--model", model, "--version", "1")));

        const int Fires = 4;
        // Each line names the fire it ran for (Quartz's scheduled time): a fire that ran on both replicas shows twice.
        var runs = new ConcurrentQueue<(string Replica, string Fire)>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const string Monitor = "every-four-seconds";
        var ranLine = new Regex($@"Monitor {Monitor} (?:ran|could not run) on schedule \(fire ([^)]+)\)", RegexOptions.CultureInvariant);
        cluster.Line += (replica, line) =>
        {
            if (ranLine.Match(line) is { Success: true } match)
            {
                runs.Enqueue((replica, match.Groups[1].Value));
                if (runs.Count >= Fires)
                {
                    enough.TrySetResult();
                }
            }
        };
        CliAssert.Succeeded(await FerryCli.RunAsync(Client(cluster, "monitor", "create", Monitor, "--endpoint", "watched", "--window", "1h", "--schedule", "0/4 * * * * ?")));
        await enough.Task.WaitAsync(TimeSpan.FromSeconds(90));

        var seen = runs.ToList();
        var doubled = seen.GroupBy(r => r.Fire, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        output.WriteLine($"{seen.Count} scheduled runs: {string.Join(", ", seen.Select(r => $"{r.Replica} {r.Fire}"))}; fire(s) run twice: {string.Join(", ", doubled)}");
        Assert.Empty(doubled);
    }

    private static void SkipUnlessAvailable()
    {
        if (ReplicaCluster.UnavailableReason is { } reason)
        {
            if (Ferry.Testing.TestDatabase.InCi)
            {
                throw new InvalidOperationException("The multi-replica test must run in CI, but " + reason);
            }

            Skip.If(true, "multi-replica test skipped locally: " + reason);
        }
    }

    private static async Task<(List<Guid> Acknowledged, ConcurrentDictionary<Guid, string> ByReplica, int AfterKill, int Failures)> LoadAndKillAsync(ReplicaCluster cluster, string endpoint)
    {
        var byReplica = new ConcurrentDictionary<Guid, string>();
        var order = new ConcurrentQueue<Guid>();
        var killAt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = 0;
        var afterKill = 0;
        var failures = 0;
        var balancer = cluster.Client();
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < MaxRequestsPerClient && !done.Task.IsCompleted; i++)
            {
                try
                {
                    using var response = await PredictAsync(balancer, endpoint);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures); // 502/503 around the kill: no ids given, nothing to keep
                        continue;
                    }

                    var replica = Replica(response);
                    foreach (var prediction in (await Json(response)).GetProperty("predictions").EnumerateArray())
                    {
                        var id = prediction.GetProperty("id").GetGuid();
                        byReplica[id] = replica;
                        order.Enqueue(id);
                    }

                    if (Volatile.Read(ref killed) == 1 && Interlocked.Add(ref afterKill, RowsPerRequest) >= AcknowledgedAfterTheKill)
                    {
                        done.TrySetResult();
                    }
                    else if (order.Count >= AcknowledgedBeforeTheKill)
                    {
                        killAt.TrySetResult();
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
                {
                    Interlocked.Increment(ref failures); // a connection cut by the kill
                }
            }
        })).ToArray();

        await Task.WhenAny(killAt.Task, Task.WhenAll(clients));
        Assert.True(killAt.Task.IsCompleted, $"only {order.Count} predictions were acknowledged:\n{cluster.A.Stderr}\n{cluster.B.Stderr}");
        await cluster.A.KillAsync();
        Volatile.Write(ref killed, 1);
        await Task.WhenAll(clients);
        return ([.. order], byReplica, afterKill, failures);
    }

    private static string[] Client(ReplicaCluster cluster, params string[] args) => [.. args, "--server", cluster.Balancer.OriginalString, "--token", cluster.AdminToken];

    private static string Replica(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Ferry-Replica", out var values) ? values.Single() : throw new InvalidOperationException("no X-Ferry-Replica header");

    private static async Task<int> VersionOnAsync(HttpClient client, string endpoint)
    {
        using var response = await PredictAsync(client, endpoint);
        return (await Json(response)).GetProperty("predictions")[0].GetProperty("version").GetInt32();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<HttpResponseMessage> PredictAsync(HttpClient client, string endpoint) =>
        client.PostAsync($"/api/v1/endpoints/{endpoint}/predict", new StringContent(Body.Value, Encoding.UTF8, "application/json"));
}
