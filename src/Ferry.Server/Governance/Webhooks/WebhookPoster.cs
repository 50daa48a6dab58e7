using System.Globalization;
using System.Net;
using System.Text;
using Ferry.Core.Governance;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>What one POST to a webhook gave: the status (when one came back), the start of the body, or what went wrong.</summary>
/// <param name="StatusCode">The HTTP status, when the receiver answered.</param>
/// <param name="Body">The start of the receiver's answer (at most 4 KiB).</param>
/// <param name="Error">What went wrong: a status that is not 2xx, a time-out, a connection failure.</param>
public sealed record WebhookPostResult(int? StatusCode, string? Body, string? Error)
{
    /// <summary>The receiver answered 2xx.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>Worth retrying: no answer, a time-out, 408, 429 or 5xx (other refusals are final, as MLflow treats them).</summary>
    public bool Retryable => StatusCode is null or 408 or 429 or >= 500;
}

/// <summary>Posts one signed body to one webhook (MLflow's headers; the signature only when the webhook has a secret).</summary>
public sealed class WebhookPoster(IHttpClientFactory httpClients, WebhookSecrets secrets, IOptions<RegistryWebhookOptions> options, TimeProvider clock)
{
    /// <summary>The named HttpClient (no redirects followed: a receiver answers where it was registered).</summary>
    public const string HttpClientName = "ferry-registry-webhooks";

    private const int MaxBody = 4096;

    /// <summary>Posts <paramref name="payload"/>, signed for <paramref name="deliveryId"/> at the current time.</summary>
    public async Task<WebhookPostResult> PostAsync(RegistryWebhook webhook, string deliveryId, string payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Add(WebhookSignature.DeliveryIdHeader, deliveryId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        if (webhook.ProtectedSecret is { } protectedSecret)
        {
            string secret;
            try
            {
                secret = secrets.Unprotect(protectedSecret);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                return new WebhookPostResult(null, null, $"the secret cannot be decrypted with this server's key ring: {e.Message}");
            }

            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, deliveryId, timestamp, payload));
        }

        using var timeout = new CancellationTokenSource(options.Value.AttemptTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var body = await ReadStartAsync(response, linked.Token);
            var status = (int)response.StatusCode;
            return new WebhookPostResult(status, body, response.IsSuccessStatusCode ? null : $"HTTP {status} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookPostResult(null, null, $"timed out after {options.Value.AttemptTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new WebhookPostResult(e.StatusCode is HttpStatusCode code ? (int)code : null, null, e.Message);
        }
    }

    private static async Task<string> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBody];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
