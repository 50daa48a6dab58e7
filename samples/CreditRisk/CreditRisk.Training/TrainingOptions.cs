namespace CreditRisk.Training;

/// <summary>What to train and where to log it.</summary>
public sealed record TrainingOptions
{
    /// <summary>Rows to generate (train + holdout).</summary>
    public int Rows { get; init; } = 20_000;

    /// <summary>Seed for the data, the split and the trainer.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Share of rows held out for evaluation.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>FastTree: number of trees.</summary>
    public int Trees { get; init; } = 100;

    /// <summary>FastTree: leaves per tree.</summary>
    public int Leaves { get; init; } = 20;

    /// <summary>FastTree: learning rate.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>FastTree: fewest rows in a leaf.</summary>
    public int MinExamplesPerLeaf { get; init; } = 20;

    /// <summary>The experiment the run goes to.</summary>
    public string Experiment { get; init; } = "credit-risk";

    /// <summary>The registered model's name.</summary>
    public string ModelName { get; init; } = "credit-risk";

    /// <summary>
    /// Holdout rows (at most this many) sent as the version's monitoring reference, with their outcomes so Ferry can
    /// calibrate the score for CBPE; 0 = none.
    /// </summary>
    public int ReferenceRows { get; init; } = 5_000;

    /// <summary>Where the model zip is written before upload; a temp directory when null.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Train on this Ferry dataset (Parquet; <c>FERRY_DATASET_PATH</c>) instead of the generated population.</summary>
    public string? DatasetPath { get; init; }

    /// <summary>Evaluate on this held-out Ferry dataset (<c>FERRY_HOLDOUT_PATH</c>) instead of a split of the training rows.</summary>
    public string? HoldoutPath { get; init; }

    /// <summary>Log to this existing run (<c>MLFLOW_RUN_ID</c>, the run a Ferry pipeline created) instead of starting one.</summary>
    public string? RunId { get; init; }

    /// <summary>
    /// Fault injection for the loop's rollback demonstration and tests: train on inverted outcomes, which yields a
    /// model that ranks applicants backwards. Never use it for a real model.
    /// </summary>
    public bool InvertLabels { get; init; }
}

/// <summary>What a training run produced.</summary>
/// <param name="RunId">The tracked run.</param>
/// <param name="Auc">Area under the ROC curve on the holdout.</param>
/// <param name="Accuracy">Accuracy on the holdout (threshold 0.5).</param>
/// <param name="ModelName">The registered model.</param>
/// <param name="Version">The new version number.</param>
/// <param name="Source">The version's source URI.</param>
public sealed record TrainingResult(string RunId, double Auc, double Accuracy, string ModelName, string Version, string Source);
