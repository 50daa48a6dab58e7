using System.Text.RegularExpressions;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>What a webhook's name and URL must be (MLflow's name rule; http or https, loopback allowed).</summary>
public static partial class RegistryWebhookRules
{
    /// <summary>Why <paramref name="name"/> is not acceptable, or null.</summary>
    public static string? CheckName(string? name) =>
        name is not null && NamePattern().IsMatch(name) ? null
            : $"Webhook name '{name}' is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).";

    /// <summary>Why <paramref name="url"/> is not acceptable, or null.</summary>
    public static string? CheckUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return $"Webhook URL cannot be empty or just whitespace: '{url}'";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            return $"Invalid webhook URL '{url}': it must be an absolute http or https URL.";
        }

        return string.IsNullOrEmpty(parsed.Host) ? $"Webhook URL must include a hostname: '{url}'" : null;
    }

    [GeneratedRegex("^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
