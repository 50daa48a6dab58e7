namespace Ferry.Core.Pipelines;

/// <summary>
/// A challenger compared with the champion on the same recent labelled production rows (the backtest window held out
/// of its training), with bootstrap intervals and a paired test, fairness and prediction drift; then, when configured,
/// on the same live requests while it shadows. Detail fields are JSON the API and dashboard show as they are. Times are
/// epoch ms.
/// </summary>
public sealed class ChallengerEvaluation
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The pipeline run that produced the challenger, if any.</summary>
    public Guid? PipelineRunId { get; set; }

    /// <summary>The endpoint.</summary>
    public required string EndpointName { get; set; }

    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>The champion's version.</summary>
    public int ChampionVersion { get; set; }

    /// <summary>The challenger's version.</summary>
    public int ChallengerVersion { get; set; }

    /// <summary>The backtest window's start.</summary>
    public long WindowFrom { get; set; }

    /// <summary>The backtest window's end.</summary>
    public long WindowTo { get; set; }

    /// <summary>Labelled rows both were scored on.</summary>
    public int Rows { get; set; }

    /// <summary>The deciding metric.</summary>
    public string Metric { get; set; } = string.Empty;

    /// <summary>The champion's value of it.</summary>
    public double ChampionValue { get; set; }

    /// <summary>The challenger's value of it.</summary>
    public double ChallengerValue { get; set; }

    /// <summary>Lower bound of the bootstrap interval of challenger − champion (oriented so higher is better).</summary>
    public double DifferenceLow { get; set; }

    /// <summary>Upper bound of that interval.</summary>
    public double DifferenceHigh { get; set; }

    /// <summary>The paired test's name (e.g. <c>delong</c>, <c>mcnemar</c>, <c>paired-bootstrap</c>).</summary>
    public string PairedTest { get; set; } = string.Empty;

    /// <summary>Its two-sided p-value.</summary>
    public double PValue { get; set; }

    /// <summary><see cref="EvaluationVerdicts"/>.</summary>
    public string Verdict { get; set; } = EvaluationVerdicts.Pending;

    /// <summary>Why, in words.</summary>
    public string Summary { get; set; } = string.Empty;

    /// <summary>Every metric of both with intervals, JSON.</summary>
    public string MetricsJson { get; set; } = "{}";

    /// <summary>ROC and calibration curves of both, JSON.</summary>
    public string CurvesJson { get; set; } = "{}";

    /// <summary>Per-group rates of both on the fairness attribute, JSON.</summary>
    public string FairnessJson { get; set; } = "{}";

    /// <summary>Prediction drift between their score distributions, JSON.</summary>
    public string DriftJson { get; set; } = "{}";

    /// <summary>The live shadow comparison on the same requests, JSON, or null before/without one.</summary>
    public string? ShadowJson { get; set; }

    /// <summary>When the shadow phase started, or null.</summary>
    public long? ShadowStartedAt { get; set; }

    /// <summary>When.</summary>
    public long CreatedAt { get; set; }

    /// <summary>When the verdict was final.</summary>
    public long? CompletedAt { get; set; }
}

/// <summary><see cref="ChallengerEvaluation.Verdict"/> values.</summary>
public static class EvaluationVerdicts
{
    /// <summary>Not decided yet (backtest running or shadowing).</summary>
    public const string Pending = "pending";

    /// <summary>The challenger's interval lies above the champion's (better).</summary>
    public const string Better = "better";

    /// <summary>Not worse by more than the margin.</summary>
    public const string NotWorse = "not_worse";

    /// <summary>Worse by more than the margin.</summary>
    public const string Worse = "worse";

    /// <summary>Too few labelled rows to decide.</summary>
    public const string Inconclusive = "inconclusive";
}

/// <summary>Port: challenger evaluations.</summary>
public interface IChallengerEvaluationStore
{
    /// <summary>Stores a new evaluation.</summary>
    Task<ChallengerEvaluation> AddAsync(ChallengerEvaluation evaluation, CancellationToken cancellationToken = default);

    /// <summary>Saves a changed evaluation (shadow results, verdict).</summary>
    Task UpdateAsync(ChallengerEvaluation evaluation, CancellationToken cancellationToken = default);

    /// <summary>An evaluation by id, or null.</summary>
    Task<ChallengerEvaluation?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Evaluations, newest first, optionally of one endpoint; at most <paramref name="limit"/> (1..1000).</summary>
    Task<IReadOnlyList<ChallengerEvaluation>> ListAsync(string? endpointName, int limit, CancellationToken cancellationToken = default);
}
