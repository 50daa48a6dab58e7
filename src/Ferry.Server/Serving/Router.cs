using System.Diagnostics;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Serving;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving.Batching;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>What one request was answered with.</summary>
/// <param name="Route">The route (model version) that answered.</param>
/// <param name="Batch">The validated rows.</param>
/// <param name="Result">Its answer.</param>
/// <param name="Ids">One prediction id per row (each has a prediction-log row queued).</param>
public sealed record ServedBatch(ResolvedRoute Route, FeatureBatch Batch, InferenceResult Result, IReadOnlyList<Guid> Ids)
{
    /// <summary>One explanation per row when the request asked for them and its version could be explained; else null.</summary>
    public IReadOnlyList<ExplanationView>? Explanations { get; init; }

    /// <summary>Why the version could not be explained, when the request asked for explanations; else null.</summary>
    public string? ExplanationError { get; init; }

    /// <summary>
    /// The fallback answer (a compact JSON object) every row got because the endpoint is suspended, else null. Then no
    /// model ran: <see cref="Route"/> has version 0, <see cref="Result"/>'s rows are empty and its outputs are one
    /// string tensor per fallback member.
    /// </summary>
    public string? Fallback { get; init; }
}

/// <summary>
/// The request path shared by every protocol: policy from <see cref="PolicyCache"/>, a weighted route picked with
/// <see cref="Random.Shared"/>, the model from <see cref="ModelCache"/>, the protocol's binding into a validated
/// <see cref="FeatureBatch"/>, scoring, shadows, the prediction log and the request metrics.
/// </summary>
/// <remarks>
/// Shadows: once the caller's rows are in the prediction log, each shadow route scores a copy of the batch on the
/// thread pool, off the request path, and its answers go into the same prediction-log rows
/// (<see cref="PredictionRecord.ShadowOutputsJson"/>, keyed <c>model:version</c>; the log writer waits for them), so a
/// row holds both answers for comparison. A shadow never changes nor delays the caller's answer: one that is not
/// loaded yet is loaded in the background and skipped, one that fails or whose fields differ is logged as
/// <c>{"error": ...}</c>, and beyond <see cref="ModelCacheOptions.MaxConcurrentShadows"/> batches in flight a copy is
/// skipped; each skip is counted in <c>ferry_shadow_skipped_total</c>. No shadow load happens on the request path.
/// Durability: on a <see cref="PredictionDurability.Durable"/> endpoint the answer waits until the prediction-log rows
/// are committed, at most <see cref="PredictionLogOptions.DurableTimeout"/>; past it the request fails with
/// <see cref="PredictionNotCommittedException"/> (503) and its rows are still written once the database accepts them.
/// Adaptive batching: when the policy turns it on, the primary's scoring goes through <see cref="AdaptiveBatching"/>,
/// which then owns the request's model lease until its rows are scored.
/// Explanations: a request that asks for them (<see cref="ReasonSettings"/>) has its rows explained once they are
/// scored and in the prediction log, with the model instance that scored them, under the request's own lease (no
/// second acquisition); under adaptive batching the batcher is handed a second hold on that lease
/// (<see cref="ModelCache.ModelLease.Hold"/>) instead of the lease itself, so the model stays loaded until both are done.
/// A version that cannot be explained still answers, with <see cref="ServedBatch.ExplanationError"/>.
/// Data subjects: on an endpoint that names a subject field, binding collects each row's key
/// (<see cref="SubjectCapture"/>) and its row is logged with <see cref="SubjectKeys.Hash"/> of it, never the key; the
/// field is not passed to the model unless it is a feature. Without a subject field nothing is collected.
/// </remarks>
public sealed partial class Router(PolicyCache policies, ModelCache models, AdaptiveBatching batching, PredictionLog log, ProfileCollector profiles, IExplanationStage explanations, SubjectKeys subjects, ServingMetrics metrics, IOptions<ModelCacheOptions> options, TimeProvider clock, ILogger<Router> logger)
{
    /// <summary>Outcome tag values of <c>ferry_predict_requests_total</c>.</summary>
    public static class Outcomes
    {
        /// <summary>Answered.</summary>
        public const string Ok = "ok";

        /// <summary>Refused as invalid (400).</summary>
        public const string Invalid = "invalid";

        /// <summary>Refused because the prediction log was full (503).</summary>
        public const string Unavailable = "unavailable";

        /// <summary>Failed inside Ferry (500).</summary>
        public const string Error = "error";

        /// <summary>Answered with the fallback: the endpoint is suspended (no model ran).</summary>
        public const string Suspended = "suspended";
    }

    /// <summary>Picks a weighted route: route i with probability weight_i / sum of weights.</summary>
    /// <exception cref="InvalidOperationException">The policy has no weighted route with a positive weight.</exception>
    public static ResolvedRoute Pick(ResolvedPolicy policy) => Pick(policy, Random.Shared.Next);

    /// <summary>Picks a weighted route using <paramref name="next"/> (an exclusive upper bound → value) as the random source.</summary>
    public static ResolvedRoute Pick(ResolvedPolicy policy, Func<int, int> next)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(next);
        var total = 0;
        ResolvedRoute? only = null;
        foreach (var route in policy.Routes)
        {
            if (route.Role == RouteRole.Weighted && route.Weight > 0)
            {
                total += route.Weight;
                only = route;
            }
        }

        if (only is null)
        {
            throw new InvalidOperationException($"Endpoint '{policy.EndpointName}' has no weighted route.");
        }

        if (total == only.Weight)
        {
            return only;
        }

        var ticket = next(total);
        foreach (var route in policy.Routes)
        {
            if (route.Role == RouteRole.Weighted && route.Weight > 0)
            {
                ticket -= route.Weight;
                if (ticket < 0)
                {
                    return route;
                }
            }
        }

        return only;
    }

    /// <summary>
    /// Serves one request on an endpoint: <paramref name="version"/> addresses one of its versions directly (no weights,
    /// no shadows), null routes by weight. Returns null when the prediction log refused the rows (answer 503, return no
    /// ids). Unknown endpoint or version: <see cref="NotFoundException"/>; invalid input: <see cref="ValidationException"/>
    /// from <paramref name="bind"/>.
    /// </summary>
    public Task<ServedBatch?> PredictAsync(string endpoint, int? version, Func<ILoadedModel, FeatureBatch> bind, CancellationToken cancellationToken) =>
        PredictAsync(endpoint, version, bind, null, cancellationToken);

    /// <summary>
    /// Serves one request as <see cref="PredictAsync(string, int?, Func{ILoadedModel, FeatureBatch}, CancellationToken)"/>
    /// does and, with <paramref name="explain"/>, then explains its rows on the same model lease
    /// (<see cref="ServedBatch.Explanations"/>, each with its prediction id, or <see cref="ServedBatch.ExplanationError"/>
    /// when the version cannot be explained). Request metrics and logged latencies cover the prediction, not the explanation.
    /// </summary>
    public async Task<ServedBatch?> PredictAsync(string endpoint, int? version, Func<ILoadedModel, FeatureBatch> bind, ReasonSettings? explain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        var started = Stopwatch.GetTimestamp();
        var policy = await policies.GetAsync(endpoint, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{endpoint}'.");
        if (policy.Oversight is { Suspended: true } suspended)
        {
            return await FallbackAsync(policy, suspended, version, bind, explain, started, cancellationToken);
        }

        var route = version is { } v
            ? policy.Routes.FirstOrDefault(r => r.Version == v) ?? throw new NotFoundException($"Endpoint '{endpoint}' does not serve version {v}.")
            : Pick(policy);
        var outcome = Outcomes.Error;
        var rows = 0;
        double? answeredSeconds = null;
        try
        {
            using var lease = new LeaseHandover(await models.AcquireAsync(route, cancellationToken));
            FeatureBatch batch;
            string?[]? subjectKeys;
            try
            {
                batch = Bind(policy, lease.Model, bind, out subjectKeys);
            }
            catch (ValidationException invalid)
            {
                outcome = Outcomes.Invalid;
                profiles.ObserveInvalid(endpoint, route, lease.Model, InvalidFields(invalid, lease.Model), clock.GetUtcNow().ToUnixTimeMilliseconds());
                throw;
            }

            rows = batch.RowCount;
            // Explaining keeps the lease until the explanation is done: the batcher gets a hold of its own to release.
            var result = AdaptiveBatching.Applies(policy, batch)
                ? await batching.PredictAsync(policy, route, lease.Model, batch, explain is null ? lease.Take() : lease.Share(), cancellationToken)
                : lease.Model.Predict(batch);
            if (result.Rows.Count != batch.RowCount)
            {
                throw new InvalidOperationException($"Model {route.ModelName} version {route.Version} answered {result.Rows.Count} rows for {batch.RowCount}.");
            }

            var records = Records(endpoint, route, lease.Model, batch, result, subjectKeys);
            var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            foreach (var record in records)
            {
                record.LatencyMicros = micros;
            }

            var shadows = version is null ? ShadowRoutes(policy) : null;
            var shadowsScored = shadows is null ? null : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var durable = policy.Durability == PredictionDurability.Durable;
            if (await log.EnqueueAsync(records, shadowsScored?.Task, durable, cancellationToken) is not { } published)
            {
                outcome = Outcomes.Unavailable;
                return null;
            }

            profiles.Observe(endpoint, route, lease.Model, batch, result, records.Length > 0 ? records[0].Timestamp : clock.GetUtcNow().ToUnixTimeMilliseconds());
            if (shadows is not null)
            {
                StartShadows(endpoint, shadows, batch, records, shadowsScored!);
            }

            // Durable: answer only once the rows are committed (the writer group-commits what is queued meanwhile).
            // Past the timeout the rows stay queued and are written later, but the caller gets no ids.
            if (durable && !await log.WaitUntilWrittenAsync(published, log.DurableTimeout, cancellationToken))
            {
                outcome = Outcomes.Unavailable;
                throw new PredictionNotCommittedException(endpoint, records.Length, log.DurableTimeout);
            }

            outcome = Outcomes.Ok;
            var served = new ServedBatch(route, batch, result, records.Select(r => r.Id).ToArray());
            if (explain is null)
            {
                return served;
            }

            answeredSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return await explanations.ExplainAsync(served, lease.Model, explain, cancellationToken);
        }
        finally
        {
            metrics.Request(endpoint, route.Version, outcome, answeredSeconds ?? Stopwatch.GetElapsedTime(started).TotalSeconds, rows);
        }
    }

    /// <summary>The model's features named by a refused request's errors (keys such as <c>records[3].age</c>).</summary>
    private static HashSet<string> InvalidFields(ValidationException invalid, ILoadedModel model)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in invalid.Errors.Keys)
        {
            foreach (var feature in model.Features)
            {
                if (key.EndsWith("." + feature.Name, StringComparison.Ordinal) || key.EndsWith("]" + feature.Name, StringComparison.Ordinal))
                {
                    fields.Add(feature.Name);
                }
            }
        }

        return fields;
    }

    // Binds the request; on an endpoint that names a subject field, also collects each row's subject key.
    private static FeatureBatch Bind(ResolvedPolicy policy, ILoadedModel model, Func<ILoadedModel, FeatureBatch> bind, out string?[]? subjectKeys)
    {
        subjectKeys = null;
        if (policy.Oversight?.SubjectField is not { } subjectField)
        {
            return bind(model);
        }

        using var capture = SubjectCapture.Begin(subjectField);
        var batch = bind(model);
        subjectKeys = capture.Keys;
        return batch;
    }

    private PredictionRecord[] Records(string endpoint, ResolvedRoute route, ILoadedModel model, FeatureBatch batch, InferenceResult result, string?[]? subjectKeys)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var records = new PredictionRecord[batch.RowCount];
        var served = new ServedRows(batch, model.Features);
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = new PredictionRecord
            {
                Id = PredictionIds.NewVersion7(now),
                EndpointName = endpoint,
                ModelName = route.ModelName,
                ModelVersion = route.Version,
                Timestamp = now,
                Served = served,
                ServedRow = i,
                Answer = result.Rows[i],
                SubjectHash = subjectKeys?[i] is { } key ? subjects.Hash(key) : null,
            };
        }

        return records;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shadow {Model} version {Version} of endpoint {Endpoint} failed; the caller's answer is unaffected")]
    private static partial void LogShadowFailed(ILogger logger, Exception exception, string endpoint, string model, int version);
}
