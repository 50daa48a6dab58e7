using System.Text.Json;
using Ferry.Server.Pipelines.Promotion;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Pipelines.Promotion;

/// <summary>
/// The ramp guards' numbers against SciPy 1.10 / NumPy / scikit-learn 1.2 on the shared credit models' published test
/// scores (../shared/models/*_expected.json, 800 rows): the values below came from
/// <c>jensenshannon(np.histogram(rf, e)[0], np.histogram(lr, e)[0])</c> with <c>e = np.linspace(lo, hi, 11)</c> over both
/// samples' range, <c>np.percentile(lr, 99)</c> and <c>roc_auc_score(test_labels.default, lr)</c>.
/// </summary>
public sealed class RampMeasuresTests
{
    private static double[] Positive(string model) =>
        [.. JsonDocument.Parse(File.ReadAllText(SharedCreditRows.File($"{model}_pipeline_expected.json"))).RootElement
            .GetProperty("predict_proba").EnumerateArray().Select(r => r[1].GetDouble())];

    [Fact]
    public void ScoreDrift_RandomForestAgainstLogisticRegression_MatchesScipy()
    {
        Assert.Equal(0.30090521623273503, RampMeasures.ScoreDrift(Positive("rf"), Positive("lr")), 12);
    }

    [Fact]
    public void ScoreDrift_SameScores_IsZero_AndEmptyIsNaN()
    {
        var lr = Positive("lr");
        Assert.Equal(0, RampMeasures.ScoreDrift(lr, lr), 12);
        Assert.True(double.IsNaN(RampMeasures.ScoreDrift([], lr)));
    }

    [Fact]
    public void Percentile_99thOfLogisticRegressionScores_MatchesNumpy()
    {
        Assert.Equal(0.7788393925190717, RampMeasures.Percentile(Positive("lr"), 99), 12);
        Assert.Equal(0.478724949979965, RampMeasures.Percentile(Positive("rf"), 99), 12);
    }

    [Fact]
    public void Binary_RocAucOnTheTestLabels_MatchesScikitLearn()
    {
        var labels = File.ReadAllLines(SharedCreditRows.File("test_labels.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',')[0] == "1").ToArray();
        Assert.Equal(0.76673830834943, RampMeasures.Binary("roc_auc", labels, Positive("lr")), 12);
        Assert.Equal(0.7134332689465045, RampMeasures.Binary("roc_auc", labels, Positive("rf")), 12);
    }
}
