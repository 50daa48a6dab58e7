using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Core.Identity;
using Npgsql;

namespace Ferry.Cli.Tests.Cluster;

/// <summary>
/// Two real <c>ferry server</c> processes on one PostgreSQL database and one artifact store, behind Debian's HAProxy,
/// all on 127.0.0.1. The artifact store is the S3-compatible server when <c>FERRY_TEST_S3_ENDPOINT</c> is set
/// (<c>eng/s3.sh</c>), else a shared <c>file://</c> directory. HAProxy checks <c>/readyz</c> every 200 ms and marks a
/// replica down after two failed checks; it retries a failed connection on the other replica.
/// </summary>
internal sealed class ReplicaCluster : IAsyncDisposable
{
    /// <summary>Each replica's prediction-log buffer: the most a SIGKILL can lose on one replica.</summary>
    public const int BufferCapacity = 1_000;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Ferry.Testing.TestDatabase _database;
    private readonly TempDirectory _directory;
    private readonly Process _haproxy;
    private readonly List<string> _haproxyLines = [];
    private readonly Lock _gate = new();
    private readonly List<(string Replica, Func<string, bool> Match, TaskCompletionSource Done)> _waiters = [];
    private readonly List<HttpClient> _clients = [];

    private ReplicaCluster(Ferry.Testing.TestDatabase database, TempDirectory directory, string adminToken, FerryServerProcess a, FerryServerProcess b, Process haproxy, Uri balancer)
    {
        _database = database;
        _directory = directory;
        AdminToken = adminToken;
        A = a;
        B = b;
        _haproxy = haproxy;
        Balancer = balancer;
    }

    public FerryServerProcess A { get; }

    public FerryServerProcess B { get; }

    /// <summary>HAProxy's address: what clients use.</summary>
    public Uri Balancer { get; }

    public string AdminToken { get; }

    public string ConnectionString => _database.ConnectionString;

    /// <summary>Why the cluster cannot start here, or null.</summary>
    public static string? UnavailableReason =>
        Ferry.Testing.TestDatabase.PostgresUnavailableReason
        ?? (File.Exists(HaproxyPath) ? null : $"{HaproxyPath} is missing (run eng/haproxy.sh)");

    private static string HaproxyPath => "/usr/sbin/haproxy";

    /// <summary>Each replica's output lines, as they arrive (replica "a" or "b").</summary>
    public event Action<string, string>? Line;

    public static async Task<ReplicaCluster> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var database = await Ferry.Testing.TestDatabase.CreateAsync(Ferry.Testing.DatabaseKind.PostgreSql);
        var directory = new TempDirectory("replicas");
        var adminToken = TokenSecret.Generate();
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["FERRY_ADMIN_TOKEN"] = adminToken,
            ["Ferry__PredictionLog__Capacity"] = BufferCapacity.ToString(CultureInfo.InvariantCulture),
        };
        var arguments = new List<string> { "--database", database.ConnectionString, "--artifact-root", ArtifactRoot(directory, env) };
        FerryServerProcess? a = null, b = null;
        ReplicaCluster? cluster = null;
        Action<string, string> relay = (_, _) => { };
        try
        {
            // A migrates the database first; B starts on it.
            a = await FerryServerProcess.StartAsync(directory.Combine("a"), new Dictionary<string, string>(env) { ["Ferry__Cluster__ReplicaId"] = "a" }, arguments, line => relay("a", line));
            b = await FerryServerProcess.StartAsync(directory.Combine("b"), new Dictionary<string, string>(env) { ["Ferry__Cluster__ReplicaId"] = "b" }, arguments, line => relay("b", line));
            var port = FreePort.Next();
            var config = directory.Combine("haproxy.cfg");
            await File.WriteAllTextAsync(config, Config(port, a.Url, b.Url));
            var haproxy = Process.Start(new ProcessStartInfo(HaproxyPath, ["-W", "-db", "-f", config])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            cluster = new ReplicaCluster(database, directory, adminToken, a, b, haproxy, new Uri($"http://127.0.0.1:{port}"));
            relay = cluster.OnReplicaLine;
            await cluster.WaitForHaproxyAsync();
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            else
            {
                b?.Dispose();
                a?.Dispose();
                await database.DisposeAsync();
                directory.Dispose();
            }

            throw;
        }
    }

    /// <summary>A client with the admin token: through the balancer unless <paramref name="replica"/> names one.</summary>
    public HttpClient Client(FerryServerProcess? replica = null)
    {
        var client = new HttpClient { BaseAddress = replica?.Url ?? Balancer, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        _clients.Add(client);
        return client;
    }

    /// <summary>Completes when <paramref name="replica"/> ("a" or "b") writes a line matching <paramref name="match"/> from now on.</summary>
    public Task WhenLineAsync(string replica, Func<string, bool> match)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((replica, match, done));
        }

        return done.Task;
    }

    /// <summary>Completes when HAProxy says a server is down (<c>replicas/a</c> or <c>replicas/b</c>), from its start.</summary>
    public Task WhenDownAsync(string replica) => WhenHaproxyAsync($"Server replicas/{replica} is DOWN");

    /// <summary>The ids of the endpoint's predictions stored in the database.</summary>
    public async Task<HashSet<Guid>> StoredIdsAsync(string endpoint)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM predictions WHERE endpoint_name = $1", connection) { Parameters = { new() { Value = endpoint } } };
        var ids = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Whether Quartz's clustered job store is in this database (issue 21 item 2).</summary>
    public async Task<bool> HasClusteredSchedulerAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE lower(table_name) LIKE '%qrtz_locks'", connection);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        try
        {
            if (!_haproxy.HasExited)
            {
                _haproxy.Kill(entireProcessTree: true);
                await _haproxy.WaitForExitAsync(new CancellationTokenSource(Patience).Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _haproxy.Dispose();
        B.Dispose();
        A.Dispose();
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    // The one line that switches the store: the S3-compatible server when eng/s3.sh started one, else a shared directory.
    private static string ArtifactRoot(TempDirectory directory, Dictionary<string, string> env)
    {
        // CI runs the replicas on the S3 server (.ci/run starts it); locally a shared directory stands in when it is absent.
        if (Ferry.Testing.TestDatabase.InCi)
        {
            Ferry.Testing.TestS3.EnsureAvailable();
        }

        if (Environment.GetEnvironmentVariable("FERRY_TEST_S3_ENDPOINT") is { Length: > 0 } endpoint)
        {
            env["AWS_ENDPOINT_URL_S3"] = endpoint;
            return $"s3://{Environment.GetEnvironmentVariable("FERRY_TEST_S3_BUCKET")}/replicas-{Guid.NewGuid():N}";
        }

        return new Uri(directory.Combine("artifacts") + "/").AbsoluteUri;
    }

    private static string Config(int port, Uri a, Uri b) => $"""
        global
          maxconn 2000
        defaults
          mode http
          timeout connect 2s
          timeout client 30s
          timeout server 30s
          timeout check 3s
          retries 3
          option redispatch
        frontend ferry
          bind 127.0.0.1:{port}
          default_backend replicas
        backend replicas
          balance roundrobin
          option httpchk GET /readyz
          http-check expect status 200
          default-server inter 300ms fall 3 rise 1
          server a 127.0.0.1:{a.Port} check
          server b 127.0.0.1:{b.Port} check

        """;

    private async Task WaitForHaproxyAsync()
    {
        var ready = WhenHaproxyAsync("Loading success.");
        _haproxy.ErrorDataReceived += (_, e) => OnHaproxyLine(e.Data);
        _haproxy.OutputDataReceived += (_, e) => OnHaproxyLine(e.Data);
        _haproxy.BeginErrorReadLine();
        _haproxy.BeginOutputReadLine();
        using var timeout = new CancellationTokenSource(Patience);
        var exited = _haproxy.WaitForExitAsync(timeout.Token);
        if (await Task.WhenAny(ready, exited) != ready)
        {
            throw new InvalidOperationException($"haproxy did not start (exited, or not within {Patience.TotalSeconds} s):\n{string.Join('\n', HaproxyLines())}");
        }
    }

    private Task WhenHaproxyAsync(string text)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_haproxyLines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                done.SetResult();
            }
            else
            {
                _waiters.Add(("haproxy", l => l.Contains(text, StringComparison.Ordinal), done));
            }
        }

        return done.Task;
    }

    private List<string> HaproxyLines()
    {
        lock (_gate)
        {
            return [.. _haproxyLines];
        }
    }

    private void OnHaproxyLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _haproxyLines.Add(line);
        }

        Notify("haproxy", line);
    }

    private void OnReplicaLine(string replica, string line)
    {
        Line?.Invoke(replica, line);
        Notify(replica, line);
    }

    private void Notify(string source, string line)
    {
        List<TaskCompletionSource> done = [];
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Replica == source && _waiters[i].Match(line))
                {
                    done.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in done)
        {
            waiter.TrySetResult();
        }
    }
}
