using System.Globalization;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Server.Identity;
using Ferry.Server.Oversight.Subjects;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// Subject tools for admins (<c>/ui/subjects</c>): look a data subject up by key (a POSTed form, so the key never
/// appears in a URL or an access log), list every decision about them, and erase their personal inputs after an
/// explicit confirmation. Both actions are audited (<c>subject.export</c>, <c>subject.erase</c>).
/// </summary>
public static class SubjectsPage
{
    /// <summary>The page's address.</summary>
    public const string Path = "/ui/subjects";

    /// <summary>The erase form's address.</summary>
    public const string ErasePath = "/ui/subjects/erase";

    /// <summary>The word an admin types to confirm an erasure.</summary>
    public const string ConfirmWord = "ERASE";

    /// <summary>The empty lookup form.</summary>
    public static IResult Render(HttpContext context) => Page(context, StatusCodes.Status200OK, null, Html.Empty);

    /// <summary>Looks a subject up and lists their decisions.</summary>
    public static async Task<IResult> LookupAsync(HttpContext context, SubjectService subjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(subjects);
        if (await FormAsync(context, cancellationToken) is not { } form)
        {
            return Page(context, StatusCodes.Status400BadRequest, null, Error(SignInPage.ForgedFormMessage));
        }

        var key = form["key"].ToString().Trim();
        if (key.Length == 0)
        {
            return Page(context, StatusCodes.Status400BadRequest, null, Error("Enter the subject's key."));
        }

        var export = await subjects.ExportAsync(key, context.User.ActorName(), cancellationToken);
        return Page(context, StatusCodes.Status200OK, key, Decisions(context, key, export));
    }

    /// <summary>Erases a subject's personal inputs once the admin typed the confirmation word.</summary>
    public static async Task<IResult> EraseAsync(HttpContext context, SubjectService subjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(subjects);
        if (await FormAsync(context, cancellationToken) is not { } form)
        {
            return Page(context, StatusCodes.Status400BadRequest, null, Error(SignInPage.ForgedFormMessage));
        }

        var key = form["key"].ToString().Trim();
        if (key.Length == 0)
        {
            return Page(context, StatusCodes.Status400BadRequest, null, Error("Enter the subject's key."));
        }

        if (!string.Equals(form["confirm"].ToString().Trim(), ConfirmWord, StringComparison.Ordinal))
        {
            return Page(context, StatusCodes.Status400BadRequest, key, Error($"Nothing was erased: type {ConfirmWord} to confirm."));
        }

        SubjectErasureView erasure;
        try
        {
            erasure = await subjects.EraseAsync(key, context.User.ActorName(), cancellationToken);
        }
        catch (ValidationException e)
        {
            return Page(context, StatusCodes.Status400BadRequest, key, Error(e.Message));
        }

        var done = Html.Of($"""
            <p class="notice" role="status" id="erasure-result">Erased the personal inputs of {erasure.Erased} decision(s) ({erasure.AlreadyErased} were erased before),
            removed {erasure.Feedback} ground-truth row(s), redacted {erasure.ProfileBuckets} and removed {erasure.ProfileBucketsRemoved} monitoring profile bucket(s).
            Each decision's record (id, time, version, output, reason codes, digests) stays.</p>
            """);
        return Page(context, StatusCodes.Status200OK, null, done);
    }

    private static async Task<IFormCollection?> FormAsync(HttpContext context, CancellationToken cancellationToken)
    {
        // First: once the antiforgery check failed, ASP.NET Core refuses to look at the form at all (even its content type).
        if (!await DashboardForms.IsValidAsync(context) || !context.Request.HasFormContentType)
        {
            return null;
        }

        return await context.Request.ReadFormAsync(cancellationToken);
    }

    private static Html Error(string message) => Html.Of($"<p class=\"error\" role=\"alert\" id=\"subject-error\">{message}</p>");

    private static Html Decisions(HttpContext context, string key, SubjectExportView export)
    {
        if (export.Decisions.Count == 0)
        {
            return Ui.Empty("No decision carries this key.", Html.Text("Only endpoints with a subject field (ferry endpoints subject-field) record subject keys, and only from the moment it was set."));
        }

        var rows = Html.Each(export.Decisions, d => Html.Of($"""
            <tr><td>{Ui.Time(d.Timestamp)}</td><td><a href="{DashboardLinks.Endpoint(d.Endpoint)}">{d.Endpoint}</a></td><td>{d.Model} v{d.Version}</td>
            <td><code>{d.Output.GetRawText()}</code></td><td>{Reasons(d)}</td><td>{string.Join(", ", d.Reviews.Select(r => r.Action))}</td>
            <td>{(d.ErasedAt is { } erased ? Html.Of($"erased {Ui.Time(erased)}") : Html.Of($"<code>{d.Inputs?.GetRawText()}</code>"))}</td>
            <td>{(d.ErasedAt is null ? Html.Of($"<a href=\"{DashboardLinks.Prediction(d.Endpoint, d.Id)}\">why</a>") : Html.Empty)}</td></tr>
            """));
        var table = Ui.Table($"{export.Decisions.Count.ToString(CultureInfo.InvariantCulture)} decision(s) about this subject, oldest first",
            Html.Raw("<th scope=\"col\">When</th><th scope=\"col\">Endpoint</th><th scope=\"col\">Model</th><th scope=\"col\">Output</th><th scope=\"col\">Main reasons</th><th scope=\"col\">Reviews</th><th scope=\"col\">Inputs</th><th scope=\"col\"></th>"),
            rows);
        var erase = Html.Of($"""
            <form method="post" action="{ErasePath}" id="erase-form">
            {DashboardForms.Field(context)}
            <input type="hidden" name="key" value="{key}">
            <p>Erasing removes this subject's inputs from the prediction log, their ground truth and their values in monitoring profiles. The decisions' records stay. It cannot be undone.</p>
            <label for="erase-confirm">Type {ConfirmWord} to confirm<input id="erase-confirm" name="confirm" autocomplete="off"></label>
            <button type="submit">Erase personal inputs</button>
            </form>
            """);
        return Html.Join([Html.Of($"<p>Subject hash <code>{export.SubjectHash}</code>{(export.Truncated ? " (more decisions exist; the first are listed)" : string.Empty)}</p>"), table, erase]);
    }

    private static Html Reasons(SubjectDecisionView d)
    {
        var features = d.Explanation?.ReasonCodes.Select(r => r.Feature) ?? d.ErasedReasons?.Select(r => r.Feature);
        return features is null ? Html.Text(d.ExplanationError ?? "–") : Html.Text(string.Join(", ", features));
    }

    private static IResult Page(HttpContext context, int status, string? key, Html body)
    {
        var lookup = Html.Of($"""
            <form class="filters" method="post" action="{Path}" id="lookup-form">
            {DashboardForms.Field(context)}
            <label for="subject-key">Subject key (as sent in the endpoint's subject field)<input id="subject-key" name="key" value="{key}" autocomplete="off"></label>
            <button type="submit">Look up</button>
            </form>
            """);
        return Layout.Page(context, status, Layout.Section.Audit, "Data subjects",
            Html.Text("Find every decision about a person by their key, export it (ferry subjects export), or erase their personal inputs. Lookups and erasures are audited."),
            Html.Join([lookup, body]));
    }
}
