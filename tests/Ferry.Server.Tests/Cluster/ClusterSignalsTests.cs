using Ferry.Core.Cluster;
using Ferry.Server.Cluster;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Cluster;

/// <summary>The one-replica signals (SQLite), the option checks, and a revocation applied through them.</summary>
public sealed class ClusterSignalsTests
{
    [Fact]
    public void InProcessSignals_Publish_ReachesEverySubscriberAsThisReplicas()
    {
        var signals = new InProcessClusterSignals();
        var heard = new List<ClusterSignal>();
        using (signals.Subscribe(heard.Add))
        {
            signals.Subscribe(_ => throw new InvalidOperationException("a failing handler stops no other")).Dispose();
            using var failing = signals.Subscribe(_ => throw new InvalidOperationException("a failing handler stops no other"));
            signals.Publish(ClusterTopics.Policy, "ep");
        }

        signals.Publish(ClusterTopics.Policy, "after");
        Assert.Equal([new ClusterSignal(ClusterTopics.Policy, "ep", FromThisReplica: true)], heard);
        Assert.True(signals.IsListening);
    }

    [Fact]
    public void VersionKey_RoundTrips_ModelNamesWithSlashes()
    {
        Assert.Equal(("team/credit", 12), ClusterTopics.ParseVersionKey(ClusterTopics.VersionKey("team/credit", 12)));
        Assert.Null(ClusterTopics.ParseVersionKey("no-version"));
        Assert.Null(ClusterTopics.ParseVersionKey("/3"));
    }

    [Fact]
    public void Options_Invalid_AreRefusedNamingTheSetting()
    {
        var validator = new ClusterOptionsValidator();
        Assert.True(validator.Validate(null, new ClusterOptions()).Succeeded);
        var result = validator.Validate(null, new ClusterOptions
        {
            ReconnectMinDelay = TimeSpan.Zero,
            ReconnectMaxDelay = TimeSpan.FromSeconds(-1),
            KeepAliveInterval = TimeSpan.Zero,
            SendGiveUpAfter = TimeSpan.FromSeconds(-1),
            ReplicaId = "a\nb",
        });
        Assert.True(result.Failed);
        foreach (var setting in new[] { "ReconnectMinDelay", "ReconnectMaxDelay", "KeepAliveInterval", "SendGiveUpAfter", "ReplicaId" })
        {
            Assert.Contains($"Ferry:Cluster:{setting}", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReplicaHeader_EveryAnswer_NamesTheReplica()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, host: builder => builder.Configuration["Ferry:Cluster:ReplicaId"] = "replica-7");
        using var ok = await server.CreateClient().GetAsync("/healthz");
        using var refused = await server.CreateClient().GetAsync("/api/v1/tokens/me");
        Assert.Equal(["replica-7"], ok.Headers.GetValues(ClusterOptions.ReplicaHeader));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(["replica-7"], refused.Headers.GetValues(ClusterOptions.ReplicaHeader));
        Assert.IsType<InProcessClusterSignals>(server.Services.GetRequiredService<IClusterSignals>());
    }
}
