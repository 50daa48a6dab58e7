using Ferry.Core.Monitoring;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>The endpoint's monitors that do one kind of check, and the one a page shows (asked for, else the first).</summary>
/// <param name="Candidates">Monitors of the endpoint whose spec has the check.</param>
/// <param name="Chosen">The one shown, or null when there is none.</param>
public sealed record MonitorChoice(IReadOnlyList<MonitorDefinition> Candidates, MonitorDefinition? Chosen)
{
    /// <summary>Picks among the endpoint's monitors whose spec passes <paramref name="relevant"/>.</summary>
    public static MonitorChoice Pick(EndpointView view, string? requested, Func<MonitorSpec, bool> relevant)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(relevant);
        var candidates = view.Monitors.Where(m => relevant(EndpointView.SpecOf(m))).ToList();
        return new(candidates, candidates.FirstOrDefault(m => m.Name == requested) ?? candidates.FirstOrDefault());
    }

    /// <summary>A form to switch monitors, when there is more than one.</summary>
    public Html Picker(string action) => Candidates.Count <= 1 ? Html.Empty : Html.Of($"""
        <form class="filters" method="get" action="{action}"><label for="monitor">Monitor
        <select id="monitor" name="monitor">{Html.Each(Candidates, m => m == Chosen ? Html.Of($"<option selected>{m.Name}</option>") : Html.Of($"<option>{m.Name}</option>"))}</select></label>
        <button type="submit">Show</button></form>
        """);
}
