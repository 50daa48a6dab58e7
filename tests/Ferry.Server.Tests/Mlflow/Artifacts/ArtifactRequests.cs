using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Artifacts;

/// <summary>Requests as MLflow's Python client sends them to the artifact proxy, and checks on MLflow's answers.</summary>
internal static class ArtifactRequests
{
    public const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";

    /// <summary>A fresh run directory, as the client's <c>mlflow-artifacts:/&lt;exp&gt;/&lt;run&gt;/artifacts</c> resolves.</summary>
    public static string NewRunRoot() => $"{Random.Shared.Next(1, 1_000_000)}/{Guid.NewGuid():N}/artifacts";

    /// <summary>The URL of a file: each segment quoted as <c>requests</c> quotes it ('/' kept).</summary>
    public static string FileUrl(string path) => Proxy + "/" + string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary><c>PUT</c> with the raw bytes and the guessed MIME type, and Content-Length (what <c>requests</c> does for a file).</summary>
    public static async Task PutAsync(this HttpClient client, string path, byte[] content, string contentType = "text/plain")
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.PutAsync(FileUrl(path), body);
        Assert.Equal("{}", await response.AssertMlflowOkAsync());
    }

    /// <summary><c>GET …/artifacts?path=</c>; the raw JSON text.</summary>
    public static async Task<JsonElement> ListAsync(this HttpClient client, string? path)
    {
        var url = path is null ? Proxy : Proxy + "?path=" + Uri.EscapeDataString(path);
        using var response = await client.GetAsync(url);
        using var document = JsonDocument.Parse(await response.AssertMlflowOkAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Asserts 200 with a JSON object body and returns the body.</summary>
    public static async Task<string> AssertMlflowOkAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    /// <summary>Asserts an MLflow error: the status, <c>{"error_code", "message"}</c> and the code.</summary>
    public static async Task<string> AssertMlflowErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string errorCode)
    {
        var body = await response.Content.ReadAsStringAsync();
        AssertMlflowError((int)response.StatusCode, body, (int)status, errorCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    public static void AssertMlflowError(int actualStatus, string body, int status, string errorCode)
    {
        Assert.True(actualStatus == status, $"expected {status}, got {actualStatus}: {body}");
        using var document = JsonDocument.Parse(body);
        Assert.Equal(errorCode, document.RootElement.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(document.RootElement.GetProperty("message").GetString()));
    }

    /// <summary>
    /// Sends a request whose target goes on the wire exactly as written (HttpClient would normalise dot segments
    /// and escapes); HTTP/1.0, so the answer is never chunked and ends when the server closes.
    /// </summary>
    public static async Task<(int Status, string Body)> SendRawAsync(Uri server, string method, string target, string token, byte[]? body = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        var head = new StringBuilder()
            .Append($"{method} {target} HTTP/1.0\r\n")
            .Append($"Host: {server.Authority}\r\n")
            .Append($"Authorization: Bearer {token}\r\n")
            .Append($"Content-Length: {body?.Length ?? 0}\r\n")
            .Append("Content-Type: application/octet-stream\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var status = int.Parse(response.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, split < 0 ? "" : response[(split + 4)..]);
    }
}
