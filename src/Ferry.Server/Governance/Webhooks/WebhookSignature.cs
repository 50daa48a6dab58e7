using System.Security.Cryptography;
using System.Text;

namespace Ferry.Server.Governance.Webhooks;

/// <summary>
/// MLflow 3's webhook signature (<c>mlflow/webhooks/delivery.py</c>): <c>v1,</c> + base64 of HMAC-SHA256, keyed with
/// the webhook's secret (UTF-8), over <c>{delivery id}.{unix seconds}.{body}</c>; sent in <see cref="SignatureHeader"/>
/// beside <see cref="DeliveryIdHeader"/> and <see cref="TimestampHeader"/>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-MLflow-Signature";

    /// <summary>The delivery id header (the same on every retry of one delivery).</summary>
    public const string DeliveryIdHeader = "X-MLflow-Delivery-Id";

    /// <summary>The header with the attempt's time, unix seconds.</summary>
    public const string TimestampHeader = "X-MLflow-Timestamp";

    /// <summary>The signature for one request.</summary>
    public static string Sign(string secret, string deliveryId, string timestamp, string payload)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{deliveryId}.{timestamp}.{payload}"));
        return "v1," + Convert.ToBase64String(mac);
    }
}
