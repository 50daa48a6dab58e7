using System.Text.Json;
using CreditRisk.Data;
using CreditRisk.Training;
using Ferry.Client.Serving;
using Ferry.Testing;

namespace Ferry.Client.Tests;

/// <summary>
/// Explanations end to end on the credit-risk sample: the ML.NET FastTree model trained by the sample (which sends its
/// holdout as the reference), exact TreeSHAP, reason codes for a refused applicant, and the model card.
/// </summary>
public sealed class CreditRiskExplainTests : IAsyncLifetime
{
    private FerryTestServer _server = null!;
    private FerryClient _client = null!;
    private TrainingResult _trained = null!;

    public async Task InitializeAsync()
    {
        _server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        _client = new FerryClient(_server.Address, _server.AdminToken);
        using var work = new TempDirectory("credit-explain");
        _trained = await CreditRiskTrainer.TrainAsync(_client, new TrainingOptions { Rows = 6_000, Trees = 60, ModelName = "credit-explained", Experiment = "explain", WorkDirectory = work.Path });
        await _client.Endpoints.DeployAsync("credit-explain", new DeployRequest([new DeployRoute(_trained.ModelName, int.Parse(_trained.Version, System.Globalization.CultureInfo.InvariantCulture), Weight: 100)]));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task HighDebtToIncomeApplicant_IsRefused_WithDebtToIncomeAmongTheReasons()
    {
        var typical = CreditRiskGenerator.Generate(1, PopulationOptions.Baseline(seed: 99))[0];
        var applicant = typical with { DebtToIncome = 1.4f, Income = 18_000, Delinquencies = 4, CreditUtilization = 0.98f, Term = 60 };
        var rows = new[] { applicant.ToRecord(), typical.ToRecord() };

        var explanations = await _client.Predictions.ExplainAsync("credit-explain", rows, outcome: "risk");
        var predictions = await _client.Predictions.PredictAsync("credit-explain", rows);

        Assert.True(LendingPolicy.Refuses(predictions[0].Score!.Value), $"refused applicant scored {predictions[0].Score}");
        Assert.False(LendingPolicy.Refuses(predictions[1].Score!.Value), $"typical applicant scored {predictions[1].Score}");
        var refused = explanations[0];
        Assert.Equal("tree-path-dependent", refused.Method);
        Assert.Equal("log-odds", refused.Space);
        Assert.Equal(refused.Output, refused.BaseValue + refused.Attributions.Sum(a => a.Contribution), 6);
        Assert.Equal(predictions[0].Score!.Value, 1 / (1 + Math.Exp(-refused.Output)), 5);
        Assert.Equal(12, refused.Attributions.Count);
        var dti = Assert.Single(refused.ReasonCodes, r => r.Feature == "debt_to_income");
        Assert.Contains("debt_to_income 1.4 is above the typical", dti.Sentence, StringComparison.Ordinal);
        Assert.Contains("raises risk by", dti.Sentence, StringComparison.Ordinal);
        Assert.True(dti.Contribution > 0);
        foreach (var e in explanations)
        {
            Assert.Equal(e.Output, e.BaseValue + e.Attributions.Sum(a => a.Contribution), 6);
        }

        // The logged decision, asked about at once (the server waits for its prediction log): the same explanation.
        var logged = await _client.Predictions.ExplainPredictionAsync("credit-explain", predictions[0].Id, outcome: "risk");
        Assert.Equal(refused.Output, logged.Output, 9);
        Assert.Equal(refused.BaseValue, logged.BaseValue, 9);
        Assert.Equal(refused.ReasonCodes.Select(r => r.Sentence), logged.ReasonCodes.Select(r => r.Sentence));
        var missing = await Assert.ThrowsAsync<FerryApiException>(() => _client.Predictions.ExplainPredictionAsync("credit-explain", Guid.NewGuid().ToString()));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ModelCard_RendersWithImportanceAndFairness_FromTheHoldout()
    {
        var version = int.Parse(_trained.Version, System.Globalization.CultureInfo.InvariantCulture);
        await _client.Models.SetCardAsync(_trained.ModelName, version, new Core.Contracts.ModelCardFields
        {
            Owner = "Credit risk analytics",
            IntendedUse = "Scores consumer loan applications for default risk before a human decision.",
            FairnessAttribute = "region",
        });

        var card = await _client.Models.GetCardAsync(_trained.ModelName, version);

        var markdown = card.Markdown;
        Assert.Contains("Credit risk analytics", markdown, StringComparison.Ordinal);
        Assert.Contains("## Feature importance", markdown, StringComparison.Ordinal);
        Assert.Contains("## Fairness", markdown, StringComparison.Ordinal);
        Assert.Contains("debt\\_to\\_income", markdown, StringComparison.Ordinal); // Markdown-escaped in tables
        Assert.Contains("region", markdown, StringComparison.Ordinal);
        foreach (var region in Categories.Regions)
        {
            Assert.Contains(region, markdown, StringComparison.Ordinal);
        }

        Assert.Contains(_trained.RunId, markdown, StringComparison.Ordinal);
        using var http = _server.CreateAdminClient();
        var insights = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/models/{_trained.ModelName}/versions/{version}/insights")).RootElement;
        var ranked = insights.GetProperty("meanAbsoluteShap").EnumerateArray().Select(f => f.GetProperty("feature").GetString()).ToList();
        Assert.Equal(12, ranked.Count);
        Assert.Contains("debt_to_income", ranked.Take(5)); // the generator's strongest driver of default
        Assert.Equal(12, insights.GetProperty("permutation").GetProperty("features").GetArrayLength());
        var html = await _client.Models.GetCardTextAsync(_trained.ModelName, version, "html");
        Assert.Contains("<table", html, StringComparison.Ordinal);
        Assert.Contains("debt_to_income", html, StringComparison.Ordinal);
    }
}
