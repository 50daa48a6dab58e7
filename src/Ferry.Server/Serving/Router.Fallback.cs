using System.Diagnostics;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Oversight;
using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

public sealed partial class Router
{
    /// <summary>
    /// A suspended endpoint's answer: the request is still read against the serving version's fields (so a malformed
    /// request is refused as before and the logged inputs keep their shape), but no model runs. Each row gets the
    /// fallback and its own prediction-log row (the primary model's name, version 0); no profiles, shadows or
    /// explanations. A subject key is hashed as on a running endpoint, so the decision joins the subject's record.
    /// Counted in <c>ferry_predict_requests_total</c> with outcome <c>suspended</c> and version 0.
    /// </summary>
    private async Task<ServedBatch?> FallbackAsync(ResolvedPolicy policy, EndpointOversight oversight, int? version, Func<ILoadedModel, FeatureBatch> bind,
        ReasonSettings? explain, long started, CancellationToken cancellationToken)
    {
        var endpoint = policy.EndpointName;
        var route = version is { } v
            ? policy.Routes.FirstOrDefault(r => r.Version == v) ?? throw new NotFoundException($"Endpoint '{endpoint}' does not serve version {v}.")
            : Primary(policy);
        var outcome = Outcomes.Error;
        var rows = 0;
        try
        {
            var fallback = SuspensionFallback.Of(oversight);
            PredictionRecord[] records;
            FeatureBatch batch;
            string?[]? subjectKeys;
            using (var lease = await models.AcquireAsync(route, cancellationToken))
            {
                try
                {
                    batch = Bind(policy, lease.Model, bind, out subjectKeys);
                }
                catch (ValidationException)
                {
                    outcome = Outcomes.Invalid;
                    throw;
                }

                records = FallbackRecords(endpoint, route, lease.Model.Features, batch, fallback, subjectKeys);
            }

            rows = batch.RowCount;
            var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            foreach (var record in records)
            {
                record.LatencyMicros = micros;
            }

            var durable = policy.Durability == PredictionDurability.Durable;
            if (await log.EnqueueAsync(records, null, durable, cancellationToken) is not { } published)
            {
                outcome = Outcomes.Unavailable;
                return null;
            }

            if (durable && !await log.WaitUntilWrittenAsync(published, log.DurableTimeout, cancellationToken))
            {
                outcome = Outcomes.Unavailable;
                throw new PredictionNotCommittedException(endpoint, records.Length, log.DurableTimeout);
            }

            outcome = Outcomes.Suspended;
            var empty = new RowPrediction(null, null, null);
            var result = new InferenceResult(Enumerable.Repeat(empty, rows).ToArray(), FallbackTensors(fallback, rows));
            return new ServedBatch(route with { Version = SuspensionFallback.ModelVersion }, batch, result, records.Select(r => r.Id).ToArray())
            {
                Fallback = fallback,
                ExplanationError = explain is null ? null : $"endpoint '{endpoint}' is suspended: the answer is its fallback and no model ran, so there is nothing to explain",
            };
        }
        finally
        {
            metrics.Request(endpoint, SuspensionFallback.ModelVersion, outcome, Stopwatch.GetElapsedTime(started).TotalSeconds, rows);
        }
    }

    /// <summary>The route a suspended endpoint's rows are logged under: the heaviest weighted one (the first route if none).</summary>
    private static ResolvedRoute Primary(ResolvedPolicy policy) =>
        policy.Routes.Where(r => r.Role == RouteRole.Weighted).MaxBy(r => r.Weight) ?? policy.Routes[0];

    private PredictionRecord[] FallbackRecords(string endpoint, ResolvedRoute route, IReadOnlyList<FeatureSpec> features, FeatureBatch batch, string fallback, string?[]? subjectKeys)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var records = new PredictionRecord[batch.RowCount];
        var served = new ServedRows(batch, features);
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = new PredictionRecord
            {
                Id = PredictionIds.NewVersion7(now),
                EndpointName = endpoint,
                ModelName = route.ModelName,
                ModelVersion = SuspensionFallback.ModelVersion,
                Timestamp = now,
                Served = served,
                ServedRow = i,
                OutputsJson = fallback,
                SubjectHash = subjectKeys?[i] is { } key ? subjects.Hash(key) : null,
            };
        }

        return records;
    }

    /// <summary>One string tensor of shape [rows] per fallback member: a string member's text, any other member's JSON.</summary>
    internal static OutputTensor[] FallbackTensors(string fallback, int rows)
    {
        using var document = JsonDocument.Parse(fallback);
        var tensors = new List<OutputTensor>();
        foreach (var member in document.RootElement.EnumerateObject())
        {
            var text = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
            tensors.Add(new OutputTensor(member.Name, "string", [rows], Enumerable.Repeat(text, rows).ToArray()));
        }

        return [.. tensors];
    }
}
