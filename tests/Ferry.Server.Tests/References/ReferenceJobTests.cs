using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Core.Monitoring;
using Ferry.Server.References;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.References;

/// <summary>
/// A reference is built by a job, off the request path: the PUT answers 202 at once with the job, the job reports its
/// phases, stores the reference with node covers counted over every uploaded row, and is rerun after a restart.
/// </summary>
public abstract class ReferenceJobTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private static readonly string[] Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task ReferencePut_AnswersAcceptedWithAJob_ThatBuildsTheReferenceOverEveryRow()
    {
        var (model, version) = await RegisterAsync(Server, "gbc_pipeline.onnx");
        var admin = Server.CreateAdminClient();
        var body = new JsonObject { ["records"] = Records(TrainRows().Take(700)) };

        using var put = await admin.PutAsync($"/api/v1/models/{model}/versions/{version}/reference", System.Net.Http.Json.JsonContent.Create(body));
        var queued = await put.AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.True(queued.GetProperty("state").GetString() is "queued" or "running" or "succeeded", queued.ToString());
        Assert.Equal(700, queued.GetProperty("rows").GetInt64());
        var job = await ReferenceUploads.FinishAsync(admin, model, version, queued);

        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(queued.GetProperty("id").GetGuid(), job.GetProperty("id").GetGuid());
        // Three passes over every row (scoring, profiling, covers) and 500 explained rows for importance.
        Assert.Equal((3 * 700) + 500, job.GetProperty("total").GetInt64());
        Assert.Equal(job.GetProperty("total").GetInt64(), job.GetProperty("done").GetInt64());
        Assert.Equal(700, job.GetProperty("reference").GetProperty("rows").GetInt64());

        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        var read = await (await viewer.GetAsync($"/api/v1/models/{model}/versions/{version}/reference")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(700, read.GetProperty("rows").GetInt64());
        var entry = await FindReferenceAsync(model, version);
        Assert.Equal(700, JsonDocument.Parse(entry.CoversJson!).RootElement.GetProperty("rows").GetInt64());
        using var importance = JsonDocument.Parse(entry.InsightsJson!);
        Assert.Equal("tree-path-dependent", importance.RootElement.GetProperty("method").GetString());
    }

    [SkippableFact]
    public async Task ReferenceJob_WithLabelsOfOneClass_FailsWithTheReason_AndGetSaysSo()
    {
        var (model, version) = await RegisterAsync(Server, "gbc_pipeline.onnx");
        var admin = Server.CreateAdminClient();
        var body = new JsonObject
        {
            ["records"] = Records(TrainRows().Take(40)),
            ["labels"] = new JsonArray([.. Enumerable.Range(0, 40).Select(_ => (JsonNode)JsonValue.Create("1"))]),
        };

        var job = await admin.PutAndFinishAsync(model, version, body);

        Assert.Equal("failed", job.GetProperty("state").GetString());
        Assert.Contains("only one class", job.GetProperty("error").GetString(), StringComparison.Ordinal);
        using var missing = await admin.GetAsync($"/api/v1/models/{model}/versions/{version}/reference");
        var problem = await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("last build failed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ReferenceJob_None_IsNotFound_AndBadWaitIsAProblem()
    {
        var (model, version) = await RegisterAsync(Server, "gbc_pipeline.onnx");
        var admin = Server.CreateAdminClient();

        using var none = await admin.GetAsync($"/api/v1/models/{model}/versions/{version}/reference/job");
        await none.AssertProblemAsync(HttpStatusCode.NotFound);
        await admin.PutReferenceAsync(model, version, new JsonObject { ["records"] = Records(TrainRows().Take(20)) });
        using var badWait = await admin.GetAsync($"/api/v1/models/{model}/versions/{version}/reference/job?wait=31");
        Assert.True((await badWait.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("wait", out _));
    }

    [SkippableFact]
    public async Task ReferenceCovers_OfTheTrainingSet_EqualScikitLearnsWeightedNodeSamples()
    {
        var (model, version) = await RegisterAsync(Server, "gbc_pipeline.onnx");
        var admin = Server.CreateAdminClient();
        var rows = TrainRows().ToList();
        Assert.Equal(4000, rows.Count);

        await admin.PutReferenceAsync(model, version, new JsonObject { ["records"] = Records(rows) });

        // make_gbc_covers.py: scikit-learn's tree_.weighted_n_node_samples of the refitted pipeline, per tree in pre-order.
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "tests", "Ferry.Server.Tests", "References", "gbc_pipeline_covers.json")));
        var entry = await FindReferenceAsync(model, version);
        using var stored = JsonDocument.Parse(entry.CoversJson!);
        Assert.Equal(4000, stored.RootElement.GetProperty("rows").GetInt64());
        var ensemble = Ferry.Explain.Readers.OnnxTreeEnsembleReader.ReadFile(SharedFile("gbc_pipeline.onnx")).Ensemble;
        var trees = stored.RootElement.GetProperty("trees").EnumerateArray().Select(t => t.EnumerateArray().Select(c => c.GetDouble()).ToArray()).ToArray();
        var sklearn = expected.RootElement.GetProperty("trees").EnumerateArray().ToArray();
        Assert.Equal(sklearn.Length, trees.Length);
        for (var t = 0; t < trees.Length; t++)
        {
            var tree = ensemble.Trees[t];
            Assert.Equal(sklearn[t].EnumerateArray().Select(c => c.GetDouble()), PreOrder(tree, 0).Select(node => trees[t][node]));
        }

        // The exact explainer uses these covers, not the 2,000-row sample's.
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        var explain = new JsonObject { ["records"] = Records(rows.Take(1)) };
        using var response = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/explain", System.Net.Http.Json.JsonContent.Create(explain));
        var note = (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("explanations")[0].GetProperty("note").GetString();
        Assert.Contains("node covers counted on 4000 reference rows", note, StringComparison.Ordinal);
    }

    /// <summary>Registers a shared model file as a new model's version 1.</summary>
    internal static async Task<(string Model, int Version)> RegisterAsync(FerryTestServer server, string file)
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterAsync(server, model, File.ReadAllBytes(SharedFile(file)), file);
        return (model, version);
    }

    /// <summary>
    /// Every row of the shared train.csv as a record (numbers parsed as float32, as trained). Ferry's API refuses NaN for
    /// these ONNX inputs, so an empty cell is sent as the median the graph's Imputer puts in its place: the feature
    /// vectors the trees see are the same.
    /// </summary>
    internal static IEnumerable<JsonObject> TrainRows()
    {
        var lines = File.ReadAllLines(SharedFile("train.csv"));
        var header = lines[0].Split(',');
        var proto = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(SharedFile("gbc_pipeline.onnx")));
        var medians = proto.Graph.Node.Single(n => n.OpType == "Imputer").Attribute.Single(a => a.Name == "imputed_value_floats").Floats;
        var numeric = header.Take(20).Where(h => !Categorical.Contains(h)).ToList();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            var record = new JsonObject();
            for (var j = 0; j < 20; j++)
            {
                record[header[j]] = Categorical.Contains(header[j])
                    ? JsonValue.Create(cells[j])
                    : JsonValue.Create(cells[j].Length == 0 ? (double)medians[numeric.IndexOf(header[j])] : (double)float.Parse(cells[j], CultureInfo.InvariantCulture));
            }

            yield return record;
        }
    }

    internal static JsonArray Records(IEnumerable<JsonObject> rows) => new([.. rows.Select(r => (JsonNode)r.DeepClone())]);

    internal static string SharedFile(string name) =>
        Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "models", name));

    private static IEnumerable<int> PreOrder(Ferry.Explain.Trees.DecisionTree tree, int node)
    {
        yield return node;
        if (!tree.IsLeaf(node))
        {
            foreach (var n in PreOrder(tree, tree.LeftChildren[node]))
            {
                yield return n;
            }

            foreach (var n in PreOrder(tree, tree.RightChildren[node]))
            {
                yield return n;
            }
        }
    }

    private async Task<ReferenceProfileEntry> FindReferenceAsync(string model, int version)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IReferenceProfileStore>().FindReferenceAsync(model, version)
            ?? throw new InvalidOperationException("no reference stored");
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteReferenceJobTests(SqliteServerFixture fixture) : ReferenceJobTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresReferenceJobTests(PostgresServerFixture fixture) : ReferenceJobTests<PostgresServerFixture>(fixture);

/// <summary>A job queued or running when its server stopped is run again at the next start, from its staged rows.</summary>
public sealed class ReferenceJobRestartTests
{
    [Fact]
    public async Task ReferenceJob_RunningWhenTheServerStopped_IsRerunAtTheNextStart()
    {
        using var data = new TempDirectory("ferry-restart");
        void Configure(Ferry.Server.Hosting.FerryServerOptions options)
        {
            options.DataDirectory = data.Path;
            options.Database = null;
        }

        var id = Guid.NewGuid();
        string model;
        await using (var first = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, Configure))
        {
            (model, _) = await SqliteReferenceJobTests.RegisterAsync(first, "gbc_pipeline.onnx");
            var services = first.Services;
            var body = JsonSerializer.SerializeToElement(new JsonObject { ["records"] = SqliteReferenceJobTests.Records(SqliteReferenceJobTests.TrainRows().Take(50)) });
            await services.GetRequiredService<ReferenceStaging>().WriteAsync(ReferenceStaging.FileName(id), body, CancellationToken.None);
            await using var scope = services.CreateAsyncScope();
            var jobs = scope.ServiceProvider.GetRequiredService<IReferenceJobStore>();
            // As the worker leaves it when the process dies mid-build: running, once started.
            await jobs.AddAsync(new ReferenceJob
            {
                Id = id,
                ModelName = model,
                ModelVersion = 1,
                Rows = 50,
                StagedFile = ReferenceStaging.FileName(id),
                State = ReferenceJob.Running,
                Attempts = 1,
                Phase = ReferencePhases.Covers,
                CreatedBy = "admin",
            });
        }

        await using var second = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, Configure);
        var board = second.Services.GetRequiredService<ReferenceJobBoard>();
        ReferenceJob? job = null;
        for (var i = 0; i < ReferenceUploads.MaxPolls; i++)
        {
            var change = board.NextChangeAsync(id);
            await using (var scope = second.Services.CreateAsyncScope())
            {
                job = await scope.ServiceProvider.GetRequiredService<IReferenceJobStore>().FindAsync(id);
            }

            if (job is not { IsActive: true })
            {
                break;
            }

            await change.WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.NotNull(job);
        Assert.Equal(ReferenceJob.Succeeded, job.State);
        Assert.Equal(2, job.Attempts);
        Assert.False(second.Services.GetRequiredService<ReferenceStaging>().Exists(job.StagedFile));
        await using var check = second.Services.CreateAsyncScope();
        var entry = await check.ServiceProvider.GetRequiredService<IReferenceProfileStore>().FindReferenceAsync(model, 1);
        Assert.Equal(50, entry?.Rows);
    }
}
