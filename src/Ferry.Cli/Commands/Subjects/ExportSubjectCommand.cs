using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Subjects;

/// <summary><c>ferry subjects export KEY [--file PATH]</c>: every decision about a subject, with its explanation.</summary>
internal sealed class ExportSubjectCommand : Command
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Argument<string> _key = SubjectsCommand.KeyArgument();
    private readonly Option<FileInfo?> _file = new("--file") { Description = "Write the export (JSON) to this file, created owner-only", HelpName = "file" };

    public ExportSubjectCommand(ClientOptions client)
        : base("export", "Export every decision about a data subject: inputs, output, explanation and reason codes, reviews, ground truth (approver).")
    {
        Arguments.Add(_key);
        Options.Add(_file);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            var key = SubjectsCommand.ReadKey(parseResult.GetValue(_key)!);
            return client.RunAsync(parseResult, async ferry =>
            {
                var export = await ferry.Subjects.ExportAsync(key, cancellationToken);
                if (parseResult.GetValue(_file) is { } file)
                {
                    await WriteAsync(file, export, cancellationToken);
                    CliConsole.Line($"Wrote {export.Decisions.Count} decision(s) of subject {export.SubjectHash[..12]}… to {file.FullName}");
                }
                else if (client.OutputOf(parseResult) == OutputFormat.Json)
                {
                    CliConsole.Json(export);
                }
                else
                {
                    WriteTable(export);
                }

                return ExitCodes.Success;
            });
        });
    }

    private static async Task WriteAsync(FileInfo file, SubjectExportView export, CancellationToken cancellationToken)
    {
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var stream = new FileStream(file.FullName, create);
            await JsonSerializer.SerializeAsync(stream, export, Indented, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Failure, $"cannot write {file.FullName}: {e.Message}", e);
        }
    }

    private static void WriteTable(SubjectExportView export)
    {
        var table = TableFormat.Create("Prediction", "Time", "Endpoint", "Model", "Output", "Reasons", "Reviews", "Inputs");
        foreach (var d in export.Decisions)
        {
            var reasons = d.Explanation?.ReasonCodes.Select(r => r.Feature) ?? d.ErasedReasons?.Select(r => r.Feature) ?? [];
            table.AddTextRow(
                d.Id.ToString(),
                TableFormat.Time(d.Timestamp),
                d.Endpoint,
                $"{d.Model} v{d.Version.ToString(CultureInfo.InvariantCulture)}",
                TableFormat.Shorten(d.Output.GetRawText(), 40),
                string.Join(", ", reasons),
                string.Join(", ", d.Reviews.Select(r => r.Action)),
                d.ErasedAt is { } erased ? $"erased {TableFormat.Time(erased)}" : "held");
        }

        CliConsole.Write(table);
        CliConsole.Line($"{export.Decisions.Count} decision(s) of subject {export.SubjectHash}" + (export.Truncated ? " (more exist; the first are listed)" : string.Empty));
    }
}
