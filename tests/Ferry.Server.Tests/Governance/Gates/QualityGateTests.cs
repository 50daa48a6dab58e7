using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Governance;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Governance.Gates.GateTestKit;

namespace Ferry.Server.Tests.Governance.Gates;

/// <summary>
/// The statistical gates on the real credit pipelines of ../shared/models, scored through the server's model cache, on
/// the 800-row test set uploaded as a holdout dataset. Expected numbers come from make_gate_expected.py: scikit-learn on
/// the training libraries' own probabilities (ONNX's float32 answers differ by up to 1.7e-7, hence the tolerances) and
/// DeLong from placement values counted pair by pair. rf_pipeline (AUC 0.713) is the worse model, lr_pipeline (0.767)
/// the better one; lr_pipeline flags 25 % of the unemployed as defaulters and 4.5 % of the retired.
/// </summary>
public abstract class QualityGateTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [Fact]
    public async Task MetricsGate_HoldoutDataset_ValuesMatchScikitLearnAndThresholdsDecide()
    {
        var (model, versions) = await RegisterAsync(Server, "rf_pipeline", "lr_pipeline");
        await PutTestSetAsync(Server, model, "test", "default", positiveLabel: "1");
        var settings = new GateSettings { EvaluationDataset = "test", MinAuc = 0.75, MaxLogLoss = 0.45, MaxBrier = 0.14, MinAccuracy = 0.79 };

        var evidence = await EvaluateAsync(Server, new GateContext(model, versions[1], "champion", versions[0], settings));

        var expected = Expected.GetProperty("models").GetProperty("lr_pipeline");
        Assert.Equal("dataset test", evidence.EvaluationData);
        Assert.Equal(800, evidence.EvaluationRows);
        var auc = Single(evidence, "metrics", "auc >= 0.75");
        Assert.Equal(GateVerdict.Pass, auc.Verdict);
        Assert.Equal(Number(expected, "auc"), auc.Value!.Value, 1e-4);
        Assert.Equal(GateVerdict.Pass, Single(evidence, "metrics", "log_loss <= 0.45").Verdict);
        var brier = Single(evidence, "metrics", "brier <= 0.14");
        Assert.Equal(GateVerdict.Fail, brier.Verdict); // 0.1440 > 0.14
        Assert.Equal(Number(expected, "brier"), brier.Value!.Value, 1e-6);
        Assert.Equal(GateVerdict.Pass, Single(evidence, "metrics", "accuracy >= 0.79").Verdict);
        Assert.False(evidence.Passed);

        // The table: every binary metric, the candidate's 95 % interval around it, the champion's value beside it.
        Assert.Equal(["auc", "log_loss", "brier", "accuracy"], evidence.Metrics.Select(m => m.Metric));
        var champion = Expected.GetProperty("models").GetProperty("rf_pipeline");
        foreach (var row in evidence.Metrics)
        {
            var tolerance = row.Metric == "auc" ? 1e-4 : row.Metric == "accuracy" ? 1.0 / 800 : 1e-6;
            Assert.Equal(Number(expected, row.Metric), row.Candidate, tolerance);
            Assert.Equal(Number(champion, row.Metric), row.Champion!.Value, tolerance);
            Assert.True(row.CandidateLow < row.Candidate && row.Candidate < row.CandidateHigh, $"{row.Metric}: {row}");
        }

        // DeLong's interval: AUC ± 1.96 SE (SE from the pair-by-pair placement values of the same model).
        var aucRow = evidence.Metrics[0];
        Assert.Equal(aucRow.Candidate - aucRow.CandidateLow!.Value, aucRow.CandidateHigh!.Value - aucRow.Candidate, 1e-12);
        Assert.Equal([versions[1], versions[0]], evidence.RocCurves.Select(c => c.Version));
        foreach (var curve in evidence.RocCurves)
        {
            Assert.Equal(0, curve.FalsePositiveRates[0]);
            Assert.Equal(1, curve.TruePositiveRates[^1]);
            var area = Enumerable.Range(1, curve.FalsePositiveRates.Count - 1)
                .Sum(i => (curve.FalsePositiveRates[i] - curve.FalsePositiveRates[i - 1]) * (curve.TruePositiveRates[i] + curve.TruePositiveRates[i - 1]) / 2);
            Assert.Equal(curve.Version == versions[1] ? Number(expected, "auc") : Number(champion, "auc"), area, 1e-4);
        }
    }

    [Fact]
    public async Task ChampionGate_BetterCandidate_PassesDeLong()
    {
        var (model, versions) = await RegisterAsync(Server, "rf_pipeline", "lr_pipeline");
        await PutTestSetAsync(Server, model, "test", "default", positiveLabel: "1");
        var settings = new GateSettings { EvaluationDataset = "test", ChampionMargin = 0.01 };

        var evidence = await EvaluateAsync(Server, new GateContext(model, versions[1], "champion", versions[0], settings));

        var expected = Expected.GetProperty("delong").GetProperty("lr_pipeline vs rf_pipeline");
        var result = Single(evidence, "champion", $"auc not worse than version {versions[0]}");
        Assert.Equal(GateVerdict.Pass, result.Verdict);
        Assert.Equal(Number(expected, "difference"), result.Value!.Value, 1e-4);
        Assert.Equal(-0.01, result.Threshold);
        var row = Assert.Single(evidence.Metrics, m => m.Metric == "auc");
        Assert.Equal("delong", row.Test);
        Assert.Equal(Number(expected, "p_margin_0.01"), row.PValue!.Value, 1e-5);
        Assert.Single(evidence.Results); // the metrics gate is off: no thresholds; only the primary metric is compared
        Assert.True(evidence.Passed);
    }

    [Fact]
    public async Task ChampionGate_WorseCandidate_FailsWithItsPValue()
    {
        var (model, versions) = await RegisterAsync(Server, "rf_pipeline", "lr_pipeline");
        await PutTestSetAsync(Server, model, "test", "default", positiveLabel: "1");
        var settings = new GateSettings { EvaluationDataset = "test", ChampionMargin = 0.01, MaxLogLoss = 0.6 };

        // rf_pipeline (version 1) asks to replace lr_pipeline (version 2).
        var evidence = await EvaluateAsync(Server, new GateContext(model, versions[0], "champion", versions[1], settings));

        var expected = Expected.GetProperty("delong").GetProperty("rf_pipeline vs lr_pipeline");
        var auc = Single(evidence, "champion", $"auc not worse than version {versions[1]}");
        Assert.Equal(GateVerdict.Fail, auc.Verdict);
        var aucRow = Assert.Single(evidence.Metrics, m => m.Metric == "auc");
        Assert.Equal(Number(expected, "p_margin_0.01"), aucRow.PValue!.Value, 1e-4); // ≈ 0.00099
        Assert.Contains("DeLong's test one-sided p = 0.001", auc.Detail, StringComparison.Ordinal);

        // log loss has a threshold, so it is compared too, by the seeded paired bootstrap: 0.482 against 0.447.
        var logLoss = Single(evidence, "champion", $"log_loss not worse than version {versions[1]}");
        Assert.Equal(GateVerdict.Fail, logLoss.Verdict);
        var row = Assert.Single(evidence.Metrics, m => m.Metric == "log_loss");
        Assert.Equal("paired-bootstrap", row.Test);
        var models = Expected.GetProperty("models");
        Assert.Equal(Number(models, "lr_pipeline", "log_loss") - Number(models, "rf_pipeline", "log_loss"), row.Difference!.Value, 1e-6);
        Assert.True(row.PValue < 0.05, row.ToString());
        Assert.Equal(GateVerdict.Pass, Single(evidence, "metrics", "log_loss <= 0.6").Verdict);
        Assert.False(evidence.Passed);

        // A margin wider than the gap: worse, but within what the policy allows.
        var lenient = await EvaluateAsync(Server, new GateContext(model, versions[0], "champion", versions[1], settings with { ChampionMargin = 0.1 }));
        Assert.All(lenient.Results, r => Assert.Equal(GateVerdict.Pass, r.Verdict));
    }

    [Fact]
    public async Task ChampionGate_NoChampion_NotApplicable()
    {
        var (model, versions) = await RegisterAsync(Server, "lr_pipeline");
        await PutTestSetAsync(Server, model, "test", "default", positiveLabel: "1");

        var evidence = await EvaluateAsync(Server, new GateContext(model, versions[0], "champion", null, new GateSettings { EvaluationDataset = "test", ChampionMargin = 0.01 }));

        var result = Assert.Single(evidence.Results);
        Assert.Equal(("champion", GateVerdict.NotApplicable), (result.Gate, result.Verdict));
        Assert.Contains("No version holds 'champion'", result.Detail, StringComparison.Ordinal);
        Assert.True(evidence.Passed);
    }

    [Fact]
    public async Task FairnessGate_BiasedAttribute_FailsAndFairerOnePasses()
    {
        var (model, versions) = await RegisterAsync(Server, "rf_pipeline", "lr_pipeline");
        await PutTestSetAsync(Server, model, "test", "default", positiveLabel: "1");
        var settings = new GateSettings { EvaluationDataset = "test", FairnessAttribute = "employment_type", MinSelectionRateRatio = 0.3, MaxEqualOpportunityDifference = 0.3 };

        var biased = await EvaluateAsync(Server, new GateContext(model, versions[1], "champion", versions[0], settings));
        var fair = await EvaluateAsync(Server, new GateContext(model, versions[1], "champion", versions[0], settings with { FairnessAttribute = "loan_purpose" }));

        var expected = Expected.GetProperty("fairness");
        var ratio = Single(biased, "fairness", "selection_rate_ratio by employment_type");
        Assert.Equal(GateVerdict.Fail, ratio.Verdict); // retired 4.5 % against unemployed 25 %
        Assert.Equal(Number(expected, "employment_type", "ratio"), ratio.Value!.Value, 1e-12);
        Assert.Contains("unemployed", ratio.Detail, StringComparison.Ordinal);
        Assert.Equal(GateVerdict.Pass, Single(biased, "fairness", "equal_opportunity_difference by employment_type").Verdict);
        Assert.False(biased.Passed);

        Assert.Equal(GateVerdict.Pass, Single(fair, "fairness", "selection_rate_ratio by loan_purpose").Verdict);
        var eod = Single(fair, "fairness", "equal_opportunity_difference by loan_purpose");
        Assert.Equal(Number(expected, "loan_purpose", "eod"), eod.Value!.Value, 1e-12);
        Assert.True(fair.Passed);

        // The table holds both versions' groups; the candidate's rates are numpy's.
        Assert.Equal([versions[1], versions[0]], fair.Fairness.Select(r => r.Version).Distinct());
        foreach (var group in expected.GetProperty("loan_purpose").GetProperty("groups").EnumerateObject())
        {
            var row = Assert.Single(fair.Fairness, r => r.Version == versions[1] && r.Group == group.Name);
            Assert.Equal(group.Value.GetProperty("rows").GetInt32(), row.Rows);
            Assert.Equal(group.Value.GetProperty("selection_rate").GetDouble(), row.SelectionRate, 1e-12);
            Assert.Equal(group.Value.GetProperty("tpr").GetDouble(), row.TruePositiveRate!.Value, 1e-12);
        }
    }

    [Fact]
    public async Task MetricsGate_Regressor_RmseAndMaeMatchScikitLearn()
    {
        var (model, versions) = await RegisterAsync(Server, "loss_regressor");
        await PutTestSetAsync(Server, model, "losses", "loss");
        var settings = new GateSettings { EvaluationDataset = "losses", MaxRmse = 2000, MaxMae = 1000, MinAuc = 0.7 };

        var evidence = await EvaluateAsync(Server, new GateContext(model, versions[0], "champion", null, settings));

        var expected = Expected.GetProperty("models").GetProperty("loss_regressor");
        var rmse = Single(evidence, "metrics", "rmse <= 2000");
        Assert.Equal(GateVerdict.Pass, rmse.Verdict);
        Assert.Equal(Number(expected, "rmse"), rmse.Value!.Value, 0.01); // float32 amounts: README's one-cent tolerance
        var mae = Single(evidence, "metrics", "mae <= 1000");
        Assert.Equal(GateVerdict.Fail, mae.Verdict);
        Assert.Equal(Number(expected, "mae"), mae.Value!.Value, 0.01);
        Assert.Equal(GateVerdict.NotApplicable, Single(evidence, "metrics", "auc >= 0.7").Verdict);
        Assert.Equal(["rmse", "mae"], evidence.Metrics.Select(m => m.Metric));
        Assert.Empty(evidence.RocCurves);
    }

    [Fact]
    public async Task MetricGates_ReferenceRows_UsedWithLabelsAndNotApplicableWithout()
    {
        var (model, versions) = await RegisterAsync(Server, "lr_pipeline", "lr_pipeline");
        var records = Records("train.csv").Take(300).ToList();
        var labels = Labels("train.csv", "default").Take(300).ToList();
        var admin = Server.CreateAdminClient();
        await admin.PutReferenceAsync(model, versions[0], new JsonObject
        {
            ["records"] = new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())]),
            ["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)JsonValue.Create(l))]),
            ["positiveLabel"] = "1",
        });
        await admin.PutReferenceAsync(model, versions[1], new JsonObject { ["records"] = new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())]) });
        using (var put = await admin.PutAsJsonAsync($"/api/v1/models/{model}/datasets/same-rows", new JsonObject
        {
            ["records"] = new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())]),
            ["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)JsonValue.Create(l))]),
            ["positiveLabel"] = "1",
        }))
        {
            put.EnsureSuccessStatusCode();
        }

        var settings = new GateSettings { MinAuc = 0.5 };
        var fromReference = await EvaluateAsync(Server, new GateContext(model, versions[0], "champion", null, settings));
        var fromDataset = await EvaluateAsync(Server, new GateContext(model, versions[0], "champion", null, settings with { EvaluationDataset = "same-rows" }));
        var unlabelled = await EvaluateAsync(Server, new GateContext(model, versions[1], "champion", null, settings));

        Assert.Equal(("reference", 300), (fromReference.EvaluationData, fromReference.EvaluationRows));
        Assert.Equal(GateVerdict.Pass, Assert.Single(fromReference.Results).Verdict);
        Assert.Equal(Assert.Single(fromDataset.Results).Value, fromReference.Results[0].Value);
        var none = Assert.Single(unlabelled.Results);
        Assert.Equal(GateVerdict.NotApplicable, none.Verdict);
        Assert.Contains("has no labels", none.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DriftGate_ShiftedTraffic_FailsAndSimilarTrafficPasses()
    {
        var similar = await DriftAsync(shift: false);
        var shifted = await DriftAsync(shift: true);

        var pass = Assert.Single(similar.Results);
        Assert.Equal(("drift", GateVerdict.Pass), (pass.Gate, pass.Verdict));
        Assert.True(pass.Value <= 0.2, pass.Detail);
        var fail = Assert.Single(shifted.Results);
        Assert.Equal(GateVerdict.Fail, fail.Verdict);
        Assert.True(fail.Value >= 5.0 / 20, fail.Detail);
        foreach (var column in new[] { "income", "loan_amount", "savings_balance", "revolving_balance", "monthly_expenses" })
        {
            Assert.Contains(column + " (", fail.Detail, StringComparison.Ordinal);
        }

        Assert.Contains("400 rows served by", fail.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DriftGate_NoTraffic_NotApplicable()
    {
        var (model, versions) = await RegisterAsync(Server, "lr_pipeline");
        await Server.CreateAdminClient().PutReferenceAsync(model, versions[0], new JsonObject { ["records"] = new JsonArray([.. Records("train.csv").Take(200).Select(r => (JsonNode)r)]) });

        var evidence = await EvaluateAsync(Server, new GateContext(model, versions[0], "champion", null, new GateSettings { MaxDriftShare = 0.2 }));

        var result = Assert.Single(evidence.Results);
        Assert.Equal(GateVerdict.NotApplicable, result.Verdict);
        Assert.Contains("No endpoint follows 'champion'", result.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// lr_pipeline (version 1) holds <c>champion</c> and serves 400 test rows through an endpoint that follows it;
    /// gbc_pipeline (version 2, reference: 1,000 training rows) is the candidate. With <paramref name="shift"/>, five
    /// amounts of the served rows are tripled.
    /// </summary>
    private async Task<GateEvidence> DriftAsync(bool shift)
    {
        var (model, versions) = await RegisterAsync(Server, "lr_pipeline", "gbc_pipeline");
        var admin = Server.CreateAdminClient();
        await admin.PutReferenceAsync(model, versions[1], new JsonObject { ["records"] = new JsonArray([.. Records("train.csv").Take(1000).Select(r => (JsonNode)r)]) });
        using (var alias = await Mlflow.Registry.RegistryTestKit.SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name = model, alias = "champion", version = versions[0].ToString(System.Globalization.CultureInfo.InvariantCulture) }))
        {
            alias.EnsureSuccessStatusCode();
        }

        var endpoint = Mlflow.Registry.RegistryTestKit.UniqueName("ep");
        await Serving.ServingTestKit.DeployAsync(Server, endpoint, new { model, alias = "champion", weight = 100 });
        var traffic = Records("test.csv").Take(400).ToList();
        if (shift)
        {
            foreach (var record in traffic)
            {
                foreach (var column in new[] { "income", "loan_amount", "savings_balance", "revolving_balance", "monthly_expenses" })
                {
                    if (record[column] is { } value)
                    {
                        record[column] = value.GetValue<double>() * 3;
                    }
                }
            }
        }

        await Serving.ServingTestKit.PredictAsync(admin, endpoint, traffic);
        await Server.WaitForPredictionLogAsync();
        return await EvaluateAsync(Server, new GateContext(model, versions[1], "champion", versions[0], new GateSettings { MaxDriftShare = 0.2 }));
    }
}

public sealed class SqliteQualityGateTests(SqliteServerFixture fixture) : QualityGateTests<SqliteServerFixture>(fixture);

public sealed class PostgresQualityGateTests(PostgresServerFixture fixture) : QualityGateTests<PostgresServerFixture>(fixture);
