using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ferry.Cli.Output;

/// <summary>Everything the CLI prints goes through here: results on stdout, one-line errors on stderr.</summary>
internal static partial class CliConsole
{
    // Piped or redirected output has no terminal width; a wide one keeps each table row on one line for grep and friends.
    private const int RedirectedWidth = 400;

    private static readonly JsonSerializerOptions Indented = new(FerryJson.Options) { WriteIndented = true };

    private static readonly Lazy<IAnsiConsole> Stdout = new(() =>
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    });

    /// <summary>Writes <c>error: message</c> as a single line on stderr, with secrets masked.</summary>
    public static void Error(string message)
    {
        var line = Whitespace().Replace(SecretRedactor.Redact(message), " ").Trim();
        Console.Error.WriteLine("error: " + line);
    }

    /// <summary>Writes a value as indented JSON (the API's shape) on stdout.</summary>
    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>Writes a plain line on stdout, exactly as given (no markup, no wrapping).</summary>
    public static void Line(string text = "") => Console.Out.WriteLine(text);

    /// <summary>Writes a line of Spectre markup on stdout.</summary>
    public static void Markup(string markup) => Stdout.Value.MarkupLine(markup);

    /// <summary>Writes a table (or any renderable) on stdout.</summary>
    public static void Write(IRenderable renderable) => Stdout.Value.Write(renderable);

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();
}
