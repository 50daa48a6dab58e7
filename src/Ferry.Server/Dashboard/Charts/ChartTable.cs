namespace Ferry.Server.Dashboard.Charts;

/// <summary>The numbers behind a chart as a table in a closed <c>&lt;details&gt;</c>, for screen-reader and keyboard users.</summary>
internal static class ChartTable
{
    /// <summary>A table with column headers; each row's first cell is its row header.</summary>
    public static Html Render(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows) =>
        Html.Of($"""<details class="chart-data"><summary>Data table</summary><table class="chart-table"><caption>{caption}</caption><thead><tr>{Html.Each(headers, h => Html.Of($"<th scope=\"col\">{h}</th>"))}</tr></thead><tbody>{Html.Each(rows, Row)}</tbody></table></details>""");

    private static Html Row(IReadOnlyList<string> cells) =>
        Html.Of($"<tr>{Html.Each(cells.Select((text, i) => (text, i)), c => c.i == 0 ? Html.Of($"<th scope=\"row\">{c.text}</th>") : Html.Of($"<td>{c.text}</td>"))}</tr>");
}
