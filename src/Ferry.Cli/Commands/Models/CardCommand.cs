using System.CommandLine;
using Ferry.Cli.Output;
using Ferry.Client;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Models;

/// <summary>
/// <c>ferry models card NAME VERSION [--format markdown|html] [--file FILE] [--set key=value ...]</c>: a version's
/// model card (who owns it, what it is for, its lineage, signature, metrics, importance and fairness). With
/// <c>--set</c>, the editable fields are changed first (the card is fetched, the given fields merged in and the whole
/// set put back; an empty value clears a field). The card goes to stdout, or to <c>--file FILE</c>.
/// </summary>
internal sealed class CardCommand : Command
{
    /// <summary>The keys <c>--set</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Keys =
        ["owner", "intended-use", "limitations", "ethical-considerations", "fairness-attribute", "decision-threshold", "positive-decision", "negative-decision", "positive-outcome", "contest"];

    private readonly Argument<string> _name = new("name") { Description = "The registered model" };
    private readonly Argument<int> _version = new("version") { Description = "The version" };
    private readonly Option<string> _format = CreateFormat();
    private readonly Option<FileInfo?> _output = new("--file") { Description = "Write the card to this file [default: stdout]", HelpName = "file" };

    private readonly Option<string[]> _set = new("--set")
    {
        Description = $"Change an editable field first: {string.Join(", ", Keys)} (repeat for several; an empty value clears the field)",
        HelpName = "key=value",
    };

    public CardCommand(ClientOptions client)
        : base("card", "Show a version's model card (Markdown or HTML), or edit its owner, intended use, limitations and ethical considerations.")
    {
        Arguments.Add(_name);
        Arguments.Add(_version);
        Options.Add(_format);
        Options.Add(_output);
        Options.Add(_set);
        this.SetGuardedAction((parseResult, cancellationToken) =>
        {
            // Checked before any request, so a typo fails fast with exit code 2.
            var changes = ParseSets(parseResult.GetValue(_set) ?? []);
            return client.RunAsync(parseResult, async ferry =>
            {
                var name = parseResult.GetValue(_name)!;
                var version = parseResult.GetValue(_version);
                var format = parseResult.GetValue(_format)!;
                var text = await FetchAsync(ferry, name, version, format, changes, cancellationToken);
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

                CliConsole.Line($"Wrote the {(format == "html" ? "HTML" : "Markdown")} model card of {name} version {version}"
                    + (changes.Count > 0 ? $" (updated {string.Join(", ", changes.Keys)})" : string.Empty) + $" to {file.FullName}");
                return ExitCodes.Success;
            });
        });
    }

    /// <summary>Applies <paramref name="changes"/> (if any) and returns the card in <paramref name="format"/>.</summary>
    private static async Task<string> FetchAsync(
        FerryClient ferry, string name, int version, string format, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return await ferry.Models.GetCardTextAsync(name, version, format, cancellationToken);
        }

        var current = await ferry.Models.GetCardAsync(name, version, cancellationToken);
        var updated = await ferry.Models.SetCardAsync(name, version, Merge(current.Fields ?? new ModelCardFields(), changes), cancellationToken);
        return format == "markdown"
            ? updated.Markdown
            : await ferry.Models.GetCardTextAsync(name, version, format, cancellationToken);
    }

    /// <summary>The card's fields with <paramref name="changes"/> applied (key → new value, null to clear).</summary>
    internal static ModelCardFields Merge(ModelCardFields fields, IReadOnlyDictionary<string, string?> changes)
    {
        var merged = fields with { };
        foreach (var (key, value) in changes)
        {
            switch (key)
            {
                case "owner":
                    merged.Owner = value;
                    break;
                case "intended-use":
                    merged.IntendedUse = value;
                    break;
                case "limitations":
                    merged.Limitations = value;
                    break;
                case "ethical-considerations":
                    merged.EthicalConsiderations = value;
                    break;
                case "fairness-attribute":
                    merged.FairnessAttribute = value;
                    break;
                case "decision-threshold":
                    merged.DecisionThreshold = value is null ? null
                        : double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var threshold) && double.IsFinite(threshold) ? threshold
                        : throw new CliException(ExitCodes.InvalidArguments, $"--set decision-threshold: '{value}' is not a number");
                    break;
                case "positive-decision":
                    merged.PositiveDecision = value;
                    break;
                case "negative-decision":
                    merged.NegativeDecision = value;
                    break;
                case "positive-outcome":
                    merged.PositiveOutcome = value;
                    break;
                case "contest":
                    merged.Contest = value;
                    break;
                default:
                    throw new CliException(ExitCodes.InvalidArguments, $"--set: unknown field '{key}' (use {string.Join(", ", Keys)})");
            }
        }

        return merged;
    }

    /// <summary>Parses <c>key=value</c> pairs; the last value of a key wins; an empty value means "clear".</summary>
    /// <exception cref="CliException">A pair without '=' or an unknown key (exit code 2).</exception>
    internal static IReadOnlyDictionary<string, string?> ParseSets(IEnumerable<string> sets)
    {
        var changes = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            var equals = set.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"--set expects key=value (keys: {string.Join(", ", Keys)}), not '{set}'");
            }

            var key = set[..equals].Trim().ToLowerInvariant();
            if (!Keys.Contains(key, StringComparer.Ordinal))
            {
                throw new CliException(ExitCodes.InvalidArguments, $"--set: unknown field '{set[..equals].Trim()}' (use {string.Join(", ", Keys)})");
            }

            var value = set[(equals + 1)..].Trim();
            changes[key] = value.Length == 0 ? null : value;
        }

        return changes;
    }

    private static Option<string> CreateFormat()
    {
        var format = new Option<string>("--format", "-f")
        {
            Description = "markdown or html (a self-contained page)",
            DefaultValueFactory = _ => "markdown",
        };
        format.AcceptOnlyFromAmong("markdown", "html");
        return format;
    }
}
