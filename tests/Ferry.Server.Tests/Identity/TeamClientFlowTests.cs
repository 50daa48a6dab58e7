using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Identity;

/// <summary>
/// The real MLflow 3.11 client (<c>team_flow.py</c>) with grouped tokens: inside its team it logs a run, uploads and
/// downloads an artifact and registers a model as before; another team's token searches and sees none of it, and every
/// direct read or change answers <c>PERMISSION_DENIED</c>.
/// </summary>
public sealed class TeamClientFlowTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [SkippableFact]
    public async Task MlflowClient_WithTeamTokens_WorksInsideItsTeamAndIsRefusedOutside()
    {
        var server = fixture.Server;
        var suffix = Guid.NewGuid().ToString("N");
        string a, b;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var groups = scope.ServiceProvider.GetRequiredService<IGroupStore>();
            var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
            await groups.CreateAsync($"team-a-{suffix}", null, "test");
            await groups.CreateAsync($"team-b-{suffix}", null, "test");
            a = (await tokens.CreateAsync($"alice-{suffix}", Role.Scientist, null, $"team-a-{suffix}", "test")).Secret;
            b = (await tokens.CreateAsync($"bob-{suffix}", Role.Scientist, null, $"team-b-{suffix}", "test")).Secret;
        }

        var script = Path.Combine(RepositoryRoot.Find(), "tests", "Ferry.Server.Tests", "Identity", "team_flow.py");
        var work = Directory.CreateTempSubdirectory("ferry-team-flow-");
        try
        {
            var result = await SharedPython.RunAsync(script, [$"exp-{suffix}", $"model-{suffix}"], new Dictionary<string, string>
            {
                ["MLFLOW_TRACKING_URI"] = server.Address.ToString().TrimEnd('/'),
                ["FERRY_TEAM_A_TOKEN"] = a,
                ["FERRY_TEAM_B_TOKEN"] = b,
                ["HOME"] = work.FullName,
            }, TimeSpan.FromMinutes(2), work.FullName);
            Assert.True(result.ExitCode == 0, result.ToString());
            using var document = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]);
            var answers = document.RootElement;

            Assert.Equal(1, answers.GetProperty("alice_runs").GetInt32());
            Assert.Equal(["notes.txt"], answers.GetProperty("alice_artifacts").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("hi", answers.GetProperty("alice_download").GetString());
            Assert.Contains($"model-{suffix}", answers.GetProperty("alice_models").EnumerateArray().Select(e => e.GetString()));
            Assert.DoesNotContain($"exp-{suffix}", answers.GetProperty("bob_experiments").EnumerateArray().Select(e => e.GetString()));
            Assert.DoesNotContain($"model-{suffix}", answers.GetProperty("bob_models").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(0, answers.GetProperty("bob_runs").GetInt32());
            foreach (var call in new[] { "get_run", "log_metric", "get_experiment", "list_artifacts", "download", "get_model", "delete_model" })
            {
                Assert.True(answers.GetProperty(call).GetString() == "PERMISSION_DENIED", $"{call}: {answers.GetProperty(call)}");
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
