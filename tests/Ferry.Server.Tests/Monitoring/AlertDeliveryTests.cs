using System.Net;
using Ferry.Core.Monitoring;
using Ferry.Server.Monitoring;
using Ferry.Storage.Monitoring;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Ferry.Server.Tests.Monitoring;

/// <summary>Webhook retries on a <see cref="TestClock"/>: the first retry after the first retry delay, each later one after twice the last.</summary>
public sealed class AlertDeliveryTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    [SkippableFact]
    public async Task FailingWebhook_IsRetriedAfterTheRetryDelay_ThenAfterTwiceIt_AndEveryAttemptIsRecorded()
    {
        var clock = new TestClock();
        var start = clock.GetUtcNow();
        var tick = TimeSpan.FromTicks(1);
        using var receiver = new FailingReceiver(failures: 2);
        var options = new AlertDeliveryOptions { MaxAttempts = 3, FirstRetryDelay = RetryDelay, UseJitter = false, AttemptTimeout = TimeSpan.FromMinutes(1) };
        var delivery = new AlertDelivery(fixture.Server.Services.GetRequiredService<IServiceScopeFactory>(), new Clients(receiver), Microsoft.Extensions.Options.Options.Create(options), clock, NullLogger<AlertDelivery>.Instance, []);
        var alert = new Alert
        {
            Id = Guid.CreateVersion7(),
            MonitorName = "credit",
            EndpointName = "credit",
            CheckKey = "drift:income",
            Status = AlertStatus.Open,
            Message = "income drifted",
            OpenedAt = start.ToUnixTimeMilliseconds(),
            LastSeenAt = start.ToUnixTimeMilliseconds(),
            Occurrences = 1,
        };
        var webhook = new AlertWebhook { Id = Guid.NewGuid(), Name = $"ops-{Guid.NewGuid():N}", Url = "http://receiver.test/hook" };

        var delivering = delivery.DeliverAsync(webhook, new AlertChange(alert, "opened"), CancellationToken.None);

        // Attempt 1 fails; the retry waits the retry delay on the clock.
        await clock.WaitForTimerAsync(RetryDelay);
        clock.Advance(RetryDelay - tick);
        Assert.Equal(1, receiver.Attempts);

        // Attempt 2 fails as the delay is up; the next wait is twice as long.
        clock.Advance(tick);
        await clock.WaitForTimerAsync(RetryDelay * 2);
        Assert.Equal(2, receiver.Attempts);
        clock.Advance(RetryDelay * 2 - tick);
        Assert.Equal(2, receiver.Attempts);

        clock.Advance(tick);
        Assert.True(await delivering.WaitAsync(TestClock.Bound));
        Assert.Equal(3, receiver.Attempts);

        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var recorded = (await scope.ServiceProvider.GetRequiredService<MonitoringStore>().ListDeliveriesAsync(alert.Id, 10)).OrderBy(d => d.Attempt).ToList();
        Assert.Equal([1, 2, 3], recorded.Select(d => d.Attempt));
        Assert.Equal([false, false, true], recorded.Select(d => d.Succeeded));
        var at = start.ToUnixTimeMilliseconds();
        Assert.Equal([at, at + 2_000, at + 6_000], recorded.Select(d => d.At));
    }

    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    // Answers 500 to the first `failures` posts, then 200.
    private sealed class FailingReceiver(int failures) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            return Task.FromResult(new HttpResponseMessage(attempt <= failures ? HttpStatusCode.InternalServerError : HttpStatusCode.OK));
        }
    }
}
