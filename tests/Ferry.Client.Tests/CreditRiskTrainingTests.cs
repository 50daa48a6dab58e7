using CreditRisk.Data;
using CreditRisk.Training;
using Ferry.Core.Tracking;

namespace Ferry.Client.Tests;

/// <summary>The credit-risk sample end to end: train with ML.NET, log through Ferry.Client, register, read the version back.</summary>
public sealed class CreditRiskTrainingTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    [Fact]
    public async Task Training_LogsRun_AndRegistersMlNetVersionWhoseSignatureListsThe12Features()
    {
        using var work = new Ferry.Testing.TempDirectory("credit-risk");
        var options = new TrainingOptions { Rows = 3_000, Trees = 20, ModelName = "credit-risk", Experiment = "credit-risk-e2e", WorkDirectory = work.Path };

        var result = await CreditRiskTrainer.TrainAsync(fixture.Client, options);

        Assert.InRange(result.Auc, 0.6, 1.0);
        var view = await fixture.Client.Models.GetVersionAsync("credit-risk", int.Parse(result.Version, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("mlnet", view.Flavor);
        Assert.NotNull(view.Signature);
        Assert.Equal(LoanApplication.FeatureNames, view.Signature.Inputs.Select(i => i.Name));
        Assert.Equal(result.RunId, view.RunId);

        var run = await fixture.Client.Tracking.GetRunAsync(result.RunId);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Equal("FastTree", run.Data.Param("trainer"));
        Assert.Equal(result.Auc, run.Data.Metric("auc")!.Value, 9);
        Assert.Equal("credit-risk/" + result.Version, run.Data.Tag("ferry.registered_version"));
        var files = await fixture.Client.Artifacts.ListAsync(run.Info.ArtifactUri + "/model");
        Assert.Contains(files, f => f.Path == "model.zip");
        Assert.Equal($"{run.Info.ArtifactUri}/model/model.zip", result.Source);
    }

    [Fact]
    public void Arguments_FallBackToDefaults_AndRefuseNonsense()
    {
        var parsed = TrainingArguments.Parse(["--server", "http://127.0.0.1:1234", "--token", "t", "--rows", "500", "--model", "m"]);
        Assert.Null(parsed.Error);
        Assert.Equal(500, parsed.Options.Rows);
        Assert.Equal("m", parsed.Options.ModelName);
        Assert.Equal("t", parsed.Token);

        Assert.NotNull(TrainingArguments.Parse(["--rows", "many"]).Error);
        Assert.NotNull(TrainingArguments.Parse(["stray"]).Error);
    }
}
