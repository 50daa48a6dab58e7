using System.Text.Json;
using Ferry.Server.Tests.Governance.Webhooks;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Webhooks;

/// <summary>
/// The real MLflow 3.11 client (<c>webhooks_flow.py</c>) drives Ferry's webhook API on SQLite and PostgreSQL: create,
/// get, paged list, update, test (posted to a receiver that verifies the signature), delete and error codes. The
/// expected answers are what the same script printed against MLflow 3.11's own server (except the URL rule: MLflow
/// needs <c>MLFLOW_WEBHOOK_ALLOWED_SCHEMES=http</c> and <c>MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true</c> for a loopback receiver).
/// </summary>
public abstract class MlflowWebhooksClientTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private const string Secret = "client-secret-0123456789";

    [SkippableFact]
    public async Task MlflowClient_WebhookCrudAndTest_AnswersAsMlflow()
    {
        var server = fixture.Server;
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        var prefix = $"h{Guid.NewGuid():N}"[..20];
        var script = Path.Combine(RepositoryRoot.Find(), "tests", "Ferry.Server.Tests", "Mlflow", "Webhooks", "webhooks_flow.py");
        var work = Directory.CreateTempSubdirectory("ferry-webhooks-");
        try
        {
            var result = await SharedPython.RunAsync(script, [prefix, receiver.Url, Secret], new Dictionary<string, string>
            {
                ["MLFLOW_TRACKING_URI"] = server.Address.ToString().TrimEnd('/'),
                ["MLFLOW_TRACKING_TOKEN"] = server.AdminToken,
                ["HOME"] = work.FullName,
            }, TimeSpan.FromMinutes(2), work.FullName);
            Assert.True(result.ExitCode == 0, result.ToString());
            using var document = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]);
            var answers = document.RootElement;
            string Text(string key) => JsonSerializer.Serialize(answers.GetProperty(key));

            Assert.Equal($$"""["{{prefix}}-a",true,["model_version.created","model_version_alias.created"],"first","ACTIVE",null,true,true]""", Text("created"));
            Assert.Equal("""["DISABLED",null]""", Text("created_disabled"));
            Assert.Equal($$"""[true,"{{prefix}}-a",["model_version.created","model_version_alias.created"],null]""", Text("get"));
            Assert.Equal($$"""["{{prefix}}-a","{{prefix}}-b"]""", Text("listed"));
            Assert.Equal("true", Text("pages_of_one"));
            Assert.Equal($$"""["{{prefix}}-a","second","ACTIVE",["model_version_alias.deleted"],true]""", Text("updated"));
            Assert.Equal("""[true,200,"received",null]""", Text("test_first_event"));
            Assert.Equal("""[true,200,"received",null]""", Text("test_named_event"));
            Assert.Equal("\"INVALID_PARAMETER_VALUE\"", Text("error_bad_name"));
            Assert.Equal("\"INVALID_PARAMETER_VALUE\"", Text("error_bad_url"));
            Assert.Equal("\"RESOURCE_DOES_NOT_EXIST\"", Text("error_missing"));
            Assert.Equal("\"RESOURCE_DOES_NOT_EXIST\"", Text("error_after_delete"));

            // The two test posts carried MLflow's example payloads, signed with the webhook's secret.
            var first = await receiver.NextAsync();
            var second = await receiver.NextAsync();
            Assert.True(first.SignatureValid && second.SignatureValid);
            using var alias = JsonDocument.Parse(first.Body);
            Assert.Equal("model_version_alias", alias.RootElement.GetProperty("entity").GetString());
            Assert.Equal("deleted", alias.RootElement.GetProperty("action").GetString());
            Assert.Equal("""{"name":"example_model","alias":"example_alias"}""", alias.RootElement.GetProperty("data").GetRawText());
            using var version = JsonDocument.Parse(second.Body);
            Assert.Equal(
                """{"name":"example_model","version":"1","source":"models:/123","run_id":"abcd1234abcd5678","description":"An example model version","tags":{"example_key":"example_value"}}""",
                version.RootElement.GetProperty("data").GetRawText());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}

public sealed class SqliteMlflowWebhooksClientTests(SqliteServerFixture fixture) : MlflowWebhooksClientTests<SqliteServerFixture>(fixture);

public sealed class PostgresMlflowWebhooksClientTests(PostgresServerFixture fixture) : MlflowWebhooksClientTests<PostgresServerFixture>(fixture);
