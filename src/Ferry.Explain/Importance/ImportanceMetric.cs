namespace Ferry.Explain.Importance;

/// <summary>The metric permutation importance measures the drop of.</summary>
public enum ImportanceMetric
{
    /// <summary>Area under the ROC curve of the model's scores (higher is better; any monotone score works).</summary>
    RocAuc,

    /// <summary>Log loss of the model's positive-class probabilities (lower is better).</summary>
    LogLoss,
}
