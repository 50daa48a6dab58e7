using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;

namespace Ferry.Server.Dashboard;

/// <summary>
/// Antiforgery for the dashboard's forms (ASP.NET Core's <see cref="IAntiforgery"/>): each form carries a hidden
/// request token that must match the browser's antiforgery cookie (HttpOnly, SameSite=Strict, <c>Path=/ui</c>), so a
/// form posted from another site is refused whether or not it sends an <c>Origin</c> header.
/// </summary>
public static class DashboardForms
{
    /// <summary>The antiforgery cookie.</summary>
    public const string CookieName = "ferry_antiforgery";

    /// <summary>The hidden form field carrying the request token.</summary>
    public const string FieldName = "__RequestVerificationToken";

    /// <summary>
    /// Adds antiforgery with its cookie scoped to the dashboard. The keys that protect the tokens live in memory: they
    /// protect nothing lasting (sessions are random ids, not protected data), so a restart only makes a sign-in form
    /// already on screen ask to be reloaded.
    /// </summary>
    public static IServiceCollection AddDashboardAntiforgery(this IServiceCollection services)
    {
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = CookieName;
            antiforgery.Cookie.Path = DashboardAuthenticationHandler.BasePath;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = FieldName;
            antiforgery.HeaderName = null;
            antiforgery.SuppressXFrameOptionsHeader = true; // the pages send CSP frame-ancestors 'none'
        });
        return services;
    }

    /// <summary>
    /// Takes ASP.NET Core's data-protection hosted service off start-up: it loads (or creates and writes) a key ring under
    /// <c>~/.aspnet/DataProtection-Keys</c> as the host starts, XML parsing and cryptography included, yet Ferry's only user
    /// of data protection (antiforgery, above) runs on the ephemeral provider, which keeps its own keys in memory and
    /// never reads that ring. Call after every registration that adds data protection (authentication adds it too).
    /// </summary>
    public static IServiceCollection RemoveUnusedKeyRingStartup(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var dataProtection = typeof(DataProtectionOptions).Assembly;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService)
                && services[i].ImplementationType is { Name: "DataProtectionHostedService" } hosted
                && hosted.Assembly == dataProtection)
            {
                services.RemoveAt(i);
            }
        }

        return services;
    }

    /// <summary>The hidden field to put in a form that posts (issues the antiforgery cookie when the browser has none).</summary>
    public static Html Field(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Html.Of($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
    }

    /// <summary>
    /// True when the posted form carries a valid request token for the browser's antiforgery cookie and user: the
    /// antiforgery middleware's verdict when it ran, else checked here.
    /// </summary>
    public static async Task<bool> IsValidAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { } checkedByMiddleware)
        {
            return checkedByMiddleware.IsValid;
        }

        return await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
    }
}
