using System.Collections.Concurrent;
using System.Security.Claims;
using Ferry.Core.Identity;
using Ferry.Server.Identity;
using Ferry.Storage;
using Ferry.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Identity;

/// <summary>The resource-permission handler is built for every authorization, and reads the stores only when it judges a resource.</summary>
public sealed class ResourcePermissionHandlerTests
{
    [Fact]
    public async Task Handlers_OfARequestWithoutResource_BuildNoDatabaseContext_UntilAResourceIsJudged()
    {
        // Every database context the server builds, by the service scope that built it.
        var builtBy = new ConcurrentBag<IServiceProvider>();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, services: services =>
            services.AddScoped(provider =>
            {
                builtBy.Add(provider);
                return new FerryDbContext(provider.GetRequiredService<DbContextOptions<FerryDbContext>>());
            }));
        await using var scope = server.Services.CreateAsyncScope();

        // What ASP.NET Core's authorization does for every request: build all the handlers.
        var handler = Assert.Single(scope.ServiceProvider.GetServices<IAuthorizationHandler>().OfType<ResourcePermissionHandler>());
        Assert.DoesNotContain(scope.ServiceProvider, builtBy);

        // A resource requirement is still judged from the stores (a scientist's role caps an experiment without an owner group).
        var scientist = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ana"), new Claim(ClaimTypes.Role, Role.Scientist.ToWireName())], "test"));
        var context = new AuthorizationHandlerContext([new ResourcePermissionRequirement(PermissionLevel.Edit)], scientist, new ResourceRef(ResourceKind.Experiment, "0"));
        await handler.HandleAsync(context);
        Assert.True(context.HasSucceeded);
        Assert.Contains(scope.ServiceProvider, builtBy);
    }
}
