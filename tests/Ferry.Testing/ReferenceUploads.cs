using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Ferry.Testing;

/// <summary>Uploading a version's reference and following its job to the end, over HTTP.</summary>
public static class ReferenceUploads
{
    /// <summary>Most long polls of one job (each answers at the job's next change): a bound that only catches a hang.</summary>
    public const int MaxPolls = 10_000;

    /// <summary>PUTs the reference body, asserts 202 with a job, and returns the job once it ended (succeeded or failed).</summary>
    public static async Task<JsonElement> PutAndFinishAsync(this HttpClient client, string model, int version, object body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var put = await client.PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/reference", body);
        var job = await put.AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.Equal($"/api/v1/models/{model}/versions/{version}/reference/job", put.Headers.Location?.OriginalString);
        return await FinishAsync(client, model, version, job);
    }

    /// <summary>PUTs the reference body and returns the reference its job built (asserting that it succeeded).</summary>
    public static async Task<JsonElement> PutReferenceAsync(this HttpClient client, string model, int version, object body)
    {
        var job = await PutAndFinishAsync(client, model, version, body);
        Assert.True(job.GetProperty("state").GetString() == "succeeded", $"the reference job failed: {job}");
        return job.GetProperty("reference");
    }

    /// <summary>Follows the version's newest job (long polls with <c>?wait=</c>) until it ends.</summary>
    public static async Task<JsonElement> FinishAsync(HttpClient client, string model, int version, JsonElement job)
    {
        ArgumentNullException.ThrowIfNull(client);
        for (var poll = 0; poll < MaxPolls && job.GetProperty("state").GetString() is "queued" or "running"; poll++)
        {
            using var response = await client.GetAsync($"/api/v1/models/{model}/versions/{version}/reference/job?wait=30");
            job = await response.AssertJsonAsync(HttpStatusCode.OK);
        }

        Assert.True(job.GetProperty("state").GetString() is "succeeded" or "failed", $"the reference job did not end: {job}");
        return job;
    }
}
