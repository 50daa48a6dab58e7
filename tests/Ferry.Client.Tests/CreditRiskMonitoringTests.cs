using System.Text.Json;
using CreditRisk.Data;
using CreditRisk.Training;
using Ferry.Client.Serving;
using Ferry.Core.Monitoring;
using Ferry.Server.Monitoring;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Client.Tests;

/// <summary>
/// Monitoring end to end on the credit-risk sample: a real ML.NET model served by a real server, a reference computed
/// from training rows with labels, baseline and shifted traffic with late ground truth, monitors run on demand, alerts
/// posted to a loopback webhook that fails twice before accepting.
/// </summary>
public sealed class CreditRiskMonitoringTests : IAsyncLifetime
{
    private FerryTestServer _server = null!;
    private FerryClient _client = null!;
    private string _model = null!;
    private int _version;

    public async Task InitializeAsync()
    {
        _server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, services: services => services.Configure<Ferry.Server.Monitoring.AlertDeliveryOptions>(options =>
        {
            options.FirstRetryDelay = TimeSpan.FromMilliseconds(50);
            options.MaxAttempts = 4;
        }));
        _client = new FerryClient(_server.Address, _server.AdminToken);
        using var work = new TempDirectory("credit-monitoring");
        var trained = await CreditRiskTrainer.TrainAsync(_client, new TrainingOptions { Rows = 4_000, Trees = 30, ModelName = "credit-monitored", Experiment = "monitoring", WorkDirectory = work.Path });
        _model = trained.ModelName;
        _version = int.Parse(trained.Version, System.Globalization.CultureInfo.InvariantCulture);
        var fromTraining = await _client.Monitoring.GetReferenceAsync(_model, _version);
        Assert.StartsWith("holdout of run " + trained.RunId, fromTraining.Source, StringComparison.Ordinal);
        Assert.Equal(800, fromTraining.Rows); // 20% of 4,000
        Assert.True(fromTraining.Calibrated);

        // A larger reference replaces it (any sample of the training population will do).
        var reference = CreditRiskGenerator.Generate(3_000, PopulationOptions.Baseline(seed: 7));
        var view = await _client.Monitoring.SetReferenceAsync(_model, _version, [.. reference.Select(r => r.ToRecord())], [.. reference.Select(r => (string?)r.OutcomeLabel)], source: "baseline seed 7");
        Assert.True(view.Calibrated);
        Assert.Equal("true", view.PositiveLabel);
        Assert.Equal(3_000, view.Rows);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task BaselineTraffic_Passes_AndCbpeBracketsRealizedAccuracyAndAuc()
    {
        await DeployAsync("credit-baseline");
        await _client.Monitoring.SaveMonitorAsync("baseline", "credit-baseline", new MonitorSpec
        {
            Performance = new PerformanceCheckSpec { Metric = "accuracy", Min = 0.6 },
        });
        await ServeAsync("credit-baseline", CreditRiskGenerator.Generate(2_000, PopulationOptions.Baseline(seed: 11)));

        var report = await _client.Monitoring.RunMonitorAsync("baseline");

        var body = report.Report!;
        Assert.Equal(2_000, body.Rows);
        Assert.False(body.Drift!.Features.Drifted);
        Assert.Empty(body.Drift.Features.Columns.Where(c => c.Drifted).Select(c => c.Column));
        Assert.Equal(12, body.Drift.Features.Columns.Count);
        var realized = body.Performance!.Classification!;
        Assert.Equal(2_000, body.Performance.LabelledRows);
        var estimated = body.Estimated!;
        Assert.InRange(realized.Accuracy, estimated.Accuracy.Lower, estimated.Accuracy.Upper);
        Assert.InRange(realized.RocAuc, estimated.RocAuc.Lower, estimated.RocAuc.Upper);
        Assert.Equal(ReportStatus.Passed, report.Status);
        Assert.Empty(await _client.Monitoring.ListAlertsAsync(monitor: "baseline"));
    }

    [Fact]
    public async Task ShiftedTraffic_FlagsExactlyTheShiftedFeatures_AndAlertReachesFailingWebhookAfterRetries()
    {
        using var receiver = new WebhookReceiver(failures: 2);
        await _client.Monitoring.AddWebhookAsync("ops", receiver.Url);
        await DeployAsync("credit-shifted");
        await _client.Monitoring.SaveMonitorAsync("shifted", "credit-shifted", new MonitorSpec { Quality = null });
        var shock = new PopulationOptions { Seed = 13, IncomeFactor = 0.7, NewPurposeShare = 0.25 };
        await ServeAsync("credit-shifted", CreditRiskGenerator.Generate(2_000, shock), feedback: false);

        var report = await _client.Monitoring.RunMonitorAsync("shifted");

        var drifted = report.Report!.Drift!.Features.Columns.Where(c => c.Drifted).Select(c => c.Column).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["debt_to_income", "income", "purpose"], drifted);
        Assert.Equal(ReportStatus.Failed, report.Status);
        var alerts = await _client.Monitoring.ListAlertsAsync(status: "open", monitor: "shifted");
        var featureAlerts = alerts.Select(a => a.Check).Where(c => c.StartsWith("drift:", StringComparison.Ordinal) && c is not "drift:dataset" and not "drift:prediction");
        Assert.Equal(["drift:debt_to_income", "drift:income", "drift:purpose"], featureAlerts.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(alerts, a => a.Check == "drift:dataset");
        var income = alerts.Single(a => a.Check == "drift:income");

        // Alert events are posted one after another: once an event queued after the run's has arrived, every attempt
        // for the run's alerts has been made and recorded (a signal, bounded; no polling).
        var sentinel = Sentinel();
        _server.Services.GetRequiredService<AlertDelivery>().Enqueue([new AlertChange(sentinel, "opened")]);
        await receiver.ReceivedAsync(body => JsonDocument.Parse(body).RootElement.GetProperty("alert").GetProperty("id").GetGuid() == sentinel.Id)
            .WaitAsync(TimeSpan.FromSeconds(60));
        var deliveries = await _client.Monitoring.ListDeliveriesAsync(income.Id);
        var ordered = deliveries.OrderBy(d => d.Attempt).ToList();
        Assert.Equal([1, 2, 3], ordered.Select(d => d.Attempt));
        Assert.Equal([false, false, true], ordered.Select(d => d.Succeeded));
        Assert.Equal(500, ordered[0].StatusCode);
        Assert.All(ordered, d => Assert.Equal("opened", d.Event));
        Assert.Contains(receiver.Accepted, body => JsonDocument.Parse(body).RootElement.GetProperty("alert").GetProperty("check").GetString() == "drift:income"
            && JsonDocument.Parse(body).RootElement.GetProperty("text").GetString()!.Contains("income", StringComparison.Ordinal));

        // A second failing run keeps the alert open (deduplicated); raising income's threshold makes the check pass and resolves it.
        var again = await _client.Monitoring.RunMonitorAsync("shifted");
        Assert.Equal(ReportStatus.Failed, again.Status);
        var still = (await _client.Monitoring.ListAlertsAsync(monitor: "shifted")).Where(a => a.Check == "drift:income").ToList();
        Assert.Single(still);
        Assert.Equal(2, still[0].Occurrences);
        await _client.Monitoring.SaveMonitorAsync("shifted", "credit-shifted", new MonitorSpec
        {
            Quality = null,
            Drift = new DriftCheckSpec { Columns = new Dictionary<string, ColumnDriftSpec> { ["income"] = new(Threshold: 100) } },
        });
        await _client.Monitoring.RunMonitorAsync("shifted");
        var resolved = (await _client.Monitoring.ListAlertsAsync(monitor: "shifted")).Single(a => a.Check == "drift:income");
        Assert.Equal("resolved", resolved.Status);
        Assert.NotNull(resolved.ResolvedAt);
    }

    private async Task DeployAsync(string endpoint) =>
        await _client.Endpoints.DeployAsync(endpoint, new DeployRequest([new DeployRoute(_model, _version, Weight: 100)]));

    private async Task ServeAsync(string endpoint, IReadOnlyList<LoanApplication> rows, bool feedback = true)
    {
        foreach (var chunk in rows.Chunk(500))
        {
            var predictions = await _client.Predictions.PredictAsync(endpoint, [.. chunk.Select(r => r.ToRecord())]);
            if (feedback)
            {
                // Right after the predictions: the server waits for its prediction log to write them before checking the ids.
                Assert.Equal(chunk.Length, await _client.Predictions.SendFeedbackAsync(endpoint, [.. predictions.Select((p, i) => new Feedback(p.Id, chunk[i].OutcomeLabel))]));
            }
        }
    }

    // An alert of no monitor, only queued for delivery (never stored): its arrival marks the end of what was queued before.
    private static Alert Sentinel() => new()
    {
        Id = Guid.CreateVersion7(),
        MonitorName = "sentinel",
        EndpointName = "sentinel",
        CheckKey = "sentinel",
        Status = AlertStatus.Open,
        Message = "sentinel",
        Occurrences = 1,
    };
}
