using System.Text.RegularExpressions;
using Ferry.Core.Identity;

namespace Ferry.Cli.Output;

/// <summary>Masks anything that looks like a Ferry token secret, so error lines never leak one.</summary>
internal static partial class SecretRedactor
{
    public static string Redact(string text) =>
        SecretPattern().Replace(text, TokenSecret.Prefix + "***");

    [GeneratedRegex(@"fry_[A-Za-z0-9_\-]{4,}", RegexOptions.CultureInvariant)]
    private static partial Regex SecretPattern();
}
