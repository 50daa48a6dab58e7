using Ferry.Explain.Readers;
using Ferry.Explain.Shap;
using Ferry.Explain.Trees;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ferry.Explain.Tests;

/// <summary>A FastTree credit-risk pipeline trained here, read back and checked against ML.NET's own Score and Probability.</summary>
public sealed class MlNetReaderTests
{
    private static readonly string[] Purposes = ["car", "debt_consolidation", "home", "small_business"];

    [Fact]
    public void Reader_ReproducesScoreAndCalibratedProbability_AndGroupsOneHotSlots()
    {
        var (_, model, data) = Train();
        var read = MlNetTreeEnsembleReader.Read(model, data.Schema);
        AssertMatches(model, data, read);
        Assert.Equal(["age", "income", "debt_to_income", "purpose"], read.Groups.Sources);
        var slot = Assert.Single(read.Groups.Slots, s => s.Name == "purpose_onehot.small_business");
        Assert.Equal(("purpose", "small_business"), (slot.Source, slot.Category));
        Assert.Equal(ExplanationSpaces.RawMargin, read.Ensemble.MarginSpace);
        Assert.Equal(ExplanationSpaces.LogOdds, read.CalibratedEnsemble!.MarginSpace);

        // Explain with covers from the training feature vectors: local accuracy in both spaces, grouping sums.
        var features = MlNetTreeEnsembleReader.ReadFeatures(model, data, read.FeatureColumnName);
        var raw = new PathDependentTreeShap(CoverEstimator.WithCovers(read.Ensemble, features));
        var calibrated = new PathDependentTreeShap(CoverEstimator.WithCovers(read.CalibratedEnsemble, features));
        foreach (var x in features.Take(20))
        {
            var e = read.Groups.Group(raw.Explain(x));
            Assert.True(e.LocalAccuracyGap < 1e-9);
            Assert.Equal(4, e.Attributions.Length);
            var c = calibrated.Explain(x);
            Assert.True(c.LocalAccuracyGap < 1e-9);
            // The calibrated log-odds are an affine map of the score: attributions scale by −slope.
            Assert.Equal(-read.PlattSlope!.Value * raw.Explain(x).Attributions[0], c.Attributions[0], 1e-9);
        }
    }

    [Fact]
    public void Reader_Works_OnModelSavedAndLoadedAgain()
    {
        var (ml, model, data) = Train();
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = ml.Model.Load(stream, out var schema);
        var read = MlNetTreeEnsembleReader.Read(loaded, schema);
        AssertMatches(loaded, data, read);
        Assert.Equal(["age", "income", "debt_to_income", "purpose"], read.Groups.Sources);
    }

    private static void AssertMatches(ITransformer model, IDataView data, MlNetTreeModel read)
    {
        var scored = model.Transform(data);
        var scores = scored.GetColumn<float>("Score").ToArray();
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        var features = MlNetTreeEnsembleReader.ReadFeatures(model, data, read.FeatureColumnName);
        Assert.NotNull(read.CalibratedEnsemble);
        for (var i = 0; i < scores.Length; i++)
        {
            Assert.Equal(scores[i], read.Ensemble.PredictRaw(features[i])[0], 1e-5);
            Assert.Equal(probabilities[i], read.CalibratedEnsemble.PredictTransformed(features[i])[0], 1e-5);
        }
    }

    private static (MLContext Ml, ITransformer Model, IDataView Data) Train()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Loans(2000, seed: 3).ToList());
        var pipeline = ml.Transforms.Categorical.OneHotEncoding("purpose_onehot", "purpose")
            .Append(ml.Transforms.Concatenate("Features", "age", "income", "debt_to_income", "purpose_onehot"))
            .Append(ml.BinaryClassification.Trainers.FastTree(labelColumnName: "Default", featureColumnName: "Features",
                numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 10));
        return (ml, pipeline.Fit(data), data);
    }

    private static IEnumerable<Loan> Loans(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var age = random.Next(21, 70);
            var income = (float)(Math.Round(200 + (random.NextDouble() * 800)) * 100);
            var dti = (float)Math.Round(random.NextDouble() * 0.8, 3);
            var purpose = Purposes[random.Next(Purposes.Length)];
            var logit = -1.5 + (4 * dti) - (0.02 * (age - 40)) - (income / 100000.0) + (purpose == "small_business" ? 1 : 0);
            yield return new Loan
            {
                Age = age,
                Income = income,
                DebtToIncome = dti,
                Purpose = purpose,
                Default = random.NextDouble() < 1 / (1 + Math.Exp(-logit)),
            };
        }
    }

    private sealed class Loan
    {
        [ColumnName("age")]
        public float Age { get; set; }

        [ColumnName("income")]
        public float Income { get; set; }

        [ColumnName("debt_to_income")]
        public float DebtToIncome { get; set; }

        [ColumnName("purpose")]
        public string Purpose { get; set; } = "";

        public bool Default { get; set; }
    }
}
