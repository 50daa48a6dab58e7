using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Oversight;
using Ferry.Server.Identity;
using Ferry.Server.Oversight;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// The endpoint page's suspension banner (who, when, why) and, for approvers, its suspend/resume form: posted with
/// antiforgery to <c>/ui/endpoints/{name}/suspension</c>, applied through <see cref="Suspensions"/> (audited and
/// alerted as the API's route), then redirected back to the page (post-redirect-get).
/// </summary>
public static class SuspensionSection
{
    /// <summary>The form's address.</summary>
    public static string Link(string endpoint) => $"{DashboardLinks.Endpoint(endpoint)}/suspension";

    /// <summary>The banner (while suspended) and the form (approvers and above).</summary>
    public static async Task<Html> RenderAsync(HttpContext context, string endpoint, string? error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = await context.RequestServices.GetRequiredService<IEndpointOversightStore>().GetAsync(endpoint, cancellationToken)
            ?? EndpointOversight.Defaults(endpoint);
        var banner = settings.Suspended
            ? Html.Of($"""
                <div class="banner suspended" role="alert" id="suspended-banner">
                <p><strong>Suspended</strong>: this endpoint answers its fallback <code>{SuspensionFallback.Of(settings)}</code> to every request; no model runs.</p>
                <p>By <strong>{settings.SuspendedBy}</strong> at {(settings.SuspendedAt is { } at ? Ui.Time(at) : Html.Text("–"))}. Reason: {settings.SuspendReason}</p>
                </div>
                """)
            : Html.Empty;
        var message = error is null ? Html.Empty : Html.Of($"<p class=\"error\" role=\"alert\" id=\"suspension-error\">{error}</p>");
        if (FerryPolicies.RoleOf(context.User) < Role.Approver)
        {
            return Html.Join([banner, message]);
        }

        var (verb, label, hint) = settings.Suspended
            ? ("resume", "Resume the model", "The model answers again at once on this server (other replicas within the policy refresh interval).")
            : ("suspend", "Suspend the model", "Every request then gets the fallback answer (refer to a human); audited and alerted.");
        var form = Html.Of($"""
            <form method="post" action="{Link(endpoint)}" class="suspension" id="suspension-form">
            {DashboardForms.Field(context)}
            <input type="hidden" name="action" value="{verb}">
            <label for="suspension-reason">Reason (required)</label>
            <textarea id="suspension-reason" name="reason" required maxlength="{Suspensions.MaxReasonLength}"></textarea>
            <p class="hint">{hint}</p>
            <button type="submit">{label}</button>
            </form>
            """);
        return Html.Join([banner, message, form]);
    }

    /// <summary>Suspends or resumes (POST, antiforgery-protected; approver; EDIT on every model the endpoint serves).</summary>
    public static async Task<IResult> SubmitAsync(HttpContext context, string name, Suspensions suspensions, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(suspensions);
        var cancellationToken = context.RequestAborted;
        var view = await EndpointView.LoadAsync(name, null, context.RequestServices, clock, cancellationToken);
        if (view is null || !await DashboardPermissions.MayReadAsync(context, view, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No endpoint is named '{name}'.");
        }

        foreach (var model in DashboardPermissions.ModelsOf(view.Endpoint))
        {
            if (!await DashboardPermissions.MayAsync(context, model, PermissionLevel.Edit, cancellationToken))
            {
                return await EndpointPage.RenderWithErrorAsync(context, name, $"Suspending or resuming needs EDIT on '{model}'.", StatusCodes.Status403Forbidden);
            }
        }

        if (!await DashboardForms.IsValidAsync(context) || !context.Request.HasFormContentType)
        {
            return await EndpointPage.RenderWithErrorAsync(context, name, SignInPage.ForgedFormMessage, StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var reason = form["reason"].ToString();
        try
        {
            _ = form["action"].ToString() switch
            {
                "suspend" => await suspensions.SuspendAsync(name, reason, null, context.User.ActorName(), cancellationToken),
                "resume" => await suspensions.ResumeAsync(name, reason, context.User.ActorName(), cancellationToken),
                _ => throw new ValidationException("action", "must be suspend or resume"),
            };
        }
        catch (ValidationException e)
        {
            return await EndpointPage.RenderWithErrorAsync(context, name, string.Join(" ", e.Errors.SelectMany(kv => kv.Value.Select(m => $"{kv.Key} {m}"))), StatusCodes.Status400BadRequest);
        }
        catch (ConflictException e)
        {
            return await EndpointPage.RenderWithErrorAsync(context, name, $"Refused: {e.Message}", StatusCodes.Status409Conflict);
        }

        return TypedResults.Redirect(DashboardLinks.Endpoint(name));
    }
}
