using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ferry.Client.Tests;

/// <summary>A webhook receiver on loopback: answers 500 to the first <c>failures</c> posts, then 200, and keeps every body.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private readonly List<string> _answered = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Signal)> _waiters = [];
    private int _failuresLeft;

    public WebhookReceiver(int failures)
    {
        _failuresLeft = failures;
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/hooks/ferry/secret-path");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    /// <summary>Every body received, failed or accepted, in order.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>Bodies answered 200.</summary>
    public ConcurrentQueue<string> Accepted { get; } = new();

    /// <summary>Completes once a body matching <paramref name="match"/> has been received and answered.</summary>
    public Task ReceivedAsync(Func<string, bool> match)
    {
        lock (_gate)
        {
            if (_answered.Any(match))
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, signal));
            return signal.Task;
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Bodies.Enqueue(body);
            var fail = Interlocked.Decrement(ref _failuresLeft) >= 0;
            if (!fail)
            {
                Accepted.Enqueue(body);
            }

            context.Response.StatusCode = fail ? 500 : 200;
            context.Response.Close();
            lock (_gate)
            {
                _answered.Add(body);
                foreach (var waiter in _waiters.Where(w => w.Match(body)).ToList())
                {
                    waiter.Signal.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
