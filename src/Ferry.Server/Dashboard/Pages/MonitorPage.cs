using Ferry.Core.Monitoring;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// The frame of an endpoint page that shows one of the endpoint's monitors of a kind (drift, performance): not found
/// for an unknown endpoint, else the endpoint's tabs, the monitor picker and the chosen monitor's body.
/// </summary>
/// <param name="Tab">The endpoint tab the page is.</param>
/// <param name="Title">The page title.</param>
/// <param name="Lead">The lead paragraph.</param>
/// <param name="Action">The page's own link, where the monitor picker submits.</param>
/// <param name="None">The body when no monitor of the endpoint does the check.</param>
public sealed record MonitorPage(string Tab, string Title, Html Lead, string Action, Html None)
{
    /// <summary>Renders the page of endpoint <paramref name="name"/> for the monitor <paramref name="requested"/> (else the first).</summary>
    /// <param name="context">The request.</param>
    /// <param name="name">The endpoint.</param>
    /// <param name="requested">The monitor asked for, if any.</param>
    /// <param name="relevant">Whether a monitor's spec does the page's check.</param>
    /// <param name="body">The body for the chosen monitor.</param>
    /// <param name="clock">The clock.</param>
    /// <param name="cancellationToken">Stops the reads.</param>
    public async Task<IResult> RenderAsync(HttpContext context, string name, string? requested, Func<MonitorSpec, bool> relevant, Func<MonitorDefinition, Task<Html>> body, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var view = await EndpointView.LoadAsync(name, null, context.RequestServices, clock, cancellationToken);
        if (view is null || !await DashboardPermissions.MayReadAsync(context, view, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No endpoint is named '{name}'.");
        }

        var choice = MonitorChoice.Pick(view, requested, relevant);
        var shown = choice.Chosen is { } chosen ? await body(chosen) : None;
        return Layout.Page(context, Layout.Section.Models, Title, Lead, Html.Join([view.Tabs(Tab), choice.Picker(Action), shown]), view.Crumbs(includeSelf: true));
    }
}
