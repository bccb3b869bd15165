using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>Heartbeats carry vitals; node status follows from missed heartbeats (under a manual clock).</summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task Heartbeat_StoresVitals_AndStatusGoesOnlineStaleOffline()
    {
        await using var core = new CoreFactory().WithManualTime(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await ((IAsyncLifetime)core).InitializeAsync();
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, enrolled) = await core.NodeAsync(admin, client.Id);

        await node.HeartbeatAsync(new NodeVitals
        {
            Hostname = "sensor-1", Os = "NixOS 25.05", Kernel = "6.12.1", UptimeSeconds = 3600, AgentVersion = "0.1.0",
            Cpu = new CpuVitals("EPYC", 4, 0.5, 0.4, 0.3, 12.5), Memory = new UsageVitals(8_000_000_000, 2_000_000_000),
            Wazuh = new WazuhVitals(new ServiceVitals("running", "4.14.7"), new ServiceVitals("not_installed", null), null),
            Suricata = new SuricataVitals("running", "7.0.8", 42), Spool = new SpoolVitals(0, 0, null),
        });
        var online = await admin.GetNodeAsync(enrolled.NodeId);
        core.Time!.Advance(TimeSpan.FromSeconds(91));
        var stale = await admin.GetNodeAsync(enrolled.NodeId);
        core.Time.Advance(TimeSpan.FromMinutes(4));
        var offline = await admin.GetNodeAsync(enrolled.NodeId);

        Assert.Equal(NodeStatus.Online, online.Status);
        Assert.Equal(NodeStatus.Stale, stale.Status);
        Assert.Equal(NodeStatus.Offline, offline.Status);
        Assert.Equal(("sensor-1", "0.1.0"), (online.Hostname, online.AgentVersion));
        Assert.Equal("4.14.7", online.Vitals!.Wazuh!.Manager!.Version);
        Assert.Equal(42, online.Vitals.Suricata!.Alerts24h);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), online.LastSeenAt);
        await ((IAsyncLifetime)core).DisposeAsync();
    }

    [Fact]
    public async Task History_IsKeptForTheRetention_ThenPruned_AndTenantScoped()
    {
        await using var core = new CoreFactory().WithManualTime(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero))
            .Setting("Fleet:HeartbeatRetention", "2.00:00:00");
        await ((IAsyncLifetime)core).InitializeAsync();
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var other = await CoreFactory.ClientAsync(admin);
        var (node, enrolled) = await core.NodeAsync(admin, client.Id);
        var (otherUser, _) = await core.UserAsync(admin, "client", clientId: other.Id);
        for (var day = 0; day < 4; day++)
        {
            await node.HeartbeatAsync(new NodeVitals { Hostname = "sensor-1", UptimeSeconds = day * 86_400 });
            core.Time!.Advance(TimeSpan.FromDays(1));
        }

        var before = await admin.NodeHeartbeatsAsync(enrolled.NodeId);
        await using (var scope = core.Services.CreateAsyncScope())
        {
            Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<Socme.Core.Features.Nodes.HeartbeatRetention>().PruneAsync(CancellationToken.None));
        }
        var after = await admin.NodeHeartbeatsAsync(enrolled.NodeId);

        Assert.Equal([3 * 86_400L, 2 * 86_400L, 86_400L, 0L], before.Select(h => h.Vitals.UptimeSeconds!.Value));
        Assert.Equal([3 * 86_400L, 2 * 86_400L], after.Select(h => h.Vitals.UptimeSeconds!.Value));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => otherUser.NodeHeartbeatsAsync(enrolled.NodeId));
        await ((IAsyncLifetime)core).DisposeAsync();
    }

    [Fact]
    public async Task Heartbeat_RejectsGarbageAndOversizedDocuments()
    {
        await using var core = new CoreFactory().Setting("Fleet:MaxVitalsBytes", "2048");
        await ((IAsyncLifetime)core).InitializeAsync();
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);

        using var garbage = new StringContent("{nope", Encoding.UTF8, "application/json");
        using var r1 = await node.Http.PostAsync("api/v1/ingest/heartbeat", garbage);
        using var big = new StringContent($$"""{"hostname":"{{new string('x', 4000)}}"}""", Encoding.UTF8, "application/json");
        using var r2 = await node.Http.PostAsync("api/v1/ingest/heartbeat", big);

        Assert.Equal(HttpStatusCode.BadRequest, r1.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r2.StatusCode);
        await ((IAsyncLifetime)core).DisposeAsync();
    }
}
