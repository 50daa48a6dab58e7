using System.Globalization;

namespace Ferry.Server.Dashboard;

/// <summary>Small fragments every page uses: badges, times, terms with explanations, empty states, tables.</summary>
public static class Ui
{
    /// <summary>Kinds of status badge (the text always says the status too; colour is never the only cue).</summary>
    public enum Tone
    {
        /// <summary>Healthy, passed.</summary>
        Ok,

        /// <summary>Needs attention.</summary>
        Warn,

        /// <summary>Failed, open alert.</summary>
        Fail,

        /// <summary>No information.</summary>
        None,
    }

    /// <summary>A status badge.</summary>
    public static Html Badge(string text, Tone tone) => Html.Of($"<span class=\"badge {tone.ToString().ToLowerInvariant()}\">{text}</span>");

    /// <summary>A UTC time from epoch milliseconds, machine-readable in <c>datetime</c>.</summary>
    public static Html Time(long epochMs) => Time(DateTimeOffset.FromUnixTimeMilliseconds(epochMs));

    /// <summary>A UTC time, machine-readable in <c>datetime</c>.</summary>
    public static Html Time(DateTimeOffset at) =>
        Html.Of($"<time datetime=\"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\">{at.UtcDateTime:yyyy-MM-dd HH:mm} UTC</time>");

    /// <summary>A term with its explanation as a tooltip (and for screen readers, in the title).</summary>
    public static Html Term(string term, string explanation) => Html.Of($"<abbr title=\"{explanation}\">{term}</abbr>");

    /// <summary>An empty state: what is missing and what to do about it.</summary>
    public static Html Empty(string what, Html todo) => Html.Of($"<div class=\"empty\" role=\"status\"><p><strong>{what}</strong></p><p>{todo}</p></div>");

    /// <summary>A table in a horizontally scrolling wrapper (readable at phone width).</summary>
    public static Html Table(string caption, Html head, Html rows) =>
        Html.Of($"<div class=\"table-wrap\" role=\"region\" aria-label=\"{caption}\" tabindex=\"0\"><table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>");

    /// <summary>Wraps every table of trusted, already-rendered markup (the model card's) in a horizontally scrolling, focusable region.</summary>
    public static Html WrapTables(string trustedMarkup)
    {
        ArgumentNullException.ThrowIfNull(trustedMarkup);
        return Html.Raw(trustedMarkup
            .Replace("<table>", "<div class=\"table-wrap\" role=\"region\" aria-label=\"table\" tabindex=\"0\"><table>", StringComparison.Ordinal)
            .Replace("</table>", "</table></div>", StringComparison.Ordinal));
    }

    /// <summary>A summary card: label, big value, note.</summary>
    public static Html Card(string label, Html value, string? note = null) =>
        Html.Of($"<div class=\"card\"><p class=\"label\">{label}</p><p class=\"value\">{value}</p>{(note is null ? Html.Empty : Html.Of($"<p class=\"note\">{note}</p>"))}</div>");

    /// <summary>A number for people: invariant culture, thousands separated.</summary>
    public static string Number(double value, string format = "N0") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    /// <summary>A share as a percentage.</summary>
    public static string Percent(double share, int decimals = 1) =>
        double.IsFinite(share) ? (share * 100).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " %" : "–";
}
