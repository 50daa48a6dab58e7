using Ferry.Core.Errors;
using Ferry.Server.Serving;
using Grpc.Core;

namespace Ferry.Server.Endpoints.Serving.Grpc;

/// <summary>Runs an RPC and answers Ferry's errors with the gRPC status REST's HTTP status stands for, and REST's message.</summary>
internal static class GrpcCalls
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ValidationException invalid)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, Describe(invalid)));
        }
        catch (NotFoundException notFound)
        {
            throw new RpcException(new Status(StatusCode.NotFound, notFound.Message));
        }
        catch (PredictionNotCommittedException notCommitted)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                notCommitted.Message + " The request was not answered (no prediction ids were issued); its rows will still be written once the database accepts them. Retry shortly."));
        }
    }

    // As the REST route words it: the summary, then every field's problems unless the summary already names them.
    private static string Describe(ValidationException invalid) =>
        invalid.Errors.Keys.All(k => invalid.Message.Contains(k, StringComparison.Ordinal))
            ? invalid.Message
            : $"{invalid.Message} ({string.Join("; ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))})";
}
