using System.Globalization;
using System.Text;
using System.Text.Json;
using Ferry.Core.Errors;

namespace Ferry.Core.Registry;

/// <summary>One order-by item.</summary>
/// <param name="Key">Attribute: <c>name</c>, <c>version_number</c>, <c>creation_timestamp</c> or <c>last_updated_timestamp</c>.</param>
/// <param name="Descending">True for DESC.</param>
public sealed record RegistryOrder(string Key, bool Descending)
{
    /// <summary>The creation time attribute.</summary>
    public const string CreationTimestamp = "creation_timestamp";

    /// <summary>The last-update attribute (also spelled <c>timestamp</c>).</summary>
    public const string LastUpdatedTimestamp = "last_updated_timestamp";

    /// <summary>Parses MLflow's <c>order_by</c> items (<c>&lt;key&gt; [ASC|DESC]</c>).</summary>
    /// <exception cref="ValidationException">An unknown key or direction (field <c>order_by</c>).</exception>
    public static IReadOnlyList<RegistryOrder> Parse(IEnumerable<string>? items, RegistrySearchTarget target)
    {
        var orders = new List<RegistryOrder>();
        foreach (var item in items ?? [])
        {
            if (string.IsNullOrWhiteSpace(item))
            {
                continue;
            }

            var parts = item.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var descending = parts.Length == 2 && parts[1].Equals("DESC", StringComparison.OrdinalIgnoreCase);
            if (parts.Length > 2 || (parts.Length == 2 && !descending && !parts[1].Equals("ASC", StringComparison.OrdinalIgnoreCase)))
            {
                throw new ValidationException("order_by", $"'{item}' is not '<attribute> [ASC|DESC]'");
            }

            var key = parts[0].Trim('`').ToLowerInvariant();
            foreach (var prefix in new[] { "attributes.", "attribute.", "attr." })
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    key = key[prefix.Length..];
                }
            }

            key = key == "timestamp" ? LastUpdatedTimestamp : key;
            var known = key is RegistryAttributes.Name or CreationTimestamp or LastUpdatedTimestamp
                || (target == RegistrySearchTarget.Versions && key == RegistryAttributes.VersionNumber);
            orders.Add(known ? new RegistryOrder(key, descending) : throw new ValidationException("order_by", $"'{parts[0]}' cannot be ordered by"));
        }

        return orders;
    }
}

/// <summary>Opaque page tokens: base64 of <c>{"offset": N}</c>, as MLflow's reference server writes them.</summary>
public static class RegistryPageToken
{
    /// <summary>The token for the page starting at <paramref name="offset"/>.</summary>
    public static string Encode(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"offset\": " + offset.ToString(CultureInfo.InvariantCulture) + "}"));

    /// <summary>The offset a token names; 0 for none.</summary>
    /// <exception cref="ValidationException">The token is not one this server wrote (field <c>page_token</c>).</exception>
    public static int Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(token));
            var offset = document.RootElement.GetProperty("offset").GetInt32();
            return offset >= 0 ? offset : throw new FormatException("negative offset");
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ValidationException("page_token", "invalid page token");
        }
    }
}
