using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Core.Governance;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Ferry.Server.Tests.Governance;

/// <summary>Helpers for the governance tests: real credit models from ../shared/models, cards, requests.</summary>
internal static class GovernanceTestKit
{
    public static string SharedModels => Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "models"));

    /// <summary>Starts a server whose models default to <paramref name="tier"/> (the test server's own default is low).</summary>
    public static async Task<FerryTestServer> StartAsync(DatabaseKind kind, string tier = "medium", RecordingSink? sink = null, TimeProvider? clock = null)
    {
        DatabaseRequirement.EnsureAvailable(kind);
        return await FerryTestServer.StartAsync(kind, clock: clock,
            host: builder => builder.Configuration["Ferry:Governance:DefaultTier"] = tier,
            services: services =>
            {
                if (sink is not null)
                {
                    services.AddSingleton<IRegistryEventSink>(sink);
                }
            });
    }

    /// <summary>Registers a shared credit model (e.g. <c>xgb_pipeline.onnx</c>) as the next version of <paramref name="model"/>.</summary>
    public static async Task<int> RegisterCreditAsync(FerryTestServer server, string model, string file) =>
        await ServingTestKit.RegisterAsync(server, model, await File.ReadAllBytesAsync(Path.Combine(SharedModels, file)), file);

    /// <summary>Fills the card fields the model-card gate checks.</summary>
    public static async Task WriteCardAsync(HttpClient client, string model, int version)
    {
        using var response = await client.PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/card", new
        {
            owner = "Retail credit risk",
            intendedUse = "Probability of default for personal loans.",
            limitations = "Synthetic training data.",
        });
        await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    public static async Task<JsonElement> RequestAsync(HttpClient client, string model, int version, object body, HttpStatusCode status = HttpStatusCode.Created)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/versions/{version}/promotions", body);
        return status == HttpStatusCode.Created ? await response.AssertJsonAsync(status) : await response.AssertProblemAsync(status);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> DecideAsync(HttpClient client, string id, string verb, string? comment = null)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/promotions/{id}/{verb}", new { comment });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body);
    }

    /// <summary>The version <paramref name="alias"/> points at, through MLflow's route; null when it does not exist.</summary>
    public static async Task<int?> AliasAsync(HttpClient client, string model, string alias)
    {
        using var response = await client.GetAsync($"/api/2.0/mlflow/registered-models/alias?name={model}&alias={alias}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        return int.Parse(body.GetProperty("model_version").GetProperty("version").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<HttpResponseMessage> MlflowPostAsync(HttpClient client, string route, object body) =>
        await client.PostAsJsonAsync($"/api/2.0/mlflow/{route}", body);
}

/// <summary>An event sink that keeps what it is given.</summary>
internal sealed class RecordingSink : IRegistryEventSink
{
    public ConcurrentQueue<RegistryEvent> Events { get; } = new();

    public Task PublishAsync(RegistryEvent registryEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(registryEvent);
        return Task.CompletedTask;
    }
}
