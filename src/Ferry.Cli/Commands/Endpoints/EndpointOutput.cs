using System.Globalization;
using Ferry.Cli.Output;
using Ferry.Client.Serving;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Endpoints;

/// <summary>Route tables shared by the endpoint verbs.</summary>
internal static class EndpointOutput
{
    /// <summary>"credit:3" for a fixed version, "credit@champion → 3" for an alias resolved now, "credit@champion" in history.</summary>
    public static string Target(RouteView route) => (route.Alias, route.ResolvedVersion) switch
    {
        (null, _) => $"{route.Model}:{route.Version}",
        (var alias, null) => $"{route.Model}@{alias}",
        (var alias, var resolved) => $"{route.Model}@{alias} → {resolved.Value.ToString(CultureInfo.InvariantCulture)}",
    };

    public static string Summary(IReadOnlyList<RouteView> routes) =>
        string.Join(", ", routes.Select(r => r.Role == DeployRoute.Shadow ? $"{Target(r)} (shadow)" : $"{Target(r)} ({r.Weight})"));

    public static void WriteRoutes(IReadOnlyList<RouteView> routes)
    {
        var table = TableFormat.Create("Role", "Model", "Version", "Alias", "Weight", "Flavor");
        foreach (var route in routes)
        {
            table.AddTextRow(
                route.Role,
                route.Model,
                (route.ResolvedVersion ?? route.Version)?.ToString(CultureInfo.InvariantCulture) ?? "unresolved",
                route.Alias ?? "-",
                route.Role == DeployRoute.Shadow ? "-" : route.Weight.ToString(CultureInfo.InvariantCulture),
                route.Flavor ?? "-");
        }

        CliConsole.Write(table);
    }
}
