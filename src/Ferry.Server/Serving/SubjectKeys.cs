using System.Security.Cryptography;
using System.Text;
using Ferry.Core.Artifacts;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>Where the subject-key secret comes from; bound from <c>Ferry:Subjects</c>.</summary>
public sealed class SubjectOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Subjects";

    /// <summary>
    /// The secret, base64 (at least 32 bytes once decoded). Set it on every replica (the same value) when they do not
    /// share a data directory; when unset, <see cref="KeyFile"/> is used.
    /// </summary>
    public string? HashKey { get; set; }

    /// <summary>The key file (default <c>&lt;dataDirectory&gt;/keys/subjects.key</c>): 32 random bytes, base64, created 0600 on first use.</summary>
    public string? KeyFile { get; set; }
}

/// <summary>Checks <see cref="SubjectOptions"/> at start-up.</summary>
internal sealed class SubjectOptionsValidator : IValidateOptions<SubjectOptions>
{
    public ValidateOptionsResult Validate(string? name, SubjectOptions options) =>
        options.HashKey is { } key && SubjectKeys.Decode(key) is null
            ? ValidateOptionsResult.Fail($"{SubjectOptions.Section}:{nameof(options.HashKey)} must be base64 of at least {SubjectKeys.MinSecretBytes} bytes")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Hashes data-subject keys: lower-case hex HMAC-SHA256 over the key's UTF-8 bytes, with a server secret, so the
/// prediction log can find a subject's decisions without ever storing the key, and the hash cannot be reversed by
/// trying likely keys without the secret. The secret is <see cref="SubjectOptions.HashKey"/>, else the key file in
/// the data directory (created on first use, owner-only), so it is stable across restarts; replicas must share it.
/// </summary>
public sealed class SubjectKeys
{
    /// <summary>The shortest secret accepted, in bytes.</summary>
    public const int MinSecretBytes = 32;

    private readonly Lazy<byte[]> _secret;

    /// <summary>Reads the secret from <paramref name="options"/>, or from (or into) the key file on first use.</summary>
    public SubjectKeys(IOptions<SubjectOptions> options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _secret = new Lazy<byte[]>(() => settings.HashKey is { } key
            ? Decode(key) ?? throw new InvalidOperationException($"{SubjectOptions.Section}:HashKey is not base64 of {MinSecretBytes} bytes or more")
            : ReadOrCreate(settings.KeyFile ?? DefaultKeyFile(dataDirectory)));
    }

    /// <summary>The key file used when no <see cref="SubjectOptions.KeyFile"/> is set.</summary>
    public static string DefaultKeyFile(string dataDirectory) => Path.Combine(dataDirectory, "keys", "subjects.key");

    /// <summary>The keyed hash of a subject key: lower-case hex HMAC-SHA256(secret, UTF-8 key).</summary>
    public string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_secret.Value, Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>The bytes of a base64 secret, or null when it is not base64 or shorter than <see cref="MinSecretBytes"/>.</summary>
    internal static byte[]? Decode(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written >= MinSecretBytes ? buffer[..written] : null;
    }

    private static byte[] ReadOrCreate(string file)
    {
        if (!File.Exists(file))
        {
            PrivateDirectories.Create(Path.GetDirectoryName(Path.GetFullPath(file))!);
            var created = Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinSecretBytes));
            try
            {
                // CreateNew: when two processes race, one writes and the other reads what it wrote.
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = PrivateDirectories.FileMode;
                }

                using var stream = new FileStream(file, create);
                stream.Write(Encoding.ASCII.GetBytes(created));
                stream.Flush(flushToDisk: true);
                return Convert.FromBase64String(created);
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another process created it first.
            }
        }

        return Decode(File.ReadAllText(file)) ?? throw new InvalidOperationException($"The subject key file {file} does not hold base64 of {MinSecretBytes} bytes or more");
    }
}
