using System.Globalization;
using System.Security.Claims;
using Ferry.Core.Identity;
using Ferry.Core.Registry;
using Ferry.Server.Errors;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>Request-field helpers shared by the registry handlers.</summary>
internal static class RegistryInput
{
    public static string Required(string? value, string name) =>
        string.IsNullOrEmpty(value) ? throw MlflowException.MissingParameter(name) : value;

    public static int Version(string? text)
    {
        var value = Required(text, "version");
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw MlflowException.InvalidParameter("version", $"'{value}' is not a version number");
    }

    public static RegistryCaller Caller(ClaimsPrincipal user) =>
        new(user.ActorName(), FerryPolicies.RoleOf(user) is { } role && role.Satisfies(Role.Approver));

    public static IReadOnlyList<KeyValuePair<string, string>> Tags(List<MlflowTag>? tags) =>
        [.. (tags ?? []).Select(t => new KeyValuePair<string, string>(Required(t.Key, "tags.key"), t.Value ?? string.Empty))];

    public static RegistrySearch Search(HttpRequest request, int defaultMax, int limit)
    {
        var max = MlflowQuery.OptionalInt64(request, "max_results") ?? defaultMax;
        if (max < 1 || max > limit)
        {
            throw MlflowException.InvalidParameter("max_results", $"must be between 1 and {limit}, got {max}");
        }

        return new RegistrySearch(
            MlflowQuery.Optional(request, "filter"),
            [.. request.Query["order_by"].Where(o => !string.IsNullOrEmpty(o)).Select(o => o!)],
            (int)max,
            MlflowQuery.Optional(request, "page_token"));
    }
}
