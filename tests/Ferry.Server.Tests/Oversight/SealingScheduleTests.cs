using System.Net;
using System.Net.Http.Json;
using Ferry.Core.Audit;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;
using Ferry.Server.Oversight;
using Ferry.Server.Scheduling;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Governance;
using Ferry.Server.Tests.Mlflow.Registry;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>
/// When sealing happens (hourly on the clock, at shutdown after the log drained) and the retention floor: refused
/// settings, and the retention service keeping a high-risk endpoint's predictions while expiring whole sealed stretches.
/// </summary>
public abstract class SealingScheduleTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task SealingService_SealsEachCompletedHourOnceItsGraceHasPassed_OnTheClock()
    {
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        var clock = new TestClock(); // 12:00 UTC
        // The service's own loop on the clock: on PostgreSQL the same pass otherwise runs as a clustered Quartz job
        // (Scheduling/ClusteredSchedulingTests), so this test keeps the loop there too.
        await using var server = await FerryTestServer.StartAsync(fixture.Kind, clock: clock, services: s => s.Configure<SchedulerOptions>(o => o.ClusteredTicks = false));
        var endpoint = await ServingTestKit.DeployModelAsync(server, "credit_pipeline.onnx");
        var start = clock.GetUtcNow();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var rows = new[]
            {
                PredictionLogBufferTests.Record(endpoint, start.AddMinutes(-50)),
                PredictionLogBufferTests.Record(endpoint, start.AddMinutes(-10)),
                PredictionLogBufferTests.Record(endpoint, start.AddSeconds(30)),
            };
            await scope.ServiceProvider.GetRequiredService<IPredictionStore>().InsertBatchAsync(rows, skipExisting: false);
        }

        // 12:01:15, the first pass: 11:00-12:00 is not sealed before 12:02 (the grace). The next pass waits until then.
        await clock.WaitForTimerAsync(SealingService.StartDelay);
        clock.Advance(SealingService.StartDelay);
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(45));
        Assert.Empty(await SealsAsync(server, endpoint));

        // 12:02:30: the hour is sealed; the open hour is not. The next pass waits for 13:02.
        clock.Advance(TimeSpan.FromSeconds(75));
        await clock.WaitForTimerAsync(TimeSpan.FromMinutes(59.5));
        var seal = Assert.Single(await SealsAsync(server, endpoint));
        Assert.Equal(start.AddHours(-1).ToUnixTimeMilliseconds(), seal.From);
        Assert.Equal(start.ToUnixTimeMilliseconds(), seal.To);
        Assert.Equal(2, seal.Predictions);
        Assert.Equal(SealingService.SystemActor, seal.SealedBy);
    }

    [SkippableFact]
    public async Task Shutdown_SealsTheOpenHour_AfterThePredictionLogDrained()
    {
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        var server = await FerryTestServer.StartAsync(fixture.Kind, services: services => services.Configure<PredictionLogOptions>(o =>
        {
            o.BatchSize = 1000;
            o.FlushInterval = TimeSpan.FromSeconds(30);
        }));
        await using (server)
        {
            var endpoint = await ServingTestKit.DeployModelAsync(server, "credit_pipeline.onnx");
            var log = server.Services.GetRequiredService<PredictionLog>();
            var records = PredictionLogBufferTests.Records(40, endpoint, server.Clock.GetUtcNow().AddSeconds(-1));
            Assert.True(await log.TryEnqueueAsync(records));

            // Still buffered (the batch waits 30 s to fill): only a drain before the seal gets them into it.
            await server.StopAsync();
            await using var db = server.Database.CreateContext();
            Assert.Equal(40, await db.Predictions.CountAsync(p => p.EndpointName == endpoint));
            var seals = await db.PredictionSeals.Where(s => s.EndpointName == endpoint).ToListAsync();
            Assert.Equal(40, seals.Sum(s => s.Predictions));
            Assert.All(seals, s => Assert.Equal(SealingService.SystemActor, s.SealedBy));
            Assert.Equal(seals.Count, await db.AuditEvents.CountAsync(e => e.Action == "predictions.seal" && e.Target == "endpoint/" + endpoint));
        }
    }

    [SkippableFact]
    public async Task Retention_BelowAHighRiskModelsFloor_IsRefusedNamingModelTierAndFloor()
    {
        var (endpoint, model) = await HighRiskEndpointAsync();
        var admin = Server.CreateAdminClient();
        using (var refused = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/retention", new { days = 30 }))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains(model, detail, StringComparison.Ordinal);
            Assert.Contains("high", detail, StringComparison.Ordinal);
            Assert.Contains("183", detail, StringComparison.Ordinal);
        }

        using (var accepted = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/retention", new { days = 200 }))
        {
            var view = await accepted.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal(200, view.GetProperty("days").GetInt32());
            Assert.Equal(183, view.GetProperty("floorDays").GetInt32());
        }

        // A scientist may not change retention at all.
        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Ferry.Core.Identity.Role.Scientist));
        using (var forbidden = await scientist.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/retention", new { days = 365 }))
        {
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        await using var scope = Server.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery { Action = "endpoint.retention", Target = $"endpoint/{endpoint}" });
        Assert.Single(events);
        Assert.Equal(200, (await scope.ServiceProvider.GetRequiredService<IEndpointOversightStore>().GetAsync(endpoint))!.RetentionDays);
    }

    [SkippableFact]
    public async Task RetentionService_KeepsAHighRiskEndpointsFloor_AndExpiresWholeSealedStretches()
    {
        var (highRisk, _) = await HighRiskEndpointAsync();
        var lowRisk = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var now = Server.Clock.GetUtcNow();
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
            foreach (var endpoint in new[] { highRisk, lowRisk })
            {
                await store.InsertBatchAsync(PredictionLogBufferTests.Records(3, endpoint, now.AddDays(-200)), skipExisting: false);
                await store.InsertBatchAsync(PredictionLogBufferTests.Records(2, endpoint, now.AddDays(-100)), skipExisting: false);
            }

            var seals = scope.ServiceProvider.GetRequiredService<IPredictionSealStore>();
            await seals.SealAsync(highRisk, now.AddDays(-1).ToUnixTimeMilliseconds(), "test");
            await seals.SealAsync(lowRisk, now.AddDays(-1).ToUnixTimeMilliseconds(), "test");
        }

        // The server keeps 30 days; the high-risk endpoint's floor is 183 days.
        await Server.Services.GetRequiredService<RetentionService>().RunOnceAsync(now);
        await using (var db = Server.Database.CreateContext())
        {
            Assert.Equal(2, await db.Predictions.CountAsync(p => p.EndpointName == highRisk));
            Assert.Equal(0, await db.Predictions.CountAsync(p => p.EndpointName == lowRisk));
            Assert.Equal(1, await db.PredictionSeals.CountAsync(s => s.EndpointName == highRisk));
            Assert.Equal(0, await db.PredictionSeals.CountAsync(s => s.EndpointName == lowRisk));
            var expiry = await db.AuditEvents.SingleAsync(e => e.Action == "predictions.expire" && e.Target == "endpoint/" + highRisk);
            Assert.Contains("\"predictions\":3", expiry.Summary, StringComparison.Ordinal);
        }

        // Lawfully expired seals do not fail verification.
        var admin = Server.CreateAdminClient();
        foreach (var endpoint in new[] { highRisk, lowRisk })
        {
            var verification = await SealingTests<TFixture>.VerifyAsync(admin, endpoint);
            Assert.True(verification.GetProperty("valid").GetBoolean(), verification.ToString());
        }
    }

    // An endpoint serving a model whose policy is then set to the high tier (floor 183 days).
    private async Task<(string Endpoint, string Model)> HighRiskEndpointAsync()
    {
        var model = RegistryTestKit.UniqueName("credit");
        var version = await GovernanceTestKit.RegisterCreditAsync(Server, model, "gbc_pipeline.onnx");
        var endpoint = RegistryTestKit.UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        using var policy = await Server.CreateAdminClient().PutAsJsonAsync($"/api/v1/models/{model}/policy", new { tier = "high" });
        var view = await policy.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(183, view.GetProperty("retentionFloorDays").GetInt32());
        return (endpoint, model);
    }

    private static async Task<List<PredictionSeal>> SealsAsync(FerryTestServer server, string endpoint)
    {
        await using var db = server.Database.CreateContext();
        return await db.PredictionSeals.Where(s => s.EndpointName == endpoint).OrderBy(s => s.From).ToListAsync();
    }
}

public sealed class SqliteSealingScheduleTests(SqliteServerFixture fixture) : SealingScheduleTests<SqliteServerFixture>(fixture);

public sealed class PostgresSealingScheduleTests(PostgresServerFixture fixture) : SealingScheduleTests<PostgresServerFixture>(fixture);
