using System.Globalization;
using Spectre.Console;

namespace Ferry.Cli.Output;

/// <summary>Small helpers for building Spectre tables from API values (text is never read as markup).</summary>
internal static class TableFormat
{
    public static Table Create(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        }

        // The first column identifies the row (an id, a sequence): it is never broken across lines.
        table.Columns[0].NoWrap();

        return table;
    }

    public static void AddTextRow(this Table table, params string?[] cells) =>
        table.AddRow([.. cells.Select(cell => new Text(cell ?? string.Empty))]);

    public static string Time(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    public static string Shorten(string text, int maxLength) =>
        text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength - 1), "…");
}
