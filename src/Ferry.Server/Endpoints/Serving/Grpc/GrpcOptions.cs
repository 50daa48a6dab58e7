using Microsoft.Extensions.Options;

namespace Ferry.Server.Endpoints.Serving.Grpc;

/// <summary>
/// gRPC (the Open Inference Protocol's services); bound from <c>Ferry:Grpc</c>. gRPC needs HTTP/2, which a plain-text
/// port cannot offer beside HTTP/1.1 (Kestrel picks the protocol through TLS's ALPN): with HTTPS on, the main port
/// answers gRPC too; without it, gRPC listens on <see cref="Port"/> (HTTP/2 only, h2c) and the main port stays HTTP/1.1.
/// </summary>
public sealed class GrpcOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Grpc";

    /// <summary>A second port, on the same host, that speaks HTTP/2 only (gRPC); null for none (the default).</summary>
    public int? Port { get; set; }
}

/// <summary>Checks <see cref="GrpcOptions"/> at start-up.</summary>
internal sealed class GrpcOptionsValidator : IValidateOptions<GrpcOptions>
{
    public ValidateOptionsResult Validate(string? name, GrpcOptions options) =>
        options.Port is { } port and (< 1 or > 65535)
            ? ValidateOptionsResult.Fail($"{GrpcOptions.Section}:{nameof(options.Port)} must be a port from 1 to 65535, not {port}")
            : ValidateOptionsResult.Success;
}
