using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Core.Signatures;

namespace Ferry.Server.Pipelines.Export;

/// <summary>
/// Exports a window of an endpoint's prediction log to Parquet for analysts. The window is read twice, each time as a
/// stream in (time, id) order: once for the columns (fields, their types, the probability classes, the answering
/// versions, whose signatures type the inputs; see <see cref="PredictionExportColumns"/>), once to write row groups
/// of <see cref="PredictionExportWriter.DefaultRowGroupRows"/> rows. Memory holds one row group, never the window.
/// </summary>
public sealed class PredictionExporter(IPredictionExportStore store, IRegistryStore registry)
{
    /// <summary>The first pass: the file's columns for the predictions served in [<paramref name="fromMs"/>, <paramref name="toMs"/>).</summary>
    public async Task<PredictionExportColumns> PlanAsync(string endpointName, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var columns = new PredictionExportColumns();
        await foreach (var row in store.StreamWindowAsync(endpointName, fromMs, toMs, cancellationToken))
        {
            var p = row.Prediction;
            columns.Observe(p.ModelName, p.ModelVersion, p.InputsJson, p.OutputsJson);
        }

        var signatures = new List<ModelSignature?>();
        foreach (var (model, version) in columns.Versions)
        {
            signatures.Add(await SignatureAsync(model, version, cancellationToken));
        }

        columns.Resolve(signatures);
        return columns;
    }

    /// <summary>Both passes: writes the window as a Parquet file to <paramref name="destination"/>; returns the rows written.</summary>
    public async Task<long> ExportAsync(string endpointName, long fromMs, long toMs, Stream destination, CancellationToken cancellationToken)
    {
        var columns = await PlanAsync(endpointName, fromMs, toMs, cancellationToken);
        await using var writer = await PredictionExportWriter.CreateAsync(destination, columns, PredictionExportWriter.DefaultRowGroupRows, cancellationToken);
        await foreach (var row in store.StreamWindowAsync(endpointName, fromMs, toMs, cancellationToken))
        {
            await writer.AddAsync(row, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
        return writer.Rows;
    }

    /// <summary>The version's recorded signature, or null when it has none (or is gone from the registry).</summary>
    private async Task<ModelSignature?> SignatureAsync(string model, int version, CancellationToken cancellationToken)
    {
        try
        {
            var found = await registry.GetVersionAsync(model, version, cancellationToken);
            return found.Version.SignatureJson is { Length: > 0 } json ? ModelSignature.FromJson(json) : null;
        }
        catch (Exception e) when (e is NotFoundException or FormatException)
        {
            return null;
        }
    }
}
