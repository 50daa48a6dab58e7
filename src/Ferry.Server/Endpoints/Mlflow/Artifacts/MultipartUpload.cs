using Ferry.Server.Errors;

namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>MLflow's proxied multipart upload, which Ferry does not offer.</summary>
internal static class MultipartUpload
{
    /// <summary>
    /// The client recognises this exact message (by prefix) and falls back to a single PUT; any other error
    /// would abort the upload.
    /// </summary>
    public const string NotSupportedMessage = "Multipart upload is not supported for the current artifact repository";

    /// <summary>501 <c>NOT_IMPLEMENTED</c> with <see cref="NotSupportedMessage"/>, for create, complete and abort alike.</summary>
    public static Task NotSupported(HttpContext context) =>
        MlflowErrors.WriteAsync(context, MlflowErrorCodes.NotImplemented, NotSupportedMessage);
}
