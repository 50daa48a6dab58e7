using System.Net;

namespace Ferry.Cli.Commands;

/// <summary>Maps the status of a failed API call to the CLI's exit code.</summary>
internal static class ApiErrors
{
    public static int ExitCodeFor(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge => ExitCodes.InvalidArguments,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Unauthorized,
        HttpStatusCode.NotFound => ExitCodes.NotFound,
        HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => ExitCodes.ServerUnreachable,
        _ => ExitCodes.Failure,
    };
}
