using System.Globalization;
using System.Net;
using System.Text;
using Ferry.Core.Contracts;

namespace Ferry.Server.Explain.Notices;

/// <summary>
/// A decision notice as one self-contained HTML5 page for the affected person: inline CSS for screen and print, no
/// script, no external asset; every piece of text is HTML-encoded.
/// </summary>
public static class DecisionNoticeHtml
{
    private const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.55;color:#1a1a1a;"
        + "background:#fff;max-width:760px;margin:2rem auto;padding:0 1.25rem}"
        + "h1{font-size:1.6rem;margin:0 0 1rem;border-bottom:2px solid #1a1a1a;padding-bottom:.4rem}"
        + "h2{font-size:1.2rem;margin:1.8rem 0 .5rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}"
        + ".decision{font-size:1.3rem;font-weight:600}ol li{margin:.35rem 0}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}"
        + "dt{font-weight:600}dd{margin:0}.note{color:#555;font-size:.92rem}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}"
        + "@media print{body{max-width:none;margin:0;font-size:11pt}}";

    /// <summary>Renders the notice.</summary>
    public static string Render(DecisionNoticeView notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var html = new StringBuilder(4096)
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Decision notice ").Append(E(notice.PredictionId.ToString())).Append("</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>Notice of an automated decision</h1>\n")
            .Append("<dl>\n")
            .Append("<dt>Reference</dt><dd><code>").Append(E(notice.PredictionId.ToString())).Append("</code></dd>\n")
            .Append("<dt>Date</dt><dd>").Append(E(notice.ServedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))).Append("</dd>\n")
            .Append("<dt>System</dt><dd>").Append(E(notice.Version == 0 ? $"{notice.Endpoint} (model not used)" : $"{notice.Model} version {notice.Version}, served by {notice.Endpoint}")).Append("</dd>\n")
            .Append("</dl>\n");

        html.Append("<h2>The decision</h2>\n")
            .Append("<p class=\"decision\" id=\"decision\">").Append(E(notice.Decision.Text)).Append("</p>\n")
            .Append("<p>").Append(E(notice.Decision.Statement)).Append("</p>\n");
        if (notice.FinalDecision != notice.Decision.Text)
        {
            html.Append("<p id=\"final-decision\"><strong>The decision that stands, after a person's review: ").Append(E(notice.FinalDecision)).Append(".</strong></p>\n");
        }

        html.Append("<h2>The main factors</h2>\n");
        if (notice.Factors.Count > 0)
        {
            html.Append("<ol id=\"factors\">\n");
            foreach (var factor in notice.Factors)
            {
                html.Append("<li data-feature=\"").Append(E(factor.Feature)).Append("\" data-direction=\"").Append(E(factor.Direction)).Append("\">")
                    .Append(E(factor.Sentence)).Append("</li>\n");
            }

            html.Append("</ol>\n");
        }

        if (notice.FactorsNote is { } note)
        {
            html.Append("<p class=\"note\" id=\"factors-note\">").Append(E(note)).Append("</p>\n");
        }

        html.Append("<h2>Human review</h2>\n");
        if (notice.Reviews.Count == 0)
        {
            html.Append("<p id=\"review\">No person has reviewed this decision yet.</p>\n");
        }
        else
        {
            html.Append("<ul id=\"review\">\n");
            foreach (var review in notice.Reviews)
            {
                html.Append("<li>").Append(E(review.Statement)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("<h2>How to contest this decision</h2>\n<div id=\"contest\">");
        foreach (var paragraph in notice.Contest.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            html.Append("<p>").Append(E(paragraph).Replace("\n", "<br>\n", StringComparison.Ordinal)).Append("</p>\n");
        }

        html.Append("</div>\n")
            .Append("<p class=\"note\">This notice was produced from the decision's record. Its factors are computed with SHAP from the inputs the model received.</p>\n")
            .Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
