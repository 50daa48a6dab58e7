using System.Net;
using System.Text.RegularExpressions;

namespace Ferry.Server.Tests.Dashboard;

/// <summary>
/// A browser as far as the dashboard's forms care: keeps the cookies the server sets (by name; all are scoped to
/// <c>/ui</c>), follows no redirects, and fills each form's antiforgery field from the last page it read.
/// </summary>
internal sealed partial class DashboardBrowser : IDisposable
{
    private readonly HttpClient _client;

    public DashboardBrowser(Uri address, HttpMessageHandler? handler = null)
    {
        _client = new HttpClient(handler ?? new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = address };
    }

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>The antiforgery request token of the last form read, if any.</summary>
    public string? FormToken { get; private set; }

    /// <summary>The session cookie (<c>ferry_session</c>), if the browser holds one.</summary>
    public string? Session => Cookies.GetValueOrDefault("ferry_session");

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// <summary>Reads the sign-in form, then posts it with <paramref name="token"/>.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string token, string? returnUrl = null)
    {
        (await GetAsync("/ui/signin")).Dispose();
        var fields = new List<KeyValuePair<string, string>> { new("token", token) };
        if (returnUrl is not null)
        {
            fields.Add(new("returnUrl", returnUrl));
        }

        return await PostFormAsync("/ui/signin", fields);
    }

    /// <summary>Posts a form carrying the last page's antiforgery token (unless <paramref name="withFormToken"/> is false).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, bool withFormToken = true, string? origin = null)
    {
        var all = fields.ToList();
        if (withFormToken && FormToken is not null)
        {
            all.Add(new("__RequestVerificationToken", FormToken));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(all) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await SendAsync(request);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (Cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await _client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                var pair = setCookie.Split(';')[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..equals], pair[(equals + 1)..]);
                if (value.Length == 0 || setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    Cookies.Remove(name);
                }
                else
                {
                    Cookies[name] = value;
                }
            }
        }

        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            var html = await response.Content.ReadAsStringAsync();
            if (FormField().Match(html) is { Success: true } match)
            {
                FormToken = WebUtility.HtmlDecode(match.Groups[1].Value);
            }
        }

        return response;
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormField();
}
