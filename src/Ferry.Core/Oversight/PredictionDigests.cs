using System.Security.Cryptography;
using System.Text;

namespace Ferry.Core.Oversight;

/// <summary>
/// Digests of logged decisions that outlive their personal data. An erased prediction keeps
/// <see cref="Input"/> of the inputs it had, so the seals over it still verify.
/// </summary>
public static class PredictionDigests
{
    /// <summary>Lower-case hex SHA-256 of a logged inputs (or outputs) JSON text, as stored (UTF-8).</summary>
    public static string Input(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
