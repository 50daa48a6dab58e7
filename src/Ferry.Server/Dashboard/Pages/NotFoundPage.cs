namespace Ferry.Server.Dashboard.Pages;

/// <summary>A 404 page inside the dashboard's layout.</summary>
public static class NotFoundPage
{
    /// <summary>Renders what was not found, with a way back.</summary>
    public static IResult Render(HttpContext context, string message)
    {
        return Layout.Page(context, StatusCodes.Status404NotFound, Layout.Section.Models, "Not found", Html.Empty,
            Ui.Empty(message, Html.Of($"Go back to <a href=\"{DashboardLinks.Home}\">the models overview</a>.")), new Crumb("Models", DashboardLinks.Home));
    }
}
