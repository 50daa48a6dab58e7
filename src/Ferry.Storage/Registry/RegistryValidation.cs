using System.Text.RegularExpressions;
using Ferry.Core.Errors;
using Ferry.Core.Registry;

namespace Ferry.Storage.Registry;

/// <summary>Input rules for registry names, tags and aliases.</summary>
internal static partial class RegistryValidation
{
    public static string Name(string? name, string field = "name")
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ValidationException(field, "must not be empty");
        }

        return name.Length > 256 ? throw new ValidationException(field, "must be at most 256 characters") : name;
    }

    public static string TagKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ValidationException("key", "must not be empty");
        }

        return key.Length > 250 ? throw new ValidationException("key", "must be at most 250 characters") : key;
    }

    public static string Alias(string? alias)
    {
        if (string.IsNullOrWhiteSpace(alias))
        {
            throw new ValidationException("alias", "must not be empty");
        }

        if (alias.Length > 256)
        {
            throw new ValidationException("alias", "must be at most 256 characters");
        }

        return string.Equals(alias, "latest", StringComparison.OrdinalIgnoreCase) || VersionLike().IsMatch(alias)
            ? throw new ValidationException("alias", $"'{alias}' is reserved ('latest' and 'v<number>' name versions)")
            : alias;
    }

    public static string Stage(string? stage) =>
        ModelStage.Canonical(stage) ?? throw new ValidationException("stage", $"'{stage}' is not one of {string.Join(", ", ModelStage.All)}");

    public static void Protected(RegistryCaller caller, string what)
    {
        if (!caller.MayChangeProtected)
        {
            throw new ProtectedRegistryChangeException($"{what} needs an approver or admin token.");
        }
    }

    [GeneratedRegex("^v\\d+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VersionLike();
}
