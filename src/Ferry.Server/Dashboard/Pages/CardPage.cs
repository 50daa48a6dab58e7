using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Server.Explain.ModelCards;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>A version's model card, as the API renders it (Markdown turned into HTML, user text escaped).</summary>
public static class CardPage
{
    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string name, int version, ModelCardAssembler assembler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assembler);
        if (!await DashboardPermissions.MayAsync(context, name, PermissionLevel.Read, cancellationToken))
        {
            // The same answer as for an unknown model: the page does not reveal that it exists.
            return NotFoundPage.Render(context, $"No model is named '{name}'.");
        }

        ModelCardData card;
        try
        {
            card = await assembler.AssembleAsync(name, version, cancellationToken);
        }
        catch (NotFoundException e)
        {
            return NotFoundPage.Render(context, e.Message);
        }

        var body = Ui.WrapTables(ModelCardHtml.RenderBody(ModelCardMarkdown.Render(card)));
        var links = Html.Of($"""<p><a href="/api/v1/models/{Uri.EscapeDataString(name)}/versions/{version}/card">Markdown</a> · <a href="/api/v1/models/{Uri.EscapeDataString(name)}/versions/{version}/card?format=html">printable page</a> (API, needs a token)</p>""");
        return Layout.Page(context, Layout.Section.Models, $"Model card: {name} v{version}",
            Html.Text("What the model is for, how it was trained, what drives its decisions and how it treats groups. The editable parts come from the model's owner; the rest is computed."),
            Html.Join([links, Html.Of($"<article class=\"card-body\">{body}</article>")]),
            new Crumb("Models", DashboardLinks.Home), new Crumb(name, DashboardLinks.Model(name)));
    }
}
