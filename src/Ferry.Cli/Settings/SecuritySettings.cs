using System.CommandLine;
using System.Globalization;
using Ferry.Server.Hosting;
using Ferry.Server.RateLimiting;

namespace Ferry.Cli.Settings;

/// <summary>
/// <c>ferry server</c>'s HTTPS and rate-limit settings: each an option, else a <c>FERRY_*</c> variable, else the
/// server's configuration (<c>Ferry:Https:*</c>, <c>Ferry:RateLimits:*</c>), else the defaults (plain HTTP; only
/// sign-in attempts limited).
/// </summary>
internal sealed class SecuritySettings
{
    private readonly Option<string?> _certificate = new("--https-certificate")
    {
        Description = "Serve HTTPS with this certificate: a .pfx/.p12 file, or a PEM certificate (its key inside or in --https-certificate-key) [env: FERRY_HTTPS_CERTIFICATE]",
        HelpName = "file",
    };

    private readonly Option<string?> _key = new("--https-certificate-key")
    {
        Description = "The PEM private key of a PEM --https-certificate [env: FERRY_HTTPS_CERTIFICATE_KEY]",
        HelpName = "file",
    };

    private readonly Option<string?> _password = new("--https-certificate-password")
    {
        Description = "The password of the .pfx file or encrypted PEM key; prefer the variable, which other users cannot see in the process list [env: FERRY_HTTPS_CERTIFICATE_PASSWORD]",
        HelpName = "password",
    };

    private readonly Option<bool> _require = new("--require-https")
    {
        Description = "Refuse plain HTTP (API calls get 400, dashboard pages redirect to HTTPS) and send HSTS [env: FERRY_REQUIRE_HTTPS=true]",
    };

    private readonly Option<string?> _perToken = new("--rate-limit-per-token")
    {
        Description = "Requests each API token may make, as permits/window such as 100/1s [env: FERRY_RATE_LIMIT_PER_TOKEN] [default: no limit]",
        HelpName = "n/window",
    };

    private readonly Option<string?> _perEndpoint = new("--rate-limit-per-endpoint")
    {
        Description = "Prediction requests each serving endpoint accepts, as permits/window such as 1000/1s [env: FERRY_RATE_LIMIT_PER_ENDPOINT] [default: no limit]",
        HelpName = "n/window",
    };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _certificate, _key, _password, _require, _perToken, _perEndpoint })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The settings given, as configuration keys (<c>Ferry:Https:Certificate</c>, <c>Ferry:RateLimits:PerToken:PermitLimit</c>).</summary>
    /// <exception cref="CliException">A rate limit is malformed (exit code 2).</exception>
    public Dictionary<string, string?> Read(ParseResult parseResult)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Put(settings, nameof(HttpsOptions.Certificate), parseResult.GetValue(_certificate) ?? FerryEnvironment.Get("FERRY_HTTPS_CERTIFICATE"));
        Put(settings, nameof(HttpsOptions.CertificateKey), parseResult.GetValue(_key) ?? FerryEnvironment.Get("FERRY_HTTPS_CERTIFICATE_KEY"));
        Put(settings, nameof(HttpsOptions.CertificatePassword), parseResult.GetValue(_password) ?? FerryEnvironment.Get("FERRY_HTTPS_CERTIFICATE_PASSWORD"));
        if (parseResult.GetValue(_require) || FerryEnvironment.Get("FERRY_REQUIRE_HTTPS") is { } required && bool.TryParse(required.Trim(), out var yes) && yes)
        {
            settings[ServingSettings.Key(HttpsOptions.Section, nameof(HttpsOptions.Required))] = "true";
        }

        Limit(settings, nameof(RateLimitOptions.PerToken), "--rate-limit-per-token", "FERRY_RATE_LIMIT_PER_TOKEN", parseResult.GetValue(_perToken));
        Limit(settings, nameof(RateLimitOptions.PerEndpoint), "--rate-limit-per-endpoint", "FERRY_RATE_LIMIT_PER_ENDPOINT", parseResult.GetValue(_perEndpoint));
        return settings;
    }

    private static void Put(Dictionary<string, string?> settings, string property, string? value)
    {
        if (value is not null)
        {
            settings[ServingSettings.Key(HttpsOptions.Section, property)] = value;
        }
    }

    private static void Limit(Dictionary<string, string?> settings, string rule, string option, string variable, string? given)
    {
        var text = given ?? FerryEnvironment.Get(variable);
        if (text is null)
        {
            return;
        }

        var parts = text.Split('/', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var permits) || permits < 1
            || Quantities.ParseDuration(parts[1]) is not { } window || window <= TimeSpan.Zero)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{option} (or {variable}) must be permits/window such as 100/1s, not '{text}'");
        }

        var section = $"{RateLimitOptions.Section}:{rule}";
        settings[ServingSettings.Key(section, nameof(RateLimitRule.PermitLimit))] = permits.ToString(CultureInfo.InvariantCulture);
        settings[ServingSettings.Key(section, nameof(RateLimitRule.Window))] = window.ToString("c", CultureInfo.InvariantCulture);
    }
}
