using Ferry.Cli.Output;
using Ferry.Client.Models;
using Ferry.Core.Contracts;
using Ferry.Core.Monitoring;
using Ferry.Core.Signatures;

namespace Ferry.Cli.Commands.Models;

/// <summary>What <c>ferry models register</c> prints with <c>--output json</c>.</summary>
/// <param name="Name">The registered model.</param>
/// <param name="Version">The new version number.</param>
/// <param name="Source">The <c>mlflow-artifacts:</c> URI the version points at.</param>
/// <param name="RunId">The run, if one was given.</param>
/// <param name="Flavor">"onnx", "mlnet", or null when Ferry could not tell.</param>
/// <param name="Signature">The model's inputs and outputs, when Ferry could read them.</param>
internal sealed record RegisteredVersion(string Name, string Version, string Source, string? RunId, string? Flavor, ModelSignature? Signature);

/// <summary>Signature and version summaries shared by the model verbs.</summary>
internal static class ModelOutput
{
    public static string Specs(IReadOnlyList<TensorSpec> specs) =>
        specs.Count == 0 ? "-" : string.Join(", ", specs.Select(s => s.ToString()));

    /// <summary>A reference job in a few words: its state, and its phase and progress while it runs.</summary>
    public static string Describe(ReferenceJobView job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var rows = job.Rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        return job.State switch
        {
            ReferenceJob.Running => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"building from {rows} rows: {job.Phase} {job.Done:N0}/{job.Total:N0} (job {job.Id})"),
            ReferenceJob.Queued => $"queued, {rows} rows (job {job.Id})",
            ReferenceJob.Failed => $"failed: {job.Error} (job {job.Id})",
            _ => $"built from {rows} rows at {job.FinishedAt} (job {job.Id})",
        };
    }

    public static void WriteVersion(ModelVersionView version, ExplanationMethodView? explanation = null, ReferenceJobView? reference = null)
    {
        var table = TableFormat.Create("Field", "Value");
        table.AddTextRow("name", version.Name);
        table.AddTextRow("version", version.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddTextRow("flavor", version.Flavor ?? "unknown");
        table.AddTextRow("source", version.Source);
        table.AddTextRow("run", version.RunId ?? "-");
        table.AddTextRow("aliases", version.Aliases.Count == 0 ? "-" : string.Join(", ", version.Aliases));
        table.AddTextRow("inputs", version.Signature is { } s ? Specs(s.Inputs) : "unknown");
        table.AddTextRow("outputs", version.Signature is { } o ? Specs(o.Outputs) : "unknown");
        if (explanation is not null)
        {
            table.AddTextRow("explained by", explanation.Method);
            if (explanation.FallbackReason is { } reason)
            {
                table.AddTextRow("not exact because", reason);
            }
        }

        if (reference is not null)
        {
            table.AddTextRow("reference", Describe(reference));
        }
        CliConsole.Write(table);
    }
}
