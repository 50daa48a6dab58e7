namespace Ferry.Core.Monitoring;

/// <summary>
/// What a monitor checks. Every part is optional; a missing part is not checked. Durations are in seconds so the JSON
/// stays plain; the CLI accepts <c>1d</c>, <c>6h</c>, ...
/// </summary>
public sealed record MonitorSpec
{
    /// <summary>The window each run looks back over, in seconds (default one day).</summary>
    public long WindowSeconds { get; set; } = 86_400;

    /// <summary>A Quartz cron expression (seconds first, e.g. <c>0 0 * * * ?</c> = hourly); null = on demand only.</summary>
    public string? Schedule { get; set; }

    /// <summary>The version judged; null = the version that served most rows in the window.</summary>
    public int? ModelVersion { get; set; }

    /// <summary>Fewer rows than this in the window and the run reports <see cref="ReportStatus.NotEnoughData"/>.</summary>
    public int MinRows { get; set; } = 30;

    /// <summary>Data and prediction drift.</summary>
    public DriftCheckSpec? Drift { get; set; } = new();

    /// <summary>Data quality.</summary>
    public QualityCheckSpec? Quality { get; set; } = new();

    /// <summary>Realized performance (needs feedback) and estimated performance (CBPE, binary classifiers).</summary>
    public PerformanceCheckSpec? Performance { get; set; }
}

/// <summary>Drift checks: per feature and for the prediction.</summary>
public sealed record DriftCheckSpec
{
    /// <summary>Method for every column unless overridden (ks, chisquare, ztest, psi, jensenshannon, wasserstein); null = chosen by column type and reference size.</summary>
    public string? Method { get; set; }

    /// <summary>Threshold for every column unless overridden; null = the method's default (p &lt; 0.05, or distance ≥ 0.1).</summary>
    public double? Threshold { get; set; }

    /// <summary>Per-feature method and threshold.</summary>
    public IReadOnlyDictionary<string, ColumnDriftSpec>? Columns { get; set; }

    /// <summary>The dataset drifts when at least this share of its feature columns drift.</summary>
    public double DriftShare { get; set; } = 0.5;

    /// <summary>Features to check; null = every feature of the reference.</summary>
    public IReadOnlyList<string>? Features { get; set; }

    /// <summary>Whether the model's output distribution is checked too.</summary>
    public bool Prediction { get; set; } = true;

    /// <summary>Whether each drifted feature is a failed check of its own (else only the dataset-level verdict is).</summary>
    public bool FailPerFeature { get; set; } = true;
}

/// <summary>One column's drift method and threshold.</summary>
/// <param name="Method">Method name, or null for the default choice.</param>
/// <param name="Threshold">Threshold, or null for the method's default.</param>
public sealed record ColumnDriftSpec(string? Method = null, double? Threshold = null);

/// <summary>Data-quality limits, as rates of the window's rows (0–1).</summary>
public sealed record QualityCheckSpec
{
    /// <summary>Largest share of missing values per feature.</summary>
    public double MaxMissingRate { get; set; } = 0.05;

    /// <summary>Largest share of numeric values outside the reference's [min, max].</summary>
    public double MaxOutOfRangeRate { get; set; } = 0.05;

    /// <summary>Largest share of categories the reference never saw.</summary>
    public double MaxUnseenCategoryRate { get; set; } = 0.01;

    /// <summary>Largest share of requests refused for a wrong type or schema, per field.</summary>
    public double MaxInvalidRate { get; set; } = 0.01;
}

/// <summary>Performance checks once ground truth arrives, and estimated before it does.</summary>
public sealed record PerformanceCheckSpec
{
    /// <summary>Metric checked: accuracy, precision, recall, f1, roc_auc, log_loss, brier (classifiers) or mae, rmse, r2 (regressors).</summary>
    public string Metric { get; set; } = "accuracy";

    /// <summary>Lowest acceptable value (for metrics where higher is better).</summary>
    public double? Min { get; set; }

    /// <summary>Highest acceptable value (for errors: log_loss, brier, mae, rmse).</summary>
    public double? Max { get; set; }

    /// <summary>A feature whose values slice the realized metrics (e.g. region).</summary>
    public string? SliceBy { get; set; }

    /// <summary>Whether CBPE estimates performance for rows without labels (binary classifiers with a calibrated reference).</summary>
    public bool Estimate { get; set; } = true;

    /// <summary>Positive-class score at or above which a row counts as predicted positive.</summary>
    public double DecisionThreshold { get; set; } = 0.5;

    /// <summary>Fewest labelled rows for realized metrics to be judged.</summary>
    public int MinLabelledRows { get; set; } = 30;
}
