using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Server.Hosting;
using Ferry.Server.Tests.Dashboard;
using Ferry.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>HTTPS with a certificate made here (self-signed for 127.0.0.1); the client trusts exactly that one.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly TempDirectory _files = new("ferry-https");
    private readonly X509Certificate2 _certificate = SelfSigned();

    [Fact]
    public async Task PfxCertificate_ServesHttps_AndTheSessionCookieIsSecure()
    {
        var pfx = Path.Combine(_files.Path, "ferry.pfx");
        await File.WriteAllBytesAsync(pfx, _certificate.Export(X509ContentType.Pkcs12, "pass-word"));
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, host: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ferry:Https:Certificate"] = pfx,
            ["Ferry:Https:CertificatePassword"] = "pass-word",
        }));
        Assert.Equal("https", server.Address.Scheme);

        using var browser = new DashboardBrowser(server.Address, TrustingOnly(_certificate));
        using var signIn = await browser.SignInAsync(server.AdminToken);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var session = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ferry_session=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        using var page = await browser.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Strict-Transport-Security")); // only with Required
    }

    [Fact]
    public async Task RequireHttps_RefusesPlainApiCalls_RedirectsPages_AndSendsHsts()
    {
        var (certificate, key) = (Path.Combine(_files.Path, "cert.pem"), Path.Combine(_files.Path, "key.pem"));
        await File.WriteAllTextAsync(certificate, _certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(key, _certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, host: builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Ferry:Https:Certificate"] = certificate,
                ["Ferry:Https:CertificateKey"] = key,
                ["Ferry:Https:Required"] = "true",
            });
            // A plain-HTTP address beside the HTTPS one, as a misconfigured proxy or listener would give.
            builder.WebHost.UseUrls("https://127.0.0.1:0", "http://127.0.0.1:0");
        });
        var addresses = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        var secure = addresses.Single(a => a.Scheme == "https");
        var plain = addresses.Single(a => a.Scheme == "http");

        using var plainClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = plain };
        plainClient.DefaultRequestHeaders.Authorization = new("Bearer", server.AdminToken);
        using var api = await plainClient.GetAsync("/api/v1/models");
        var problem = await api.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("only accepts HTTPS", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var mlflow = await plainClient.GetAsync("/api/2.0/mlflow/experiments/search");
        Assert.Equal("BAD_REQUEST", (await mlflow.AssertJsonAsync(HttpStatusCode.BadRequest)).GetProperty("error_code").GetString());

        using var page = await plainClient.GetAsync("/ui/alerts?status=open");
        Assert.Equal(HttpStatusCode.PermanentRedirect, page.StatusCode);
        Assert.Equal(new Uri(secure, "/ui/alerts?status=open"), page.Headers.Location);

        using var secureClient = new HttpClient(TrustingOnly(_certificate)) { BaseAddress = secure };
        secureClient.DefaultRequestHeaders.Authorization = new("Bearer", server.AdminToken);
        using var ok = await secureClient.GetAsync("/api/v1/models");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("max-age=31536000", ok.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public void EncryptedPemKey_Loads_WithItsPassword()
    {
        var (certificate, key) = (Path.Combine(_files.Path, "cert.pem"), Path.Combine(_files.Path, "key.pem"));
        File.WriteAllText(certificate, _certificate.ExportCertificatePem());
        var encryption = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);
        File.WriteAllText(key, _certificate.GetRSAPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem("secret", encryption));

        using var loaded = new HttpsOptions { Certificate = certificate, CertificateKey = key, CertificatePassword = "secret" }.LoadCertificate();
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(_certificate.Thumbprint, loaded.Thumbprint);
        var wrong = Assert.Throws<InvalidOperationException>(() => new HttpsOptions { Certificate = certificate, CertificateKey = key, CertificatePassword = "nope" }.LoadCertificate());
        Assert.Contains(certificate, wrong.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _files.Dispose();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return request.CreateSelfSigned(now, now.AddYears(10));
    }

    private static HttpClientHandler TrustingOnly(X509Certificate2 expected) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == expected.Thumbprint,
    };
}
