using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli.Commands.Models;

/// <summary>
/// <c>ferry models docs NAME VERSION [--format md|html] [--out FILE]</c>: a version's technical documentation in the
/// shape of the EU AI Act's Annex IV (purpose and limits, data lineage, design, validation, monitoring plan, human
/// oversight, change log), assembled by the server from what Ferry holds. It goes to stdout, or to <c>--out FILE</c>.
/// </summary>
internal sealed class DocsCommand : Command
{
    private readonly Argument<string> _name = new("name") { Description = "The registered model" };
    private readonly Argument<int> _version = new("version") { Description = "The version" };
    private readonly Option<string> _format = CreateFormat();
    private readonly Option<FileInfo?> _output = new("--out", "-o") { Description = "Write the document to this file [default: stdout]", HelpName = "file" };

    public DocsCommand(ClientOptions client)
        : base("docs", "Write a version's technical documentation (EU AI Act Annex IV) as Markdown or a self-contained HTML page.")
    {
        Arguments.Add(_name);
        Arguments.Add(_version);
        Options.Add(_format);
        Options.Add(_output);
        this.SetGuardedAction((parseResult, cancellationToken) => client.RunAsync(parseResult, async ferry =>
        {
            var name = parseResult.GetValue(_name)!;
            var version = parseResult.GetValue(_version);
            var format = parseResult.GetValue(_format)!;
            var text = await ferry.Models.GetDocumentationTextAsync(name, version, format, cancellationToken);
            if (parseResult.GetValue(_output) is not { } file)
            {
                CliConsole.Line(text.TrimEnd('\n'));
                return ExitCodes.Success;
            }

            try
            {
                await File.WriteAllTextAsync(file.FullName, text, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Failure, $"cannot write {file.FullName}: {e.Message}", e);
            }

            CliConsole.Line($"Wrote the {(format == "html" ? "HTML" : "Markdown")} technical documentation of {name} version {version} to {file.FullName}");
            return ExitCodes.Success;
        }));
    }

    private static Option<string> CreateFormat()
    {
        var format = new Option<string>("--format", "-f")
        {
            Description = "md or html (a self-contained page)",
            DefaultValueFactory = _ => "md",
        };
        format.AcceptOnlyFromAmong("md", "html");
        return format;
    }
}
