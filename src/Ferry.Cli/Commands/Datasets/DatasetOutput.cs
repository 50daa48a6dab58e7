using System.Globalization;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;
using Spectre.Console;

namespace Ferry.Cli.Commands.Datasets;

/// <summary>How datasets are printed.</summary>
internal static class DatasetOutput
{
    /// <summary>A table of datasets.</summary>
    public static void WriteList(IReadOnlyList<DatasetView> datasets)
    {
        if (datasets.Count == 0)
        {
            CliConsole.Line("No datasets.");
            return;
        }

        var table = new Table().AddColumns("name", "endpoint", "from", "to", "rows", "labelled", "coverage", "holdout", "reference", "digest");
        foreach (var d in datasets)
        {
            table.AddRow(
                Markup.Escape(d.Name), Markup.Escape(d.Endpoint), Time(d.From), Time(d.To),
                Count(d.Rows), Count(d.LabelledRows), d.LabelCoverage.ToString("P1", CultureInfo.InvariantCulture),
                Count(d.HoldoutRows), Count(d.ReferenceRows), d.Digest[..Math.Min(12, d.Digest.Length)]);
        }

        CliConsole.Write(table);
    }

    /// <summary>One dataset in detail.</summary>
    public static void WriteOne(DatasetView d)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string value) => grid.AddRow(Markup.Escape(key), Markup.Escape(value));
        Row("name", d.Name);
        Row("endpoint", d.Endpoint);
        Row("window", $"{Time(d.From)} .. {Time(d.To)}");
        Row("as of", Time(d.AsOf));
        Row("label delay max", d.LabelDelayMaxMs is { } ms ? TimeSpan.FromMilliseconds(ms).ToString("g", CultureInfo.InvariantCulture) : "none");
        Row("rows", $"{Count(d.Rows)} production ({Count(d.LabelledRows)} labelled, {d.LabelCoverage.ToString("P1", CultureInfo.InvariantCulture)}), {Count(d.ReferenceRows)} reference");
        Row("holdout", d.HoldoutFrom is { } from ? $"{Count(d.HoldoutRows)} labelled rows from {Time(from)}" : "none");
        Row("versions", string.Join(", ", d.Versions.Select(v => $"{v.Key}: {Count(v.Value)}")));
        Row("columns", string.Join(", ", d.Columns));
        Row("train", $"{d.ArtifactPath} ({Count(d.SizeBytes)} bytes, sha256 {d.Digest})");
        if (d.HoldoutArtifactPath is { } holdout)
        {
            Row("holdout file", $"{holdout} (sha256 {d.HoldoutDigest})");
        }

        Row("built", $"{Time(d.CreatedAt)} by {d.CreatedBy}");
        CliConsole.Write(grid);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
