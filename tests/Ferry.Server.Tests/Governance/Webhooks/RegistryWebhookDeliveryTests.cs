using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Server.Governance.Webhooks;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Governance.Webhooks;

/// <summary>
/// Registry events reach a real receiver signed as MLflow signs them, with MLflow's payloads; the secret is stored only
/// encrypted; a failing receiver is retried on the clock with doubling waits, and every attempt is recorded.
/// </summary>
public abstract class RegistryWebhookDeliveryTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private const string Secret = "receiver-secret-0123456789";

    [SkippableFact]
    public async Task RegistryChanges_ReachTheReceiver_SignedWithMlflowPayloads_AndTheSecretIsNotStoredInClear()
    {
        var server = fixture.Server;
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        var admin = server.CreateAdminClient();
        var created = await SendAsync(admin, HttpMethod.Post, "webhooks", new
        {
            name = $"hooks-{Guid.NewGuid():N}"[..30],
            url = receiver.Url,
            events = new[]
            {
                new { entity = "REGISTERED_MODEL", action = "CREATED" },
                new { entity = "MODEL_VERSION", action = "CREATED" },
                new { entity = "MODEL_VERSION_ALIAS", action = "CREATED" },
                new { entity = "MODEL_VERSION_ALIAS", action = "DELETED" },
            },
            secret = Secret,
        }).OkAsync();
        var webhookId = created.GetProperty("webhook").GetProperty("webhook_id").GetString()!;
        Assert.False(created.GetRawText().Contains(Secret, StringComparison.Ordinal));

        var name = UniqueName("credit");
        await SendAsync(admin, HttpMethod.Post, "registered-models/create", new { name, tags = new[] { new { key = "team", value = "risk" } } }).OkAsync();
        await CreateVersionAsync(admin, name, "s3://bucket/credit");
        await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name, alias = "challenger", version = "1" }).OkAsync();
        await SendAsync(admin, HttpMethod.Delete, "registered-models/alias", new { name, alias = "challenger" }).OkAsync();

        var received = new List<ReceivedWebhook>();
        for (var i = 0; i < 4; i++)
        {
            received.Add(await receiver.NextAsync());
        }

        Assert.All(received, r => Assert.True(r.SignatureValid, $"signature {r.Signature} does not verify for {r.DeliveryId}.{r.Timestamp}.{r.Body}"));
        Assert.All(received, r => Assert.True(long.TryParse(r.Timestamp, out _), r.Timestamp));
        Assert.Equal(4, received.Select(r => r.DeliveryId).Distinct().Count());
        var bodies = received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(
            ["registered_model.created", "model_version.created", "model_version_alias.created", "model_version_alias.deleted"],
            bodies.Select(b => $"{b.GetProperty("entity").GetString()}.{b.GetProperty("action").GetString()}"));
        Assert.All(bodies, b => Assert.True(DateTimeOffset.TryParse(b.GetProperty("timestamp").GetString(), out _)));
        Assert.Equal($$$"""{"name":"{{{name}}}","description":null,"tags":{"team":"risk"}}""", bodies[0].GetProperty("data").GetRawText());
        Assert.Equal($$$"""{"name":"{{{name}}}","version":"1","source":"s3://bucket/credit","run_id":null,"description":null,"tags":{}}""", bodies[1].GetProperty("data").GetRawText());
        Assert.Equal($$$"""{"name":"{{{name}}}","version":"1","alias":"challenger"}""", bodies[2].GetProperty("data").GetRawText());
        Assert.Equal($$$"""{"name":"{{{name}}}","alias":"challenger"}""", bodies[3].GetProperty("data").GetRawText());

        // The secret is only ciphertext in the database: every column of every row, read with raw SQL.
        await using var db = server.Database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var cells = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT * FROM registry_webhooks";
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                for (var c = 0; c < rows.FieldCount; c++)
                {
                    cells.Add(rows.IsDBNull(c) ? string.Empty : Convert.ToString(rows.GetValue(c), System.Globalization.CultureInfo.InvariantCulture)!);
                }
            }
        }

        Assert.Contains(cells, cell => cell == webhookId);
        Assert.DoesNotContain(cells, cell => cell.Contains(Secret, StringComparison.Ordinal));
        var stored = await db.RegistryWebhooks.AsNoTracking().SingleAsync(w => w.Id == webhookId);
        Assert.NotNull(stored.ProtectedSecret);
        Assert.Equal(Secret, server.Services.GetRequiredService<WebhookSecrets>().Unprotect(stored.ProtectedSecret));

        await SendAsync(admin, HttpMethod.Delete, $"webhooks/{webhookId}").OkAsync();
    }

    [SkippableFact]
    public async Task EventsThatFallDueTogether_ReachOneWebhook_InTheOrderTheyHappened()
    {
        var server = fixture.Server;
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.HoldFirstAnswer = release.Task;
        var admin = server.CreateAdminClient();
        var created = await SendAsync(admin, HttpMethod.Post, "webhooks", new
        {
            name = $"order-{Guid.NewGuid():N}"[..30],
            url = receiver.Url,
            events = new[]
            {
                new { entity = "REGISTERED_MODEL", action = "CREATED" },
                new { entity = "MODEL_VERSION_ALIAS", action = "CREATED" },
                new { entity = "MODEL_VERSION_ALIAS", action = "DELETED" },
            },
            secret = Secret,
        }).OkAsync();
        var webhookId = created.GetProperty("webhook").GetProperty("webhook_id").GetString()!;

        // The receiver holds its answer to the first event, so the alias events below are all due when it answers and
        // are read in one pass of the deliverer.
        var name = UniqueName("ordered");
        await SendAsync(admin, HttpMethod.Post, "registered-models/create", new { name }).OkAsync();
        var first = await receiver.NextAsync();
        await CreateVersionAsync(admin, name, "s3://bucket/ordered");
        var expected = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name, alias = $"a{i}", version = "1" }).OkAsync();
            await SendAsync(admin, HttpMethod.Delete, "registered-models/alias", new { name, alias = $"a{i}" }).OkAsync();
            expected.Add($"created a{i}");
            expected.Add($"deleted a{i}");
        }

        release.SetResult();
        var received = new List<string>();
        for (var i = 0; i < expected.Count; i++)
        {
            var body = JsonDocument.Parse((await receiver.NextAsync()).Body).RootElement;
            received.Add($"{body.GetProperty("action").GetString()} {body.GetProperty("data").GetProperty("alias").GetString()}");
        }

        Assert.Contains("registered_model", first.Body, StringComparison.Ordinal);
        Assert.Equal(expected, received);
        await SendAsync(admin, HttpMethod.Delete, $"webhooks/{webhookId}").OkAsync();
    }
}

public sealed class SqliteRegistryWebhookDeliveryTests(SqliteServerFixture fixture) : RegistryWebhookDeliveryTests<SqliteServerFixture>(fixture);

public sealed class PostgresRegistryWebhookDeliveryTests(PostgresServerFixture fixture) : RegistryWebhookDeliveryTests<PostgresServerFixture>(fixture);

/// <summary>Retries on a <see cref="TestClock"/>: the second try after the first retry delay, the third after twice it.</summary>
public sealed class RegistryWebhookRetryTests
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(7);

    [Fact]
    public async Task FailingReceiver_IsRetriedAfterTheDelay_ThenAfterTwiceIt_AndEveryAttemptIsRecorded()
    {
        var clock = new TestClock();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, clock: clock, services: services =>
            services.Configure<RegistryWebhookOptions>(o =>
            {
                o.FirstRetryDelay = RetryDelay;
                o.MaxAttempts = 4;
                o.PollInterval = TimeSpan.FromHours(3);
                o.AttemptTimeout = TimeSpan.FromMinutes(2);
            }));
        await using var receiver = await WebhookReceiver.StartAsync(Secret, failures: 2);
        var admin = server.CreateAdminClient();
        using var create = await admin.PostAsJsonAsync("/api/v1/governance/webhooks", new
        {
            name = "stage-hook",
            url = receiver.Url,
            events = new[] { "model_version.stage_changed" },
            secret = Secret,
        });
        var webhook = await create.AssertJsonAsync(HttpStatusCode.Created);
        Assert.False(webhook.TryGetProperty("secret", out _));
        var id = webhook.GetProperty("id").GetString();

        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, "s3://bucket/m");
        var start = clock.GetUtcNow().ToUnixTimeSeconds();
        await SendAsync(admin, HttpMethod.Post, "model-versions/transition-stage", new { name, version = "1", stage = "Staging" }).OkAsync();

        var first = await receiver.NextAsync();
        Assert.Equal(503, first.Answered);
        await clock.WaitForTimerAsync(RetryDelay);
        Assert.False(receiver.HasMore);
        clock.Advance(RetryDelay);
        var second = await receiver.NextAsync();
        Assert.Equal(503, second.Answered);
        await clock.WaitForTimerAsync(RetryDelay * 2);
        clock.Advance(RetryDelay * 2);
        var third = await receiver.NextAsync();
        Assert.Equal(200, third.Answered);

        // One delivery (one id) signed afresh at each attempt, at the retry times.
        ReceivedWebhook[] all = [first, second, third];
        Assert.All(all, r => Assert.True(r.SignatureValid));
        Assert.Single(all.Select(r => r.DeliveryId).Distinct());
        Assert.Equal([start, start + 7, start + 21], all.Select(r => long.Parse(r.Timestamp!, System.Globalization.CultureInfo.InvariantCulture)));
        using var body = JsonDocument.Parse(third.Body);
        Assert.Equal("model_version", body.RootElement.GetProperty("entity").GetString());
        Assert.Equal("stage_changed", body.RootElement.GetProperty("action").GetString());
        Assert.Equal("Staging", body.RootElement.GetProperty("data").GetProperty("to_stage").GetString());
        Assert.Equal("admin", body.RootElement.GetProperty("data").GetProperty("actor").GetString());

        // Every attempt is recorded; the delivery is done. The deliverer records the third attempt after the receiver
        // answered, then waits the poll interval again: its second such wait (the first began at start-up) means the
        // record is written.
        await clock.WaitForTimerAsync(TimeSpan.FromHours(3));
        await clock.WaitForTimerAsync(TimeSpan.FromHours(3));
        var deliveries = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/governance/webhooks/{id}/deliveries")).GetProperty("deliveries");
        var delivery = Assert.Single(deliveries.EnumerateArray());
        Assert.Equal(first.DeliveryId, delivery.GetProperty("id").GetString());
        Assert.Equal("succeeded", delivery.GetProperty("status").GetString());
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("responseStatus").GetInt32());
        Assert.Equal([503, 503, 200], delivery.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal([false, false, true], delivery.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("succeeded").GetBoolean()));
    }

    [Fact]
    public async Task StoredPendingDelivery_NobodyWoken_IsPostedAtTheNextPoll_AsAfterARestart()
    {
        var clock = new TestClock();
        var poll = TimeSpan.FromMinutes(13);
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, clock: clock, services: services =>
            services.Configure<RegistryWebhookOptions>(o => o.PollInterval = poll));
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        var admin = server.CreateAdminClient();
        using var create = await admin.PostAsJsonAsync("/api/v1/governance/webhooks", new
        {
            name = "resume-hook",
            url = receiver.Url,
            events = new[] { "model_version.created" },
            secret = Secret,
        });
        var id = (await create.AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;

        // A delivery row as a stopped process leaves it: stored, never attempted, and no deliverer told about it.
        var deliveryId = Guid.CreateVersion7();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Ferry.Core.Governance.IRegistryWebhookStore>().AddDeliveriesAsync([new Ferry.Core.Governance.RegistryWebhookDelivery
            {
                Id = deliveryId,
                WebhookId = id,
                EventType = "model_version.created",
                Payload = """{"entity":"model_version","action":"created","data":{"name":"m","version":"3"}}""",
                CreatedAt = now,
                NextAttemptAt = now,
            }]);
        }

        await clock.WaitForTimerAsync(poll);
        Assert.False(receiver.HasMore);
        clock.Advance(poll);
        var received = await receiver.NextAsync();
        Assert.True(received.SignatureValid);
        Assert.Equal(deliveryId.ToString(), received.DeliveryId);
        Assert.Equal("""{"entity":"model_version","action":"created","data":{"name":"m","version":"3"}}""", received.Body);
    }

    private const string Secret = "retry-secret-0123456789";
}
