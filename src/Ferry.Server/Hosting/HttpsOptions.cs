using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Hosting;

/// <summary>
/// Serving over HTTPS; bound from <c>Ferry:Https</c> (<c>ferry server --https-certificate</c>, <c>--require-https</c>).
/// With a certificate, Kestrel listens with TLS on the server's address and port. With <see cref="Required"/>, plain
/// HTTP that still reaches Ferry is refused and responses carry HSTS.
/// </summary>
public sealed class HttpsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Https";

    /// <summary>A PKCS#12 (<c>.pfx</c>/<c>.p12</c>) file, or a PEM certificate (with <see cref="CertificateKey"/> or its key inside).</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="Certificate"/>, when it is in a file of its own.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>The password of a PKCS#12 file or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Refuse plain HTTP: dashboard pages redirect to HTTPS (when Ferry listens on HTTPS), API calls are refused with
    /// 400 in their route's error shape (a redirect would hide that the token already crossed the network in clear).
    /// Responses carry <c>Strict-Transport-Security</c>.
    /// </summary>
    public bool Required { get; set; }

    /// <summary>HSTS <c>max-age</c> when <see cref="Required"/> (default 365 days).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>True when a certificate is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Certificate);

    /// <summary>Loads the configured certificate.</summary>
    /// <exception cref="InvalidOperationException">It cannot be read.</exception>
    public X509Certificate2 LoadCertificate()
    {
        var path = Certificate ?? throw new InvalidOperationException($"{Section}:{nameof(Certificate)} is not set");
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".pfx" or ".p12")
            {
                return X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword);
            }

            var keyFile = string.IsNullOrWhiteSpace(CertificateKey) ? null : CertificateKey;
            var pem = string.IsNullOrEmpty(CertificatePassword)
                ? X509Certificate2.CreateFromPemFile(path, keyFile)
                : X509Certificate2.CreateFromEncryptedPemFile(path, CertificatePassword, keyFile);
            // An ephemeral key from PEM cannot be used by TLS on every platform; a PKCS#12 round-trip makes it persistent.
            using (pem)
            {
                return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"The HTTPS certificate '{path}' could not be loaded: {e.Message}", e);
        }
    }
}

/// <summary>Checks <see cref="HttpsOptions"/> at start-up.</summary>
internal sealed class HttpsOptionsValidator : IValidateOptions<HttpsOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpsOptions options)
    {
        var errors = new List<string>();
        if (options.Enabled && !File.Exists(options.Certificate))
        {
            errors.Add($"{HttpsOptions.Section}:{nameof(options.Certificate)} '{options.Certificate}' does not exist");
        }

        if (!string.IsNullOrWhiteSpace(options.CertificateKey) && !options.Enabled)
        {
            errors.Add($"{HttpsOptions.Section}:{nameof(options.CertificateKey)} needs {nameof(options.Certificate)}");
        }
        else if (!string.IsNullOrWhiteSpace(options.CertificateKey) && !File.Exists(options.CertificateKey))
        {
            errors.Add($"{HttpsOptions.Section}:{nameof(options.CertificateKey)} '{options.CertificateKey}' does not exist");
        }

        if (options.Required && !options.Enabled)
        {
            errors.Add($"{HttpsOptions.Section}:{nameof(options.Required)} needs {nameof(options.Certificate)}: Ferry would refuse every request (it does not trust X-Forwarded-Proto)");
        }

        if (options.HstsMaxAge < TimeSpan.Zero)
        {
            errors.Add($"{HttpsOptions.Section}:{nameof(options.HstsMaxAge)} must not be negative, not {options.HstsMaxAge}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
