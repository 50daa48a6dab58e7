using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Server.Hosting;
using Ferry.Testing;

namespace Ferry.Cli.Tests.Deploy;

/// <summary>
/// The Helm chart <c>deploy/helm/ferry</c> and the <c>Dockerfile</c>: <c>eng/helm-check.sh</c> renders the chart with a
/// real Helm and validates it against the Kubernetes schemas; these tests read what it rendered and run a real
/// <c>ferry server</c> with the chart's settings.
/// </summary>
public sealed class HelmChartTests(HelmCheckFixture helm) : IClassFixture<HelmCheckFixture>
{
    private static readonly string[] Renderings = ["default", "cluster", "replicas-existing-secret"];

    [Fact]
    public void HelmCheck_DefaultAndCiValues_RenderAndValidateAgainstTheKubernetesSchemas()
    {
        Assert.True(helm.ExitCode == 0, $"eng/helm-check.sh exited {helm.ExitCode}:\n{helm.Output}");
        Assert.Contains("helm-check: passed", helm.Output, StringComparison.Ordinal);
        Assert.Contains("unknown fields: none", helm.Output, StringComparison.Ordinal);
        foreach (var name in Renderings)
        {
            Assert.Contains($"{name}: ", helm.Output, StringComparison.Ordinal);
            Assert.NotEmpty(helm.Rendering(name));
        }
    }

    [Fact]
    public void ClusterValues_Rendered_HoldEveryPartOfAScaledOutDeployment()
    {
        var kinds = helm.Rendering("cluster").Select(item => (string)item!["kind"]!).ToHashSet();
        string[] expected = ["Deployment", "Service", "ConfigMap", "Secret", "ServiceAccount", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Ingress", "ServiceMonitor"];
        Assert.Superset(expected.ToHashSet(), kinds);

        // The autoscaler owns the replica count; the Deployment leaves it out so an upgrade does not reset it.
        Assert.Null(helm.Find("cluster", "Deployment")["spec"]!["replicas"]);
        Assert.Equal("RollingUpdate", (string?)helm.Find("cluster", "Deployment")["spec"]!["strategy"]!["type"]);
        Assert.Equal("/metrics", (string?)helm.Find("cluster", "ServiceMonitor")["spec"]!["endpoints"]![0]!["path"]);
        var configMap = helm.Find("cluster", "ConfigMap")["data"]!;
        Assert.Equal("s3://ferry-artifacts/prod", (string?)configMap["FERRY_ARTIFACT_ROOT"]);
        Assert.Equal("http://minio.storage.svc:9000", (string?)configMap["AWS_ENDPOINT_URL_S3"]);
        Assert.Equal("200000", (string?)configMap["Ferry__PredictionLog__Capacity"]);
    }

    [Fact]
    public void DefaultValues_Rendered_OneReplicaOnSqliteInAVolumeThatOutlivesThePod()
    {
        var deployment = helm.Find("default", "Deployment");
        Assert.Equal(1, (int?)deployment["spec"]!["replicas"]);
        // Two pods must never open one SQLite file: the old pod stops before the new one starts.
        Assert.Equal("Recreate", (string?)deployment["spec"]!["strategy"]!["type"]);
        var data = Assert.Single(Volumes(deployment), volume => (string?)volume["name"] == "data");
        Assert.Equal("ferry-data", (string?)data["persistentVolumeClaim"]!["claimName"]);
        Assert.Single(helm.Rendering("default"), item => (string?)item!["kind"] == "PersistentVolumeClaim");
        Assert.DoesNotContain(helm.Rendering("default"), item => (string?)item!["kind"] is "PodDisruptionBudget" or "HorizontalPodAutoscaler");
    }

    [Fact]
    public void EveryRendering_Pod_RunsAsNonRootOnAReadOnlyRootWithAWritableTmp()
    {
        foreach (var name in Renderings)
        {
            var deployment = helm.Find(name, "Deployment");
            var pod = deployment["spec"]!["template"]!["spec"]!;
            Assert.True((bool?)pod["securityContext"]!["runAsNonRoot"], name);
            Assert.NotEqual(0, (int?)pod["securityContext"]!["runAsUser"] ?? 0);
            Assert.False((bool?)pod["automountServiceAccountToken"], name);
            var container = Container(deployment);
            var security = container["securityContext"]!;
            Assert.True((bool?)security["readOnlyRootFilesystem"], name);
            Assert.False((bool?)security["allowPrivilegeEscalation"], name);
            Assert.Equal("ALL", (string?)security["capabilities"]!["drop"]![0]);
            var tmp = Assert.Single(Volumes(deployment), volume => (string?)volume["name"] == "tmp");
            Assert.NotNull(tmp["emptyDir"]);
            Assert.Contains(container["volumeMounts"]!.AsArray(), mount => (string?)mount!["mountPath"] == "/tmp" && (string?)mount["name"] == "tmp");
            Assert.Contains(container["volumeMounts"]!.AsArray(), mount => (string?)mount!["mountPath"] == "/var/lib/ferry");
        }
    }

    [Fact]
    public void ReplicasWithoutPostgreSqlOrS3_Render_RefusedWithWhatToSet()
    {
        Assert.Contains("replicaCount=2 needs PostgreSQL: set database.type=postgresql", helm.Refusal("replicas-on-sqlite"), StringComparison.Ordinal);
        Assert.Contains("autoscaling needs PostgreSQL", helm.Refusal("autoscaling-on-sqlite"), StringComparison.Ordinal);
        Assert.Contains("replicaCount=3 needs an S3-compatible artifact store: set artifacts.root=s3://", helm.Refusal("replicas-on-files"), StringComparison.Ordinal);
        Assert.Contains("database.type=postgresql needs database.connectionString", helm.Refusal("postgresql-without-connection"), StringComparison.Ordinal);
        Assert.Contains("adminToken", helm.Refusal("short-admin-token"), StringComparison.Ordinal);
        Assert.Contains("additional properties 'replicas' not allowed", helm.Refusal("unknown-value"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderedProbes_ServerStartedWithTheChartsSettings_AnswerOnTheirPaths()
    {
        var deployment = helm.Find("default", "Deployment");
        var container = Container(deployment);
        var port = (int)container["ports"]![0]!["containerPort"]!;
        Assert.Equal(FerryServerOptions.DefaultPort, port);
        Assert.Equal("http", (string?)container["ports"]![0]!["name"]);
        Assert.Equal("http", (string?)helm.Find("default", "Service")["spec"]!["ports"]![0]!["targetPort"]);

        // The server gets the ConfigMap's variables and the Secret's admin token, as in the pod; only the address
        // (loopback here, 0.0.0.0 in the pod), the port and the data directory are this test's.
        var configMap = helm.Find("default", "ConfigMap")["data"]!.AsObject();
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)configMap["FERRY_PORT"]);
        Assert.Equal("0.0.0.0", (string?)configMap["FERRY_HOST"]);
        var environment = configMap.ToDictionary(pair => pair.Key, pair => (string)pair.Value!, StringComparer.Ordinal);
        environment["FERRY_HOST"] = "127.0.0.1";

        // The cluster example's Ferry__* settings too: the server validates them at start and refuses a bad value.
        foreach (var (key, value) in helm.Find("cluster", "ConfigMap")["data"]!.AsObject().Where(pair => pair.Key.StartsWith("Ferry__", StringComparison.Ordinal)))
        {
            environment[key] = (string)value!;
        }

        Assert.Contains("Ferry__PredictionLog__Capacity", environment.Keys);
        var adminToken = Encoding.UTF8.GetString(Convert.FromBase64String((string)helm.Find("default", "Secret")["data"]!["admin-token"]!));
        environment["FERRY_ADMIN_TOKEN"] = adminToken;
        Assert.Contains(container["env"]!.AsArray(), variable => (string?)variable!["name"] == "FERRY_ADMIN_TOKEN"
            && (string?)variable["valueFrom"]!["secretKeyRef"]!["key"] == "admin-token");

        using var data = new Infrastructure.TempDirectory("helm-probes");
        using var server = await FerryServerProcess.StartAsync(data.Path, environment);
        using var http = new HttpClient { BaseAddress = server.Url };

        string[] probes = ["livenessProbe", "readinessProbe", "startupProbe"];
        var paths = probes.Select(probe => (string)container[probe]!["httpGet"]!["path"]!).ToList();
        Assert.Equal(["/healthz", "/readyz", "/healthz"], paths);
        foreach (var path in paths.Append((string)helm.Find("cluster", "ServiceMonitor")["spec"]!["endpoints"]![0]!["path"]!))
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }

        // The chart's admin token is the server's admin token; the JSON log format is on.
        using var list = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/tokens", UriKind.Relative));
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var authorized = await http.SendAsync(list);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        Assert.False(File.Exists(server.AdminTokenFile), "a supplied admin token is not written to the data directory");
        Assert.Contains(server.Stdout.Split('\n'), line => line.StartsWith('{') && line.Contains(DatabaseInitializer.ReadyMessage, StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_RuntimeStage_MatchesTheChartsUserPortAndDataDirectory()
    {
        // One instruction a line: continuation lines joined.
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        var stages = dockerfile.Count(line => line.StartsWith("FROM ", StringComparison.Ordinal));
        Assert.True(stages >= 2, "the Dockerfile builds in one stage and runs in another");
        var runtime = dockerfile.SkipWhile(line => !line.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(runtime);
        Assert.Contains(dockerfile, line => line.Contains("dotnet publish", StringComparison.Ordinal) && line.Contains("-p:PublishReadyToRun=true", StringComparison.Ordinal));

        var deployment = helm.Find("default", "Deployment");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var user = (int)pod["securityContext"]!["runAsUser"]!;
        Assert.Contains($"USER {user}", runtime);
        var port = (int)Container(deployment)["ports"]![0]!["containerPort"]!;
        Assert.Contains($"EXPOSE {port}", runtime);
        Assert.Contains(runtime, line => line.Contains($"FERRY_PORT={port}", StringComparison.Ordinal));
        Assert.Contains(runtime, line => line.Contains("FERRY_HOST=0.0.0.0", StringComparison.Ordinal));
        Assert.Contains(runtime, line => line.Contains("FERRY_DATA_DIR=/var/lib/ferry", StringComparison.Ordinal));
        Assert.Contains("VOLUME /var/lib/ferry", runtime);
        Assert.Equal("/var/lib/ferry", (string?)helm.Find("default", "ConfigMap")["data"]!["FERRY_DATA_DIR"]);
    }

    private static JsonObject Container(JsonObject deployment) =>
        Assert.Single(deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!.AsObject();

    private static IEnumerable<JsonObject> Volumes(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Select(volume => volume!.AsObject());
}
