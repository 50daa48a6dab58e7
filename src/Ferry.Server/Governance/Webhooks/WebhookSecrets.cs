using System.Security.Cryptography;
using Ferry.Core.Artifacts;
using Microsoft.AspNetCore.DataProtection;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>
/// Encrypts webhook secrets at rest with ASP.NET Core Data Protection. A secret must be readable again to sign, so it
/// cannot be hashed. The dashboard's antiforgery key ring is ephemeral (in memory), which would lose every secret at a
/// restart, so webhooks use their own key ring, persisted in <see cref="RegistryWebhookOptions.KeyDirectory"/>: outside
/// the database, so a database dump or backup holds only ciphertext.
/// </summary>
public sealed class WebhookSecrets
{
    private const string Purpose = "Ferry.RegistryWebhooks.Secret.v1";
    private readonly IDataProtector _protector;

    /// <summary>Opens (or creates) the key ring in <paramref name="directory"/>.</summary>
    public WebhookSecrets(string directory)
    {
        PrivateDirectories.Create(directory);
        _protector = DataProtectionProvider.Create(new DirectoryInfo(directory), builder => builder.SetApplicationName("ferry"))
            .CreateProtector(Purpose);
    }

    /// <summary>Encrypts a secret for storage.</summary>
    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>Decrypts a stored secret; throws <see cref="CryptographicException"/> when the key ring cannot.</summary>
    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    /// <summary>A new secret: 256 random bits, base64url.</summary>
    public static string Generate() => "whsec_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
