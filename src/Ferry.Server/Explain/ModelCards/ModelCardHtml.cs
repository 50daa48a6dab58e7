using System.Net;
using System.Text;
using Markdig;

namespace Ferry.Server.Explain.ModelCards;

/// <summary>
/// Turns a model card's Markdown into one self-contained HTML5 page: inline CSS for screen and print, no script, no
/// external asset. Raw HTML in the Markdown is not passed through (it is shown as text).
/// </summary>
public static class ModelCardHtml
{
    private const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;font-size:16px;line-height:1.55;"
        + "color:#1a1a1a;background:#fff;max-width:900px;margin:2rem auto;padding:0 1.25rem}"
        + "h1{font-size:1.8rem;line-height:1.25;margin:0 0 1rem;border-bottom:2px solid #1a1a1a;padding-bottom:.4rem}"
        + "h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:1px solid #ccc;padding-bottom:.25rem}"
        + "h3{font-size:1.08rem;margin:1.4rem 0 .5rem}"
        + "p,ul{margin:.5rem 0 .9rem}li{margin:.2rem 0}"
        + "table{border-collapse:collapse;margin:.6rem 0 1.1rem;width:100%;font-size:.95rem}"
        + "th,td{border:1px solid #bbb;padding:.35rem .6rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}"
        + "th{background:#f2f2f2;font-weight:600}tbody tr:nth-child(even){background:#fafafa}"
        + "code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#f2f2f2;padding:.05rem .3rem;border-radius:3px;overflow-wrap:anywhere}"
        + "hr{border:0;border-top:1px solid #ccc;margin:2rem 0 1rem}em{color:#555}"
        + "@media print{body{max-width:none;margin:0;padding:0;font-size:11pt;color:#000}"
        + "h2{break-after:avoid}tr{break-inside:avoid}th{background:#eee}tbody tr:nth-child(even){background:none}code{background:none;padding:0}}";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .DisableHtml()
        .Build();

    /// <summary>Renders <paramref name="markdown"/> (a card from <see cref="ModelCardMarkdown"/>) as a complete HTML page.</summary>
    /// <param name="markdown">The card's Markdown.</param>
    /// <param name="title">The page title (HTML-encoded here).</param>
    /// <returns>An HTML5 document.</returns>
    public static string Render(string markdown, string title)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        ArgumentNullException.ThrowIfNull(title);
        var body = RenderBody(markdown);
        return new StringBuilder(body.Length + Style.Length + 512)
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n<main>\n")
            .Append(body)
            .Append("</main>\n</body>\n</html>\n")
            .ToString();
    }

    /// <summary>The card's Markdown as an HTML fragment (raw HTML in it shown as text), for embedding in a page.</summary>
    public static string RenderBody(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        return Markdown.ToHtml(markdown, Pipeline);
    }
}
