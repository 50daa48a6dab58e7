using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Core.Identity;

/// <summary>
/// Creates and hashes token secrets. A secret is <c>fry_</c> followed by 256 random bits in base64url.
/// Secrets have full entropy, so a single SHA-256 is the right hash (a password KDF adds nothing).
/// </summary>
public static class TokenSecret
{
    /// <summary>The prefix every Ferry secret starts with, so leaked tokens are easy to recognise.</summary>
    public const string Prefix = "fry_";

    /// <summary>Random bytes in a generated secret.</summary>
    public const int RandomBytes = 32;

    /// <summary>The shortest secret Ferry accepts when one is supplied from outside (128 bits as hex).</summary>
    public const int MinimumSuppliedLength = 32;

    /// <summary>Number of leading characters kept as <see cref="ApiToken.DisplayPrefix"/>.</summary>
    public const int DisplayPrefixLength = 10;

    /// <summary>Generates a new secret from the OS's cryptographic random source.</summary>
    public static string Generate()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return Prefix + Base64Url.EncodeToString(random);
    }

    /// <summary>Lower-case hex SHA-256 of the secret's UTF-8 bytes.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>The part of a secret that may be displayed.</summary>
    public static string DisplayPrefixOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.Length <= DisplayPrefixLength ? secret : secret[..DisplayPrefixLength];
    }

    /// <summary>Compares two hashes in constant time.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
