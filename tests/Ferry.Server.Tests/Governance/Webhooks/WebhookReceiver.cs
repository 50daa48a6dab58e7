using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Ferry.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Tests.Governance.Webhooks;

/// <summary>One request the receiver got, and whether its signature verified with the receiver's secret.</summary>
internal sealed record ReceivedWebhook(string? DeliveryId, string? Timestamp, string? Signature, string Body, bool SignatureValid, int Answered);

/// <summary>
/// A webhook receiver written from MLflow's documentation (a real Kestrel app on 127.0.0.1): it recomputes
/// <c>v1,base64(HMAC-SHA256(secret, "{X-MLflow-Delivery-Id}.{X-MLflow-Timestamp}.{body}"))</c> and compares it with
/// <c>X-MLflow-Signature</c> in constant time. It answers 503 to the first <c>failures</c> requests, then 200.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly string _secret;
    private int _failuresLeft;
    private int _requests;

    private WebhookReceiver(string secret, int failures)
    {
        _secret = secret;
        _failuresLeft = failures;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hook", (Delegate)ReceiveAsync);
    }

    /// <summary>The URL to register.</summary>
    public string Url { get; private set; } = string.Empty;

    public static async Task<WebhookReceiver> StartAsync(string secret, int failures = 0)
    {
        var receiver = new WebhookReceiver(secret, failures);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>The next request received (fails after <see cref="TestClock.Bound"/> of real time).</summary>
    public async Task<ReceivedWebhook> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(TestClock.Bound);

    /// <summary>When set, the first request is received (and readable) but not answered until this task completes.</summary>
    public Task? HoldFirstAnswer { get; set; }

    /// <summary>Whether a request is waiting to be read.</summary>
    public bool HasMore => _received.Reader.TryPeek(out _);

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var id = context.Request.Headers["X-MLflow-Delivery-Id"].ToString();
        var timestamp = context.Request.Headers["X-MLflow-Timestamp"].ToString();
        var signature = context.Request.Headers["X-MLflow-Signature"].ToString();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        var valid = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(signature));
        var status = Interlocked.Decrement(ref _failuresLeft) >= 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        _received.Writer.TryWrite(new ReceivedWebhook(NullIfEmpty(id), NullIfEmpty(timestamp), NullIfEmpty(signature), body, valid, status));
        if (Interlocked.Increment(ref _requests) == 1 && HoldFirstAnswer is { } hold)
        {
            await hold.WaitAsync(TestClock.Bound);
        }

        return Results.Text(status == StatusCodes.Status200OK ? "received" : "try later", statusCode: status);
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
