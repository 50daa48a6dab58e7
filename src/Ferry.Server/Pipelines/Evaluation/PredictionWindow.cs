using Ferry.Core.Serving;

namespace Ferry.Server.Pipelines.Evaluation;

/// <summary>A logged prediction as the evaluation reads it, with its ground truth when it arrived.</summary>
/// <param name="Id">The prediction id.</param>
/// <param name="At">When it was served, epoch ms.</param>
/// <param name="ModelName">The model that answered.</param>
/// <param name="Version">The version that answered.</param>
/// <param name="InputsJson">The record's inputs as received.</param>
/// <param name="OutputsJson">The answer.</param>
/// <param name="ShadowOutputsJson">Shadow answers keyed <c>model:version</c>, or null.</param>
/// <param name="Label">The true class, when feedback arrived.</param>
/// <param name="Value">The true value, when feedback arrived.</param>
/// <param name="LabelReceivedAt">When the feedback arrived, epoch ms.</param>
public sealed record WindowRow(
    Guid Id, long At, string ModelName, int Version, string InputsJson, string OutputsJson, string? ShadowOutputsJson, string? Label, double? Value, long? LabelReceivedAt)
{
    /// <summary>True when ground truth arrived.</summary>
    public bool Labelled => Label is not null || Value is not null;
}

/// <summary>
/// Reads an endpoint's prediction log joined with its feedback over a window, page by page, in (time, id) order.
/// Predictions whose inputs were erased are left out. At most <see cref="MaxRows"/> rows are read (the earliest).
/// </summary>
public sealed class PredictionWindow(IPredictionStore predictions)
{
    /// <summary>The most rows one evaluation reads (bounds the bootstrap's cost).</summary>
    public const int MaxRows = 20_000;

    /// <summary>The endpoint's logged predictions served in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<List<WindowRow>> ReadAsync(string endpointName, long from, long to, CancellationToken cancellationToken)
    {
        var rows = new List<WindowRow>();
        Guid? after = null;
        while (rows.Count < MaxRows)
        {
            var page = await predictions.ListAsync(
                new PredictionQuery { EndpointName = endpointName, From = from, To = to, After = after, Limit = PredictionQuery.MaxLimit }, cancellationToken);
            foreach (var (p, f) in page)
            {
                if (p.ErasedAt is null && rows.Count < MaxRows)
                {
                    rows.Add(new WindowRow(p.Id, p.Timestamp, p.ModelName, p.ModelVersion, p.InputsJson, p.OutputsJson, p.ShadowOutputsJson, f?.Label, f?.Value, f?.ReceivedAt));
                }
            }

            if (page.Count < PredictionQuery.MaxLimit)
            {
                break;
            }

            after = page[^1].Prediction.Id;
        }

        return rows;
    }

    /// <summary>
    /// The rows whose ground truth had arrived by <paramref name="asOf"/> and, when <paramref name="labelDelayMaxMs"/>
    /// is set, within that long of their prediction: what a dataset built as of that instant held as labelled.
    /// </summary>
    public static List<WindowRow> LabelledAsOf(IEnumerable<WindowRow> rows, long asOf, long? labelDelayMaxMs) =>
        [.. rows.Where(r => r.Labelled && r.LabelReceivedAt is { } received && received <= asOf
            && (labelDelayMaxMs is not { } delay || received - r.At <= delay))];
}
