using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Endpoints.Serving.Grpc;

/// <summary>Registers the Open Inference Protocol's gRPC services, its model repository and the gRPC port.</summary>
public static class GrpcRegistration
{
    /// <summary>gRPC's services and <see cref="GrpcOptions"/>; <see cref="OipRepository"/> for REST and gRPC.</summary>
    public static IServiceCollection AddFerryGrpc(this IServiceCollection services)
    {
        services.AddOptions<GrpcOptions>().BindConfiguration(GrpcOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GrpcOptions>, GrpcOptionsValidator>();
        services.AddScoped<OipRepository>();
        // Unknown services and methods fall through to routing's 404 (UNIMPLEMENTED to a gRPC client): no open catch-all routes.
        services.AddGrpc(grpc => grpc.IgnoreUnknownServices = true);
        return services;
    }

    /// <summary>Maps <c>inference.GRPCInferenceService</c> and <c>inference.model_repository.ModelRepositoryService</c>.</summary>
    public static IEndpointRouteBuilder MapFerryGrpc(this IEndpointRouteBuilder routes)
    {
        routes.MapGrpcService<GrpcInferenceService>().WithTags("Open Inference Protocol (gRPC)");
        routes.MapGrpcService<GrpcRepositoryService>().WithTags("Open Inference Protocol (gRPC)");
        return routes;
    }

    /// <summary>
    /// With <c>Ferry:Grpc:Port</c> set, adds that port beside <paramref name="mainUrl"/> (same host and scheme), speaking
    /// HTTP/2 only. Call after the host's addresses are final.
    /// </summary>
    public static void UseFerryGrpcPort(this WebApplicationBuilder builder, string mainUrl)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var port = builder.Configuration.GetSection(GrpcOptions.Section).Get<GrpcOptions>()?.Port;
        if (port is not (> 0 and <= 65535))
        {
            return;
        }

        var main = new Uri(mainUrl);
        var host = main.Host.Contains(':', StringComparison.Ordinal) && !main.Host.StartsWith('[') ? $"[{main.Host}]" : main.Host;
        builder.WebHost.UseUrls(mainUrl, $"{main.Scheme}://{host}:{port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
    }
}
