using Ferry.Server.Errors;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Hosting;

/// <summary>HTTPS: Kestrel's certificate, and with <see cref="HttpsOptions.Required"/> HSTS, redirects and refusals.</summary>
public static class HttpsRegistration
{
    /// <summary>Binds <see cref="HttpsOptions"/> (checked at start-up) and gives Kestrel's HTTPS addresses the certificate.</summary>
    public static IServiceCollection AddFerryHttps(this IServiceCollection services)
    {
        services.AddOptions<HttpsOptions>().BindConfiguration(HttpsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpsOptions>, HttpsOptionsValidator>();
        // Read when an HTTPS address is bound (after the options were checked), not when Kestrel is created.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpsOptions>>((kestrel, https) =>
            kestrel.ConfigureHttpsDefaults(defaults =>
            {
                if (https.Value.Enabled)
                {
                    defaults.ServerCertificate = https.Value.LoadCertificate();
                }
            }));
        services.AddHsts(_ => { });
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsOptions>>((hsts, https) =>
        {
            hsts.MaxAge = https.Value.HstsMaxAge;
            hsts.ExcludedHosts.Clear(); // asked for explicitly, so loopback names get it too
        });
        services.AddHttpsRedirection(redirect => redirect.RedirectStatusCode = StatusCodes.Status308PermanentRedirect);
        return services;
    }

    /// <summary>
    /// With <see cref="HttpsOptions.Required"/>: HSTS on HTTPS responses; a plain-HTTP dashboard page is redirected to
    /// HTTPS (ASP.NET Core's redirection, when Ferry listens on one HTTPS address); any other plain-HTTP request is
    /// refused with 400 in its route's error shape.
    /// </summary>
    public static IApplicationBuilder UseFerryHttps(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var https = app.ApplicationServices.GetRequiredService<IOptions<HttpsOptions>>();
        return app.UseWhen(_ => https.Value.Required, required =>
        {
            required.UseHsts();
            required.UseWhen(
                context => !context.Request.IsHttps && context.Request.Path.StartsWithSegments("/ui") && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)),
                pages => pages.UseHttpsRedirection());
            required.Use((context, next) => context.Request.IsHttps
                ? next(context)
                : ProtocolErrors.WriteAsync(context, StatusCodes.Status400BadRequest, "HTTPS required",
                    "This server only accepts HTTPS; call it with https:// (the token or cookie sent just now crossed the network unencrypted).",
                    MlflowErrorCodes.BadRequest));
        });
    }
}
