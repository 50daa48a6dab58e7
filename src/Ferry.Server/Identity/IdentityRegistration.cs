using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Identity;

/// <summary>Registers bearer-token authentication, the token cache and Ferry's role policies.</summary>
public static class IdentityRegistration
{
    /// <summary>
    /// Adds <see cref="TokenAuthenticationHandler"/> as the default scheme, <see cref="TokenCache"/> with
    /// <see cref="TokenCacheOptions"/> bound from <see cref="TokenCacheOptions.Section"/> and checked at start-up, and
    /// the role policies of <see cref="FerryPolicies"/>, and per-resource grants (<see cref="ResourcePermissions"/>, with
    /// <see cref="PermissionOptions"/> from <see cref="PermissionOptions.Section"/>).
    /// </summary>
    public static IServiceCollection AddFerryIdentity(this IServiceCollection services)
    {
        services.AddOptions<TokenCacheOptions>().BindConfiguration(TokenCacheOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenCacheOptions>, TokenCacheOptionsValidator>();
        services.AddMemoryCache();
        services.AddSingleton<TokenCache>();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, MinimumRoleHandler>();
        services.AddOptions<PermissionOptions>().BindConfiguration(PermissionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PermissionOptions>, PermissionOptionsValidator>();
        services.AddScoped<ResourcePermissions>();
        services.AddScoped<IAuthorizationHandler, ResourcePermissionHandler>();
        services.AddAuthorizationBuilder().AddFerryPolicies();
        return services;
    }
}
