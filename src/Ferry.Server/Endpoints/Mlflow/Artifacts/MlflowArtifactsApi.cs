using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>
/// MLflow's artifact proxy (<c>mlflow-artifacts</c>): upload, download, list and delete files under the
/// server's artifact root, as <c>log_artifact(s)</c>, <c>list_artifacts</c> and <c>download_artifacts</c> call it.
/// Bodies are streamed between the socket and <see cref="Core.Artifacts.IArtifactStore"/>, never held whole.
/// </summary>
public static class MlflowArtifactsApi
{
    /// <summary>Maps the artifacts routes onto an MLflow artifacts group (reads need a viewer, writes a scientist).</summary>
    public static RouteGroupBuilder MapMlflowArtifacts(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/artifacts", ArtifactListing.ListAsync)
            .WithSummary("Lists a directory's direct entries (basenames).");
        group.MapGet("/artifacts/{**path}", ArtifactDownload.DownloadAsync)
            .WithSummary("Downloads an artifact file.");
        group.MapPut("/artifacts/{**path}", ArtifactUpload.UploadAsync)
            .WithSummary("Uploads an artifact file (raw body, any content type, streamed).")
            .RequireAuthorization(FerryPolicies.Scientist);
        group.MapDelete("/artifacts/{**path}", ArtifactUpload.DeleteAsync)
            .WithSummary("Deletes an artifact file or directory tree.")
            .RequireAuthorization(FerryPolicies.Scientist);

        foreach (var step in new[] { "create", "complete", "abort" })
        {
            group.MapPost($"/mpu/{step}/{{**path}}", MultipartUpload.NotSupported)
                .WithSummary("Multipart upload: not supported (the client falls back to a single PUT).")
                .RequireAuthorization(FerryPolicies.Scientist);
        }

        return group;
    }
}
