using Socme.Client;
using Socme.Core.Tests.Infrastructure;
using Socme.Notify.Tests.Support;

namespace Socme.Core.Tests.Notifications;

/// <summary>
/// Fleet events become system alerts that rules route like any other (under a manual clock): a node gone silent and
/// its recovery, a source gone silent, a full disk, a growing spool; each raised once per episode.
/// </summary>
public sealed class FleetEventTests(NotifyFixture fx) : IClassFixture<NotifyFixture>
{
    private static readonly NodeVitals Healthy = new() { Hostname = "sensor-1", Disks = [new DiskVitals("/", 100, 40)], Spool = new SpoolVitals(0, 0, null) };

    private async Task<(SocmeClient Admin, ClientDto Client, SocmeClient Node)> TenantAsync()
    {
        var admin = await fx.Core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await fx.Core.NodeAsync(admin, client.Id);
        return (admin, client, node);
    }

    private static async Task<List<AlertDto>> SystemAlertsAsync(SocmeClient admin, Guid clientId, string ruleId) =>
        (await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = clientId, Source = "system" })).Where(a => a.RuleId == ruleId).ToList();

    private static Task<List<AlertDto>> WhenAsync(SocmeClient admin, Guid clientId, string ruleId, int count) =>
        Eventually.UntilAsync(async () => await SystemAlertsAsync(admin, clientId, ruleId) is { } l && l.Count == count ? l : null,
            $"{count} {ruleId} alert(s)");

    [Fact]
    public async Task A_silent_node_raises_one_routed_alert_and_a_recovery_when_it_returns()
    {
        var (admin, client, node) = await TenantAsync();
        await using var receiver = await HttpReceiver.StartAsync();
        var channel = await admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("On call", "webhook",
            new Dictionary<string, string?> { ["url"] = receiver.Url("fleet").ToString() }, client.Id));
        var rule = await admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("Node down",
            new RuleConditions(RuleIds: ["socme-node-offline", "socme-node-recovered"]), new RuleActions(Channels: [channel.Id]), client.Id));
        await node.HeartbeatAsync(Healthy);

        fx.Time.Advance(TimeSpan.FromMinutes(6));
        var offline = Assert.Single(await WhenAsync(admin, client.Id, "socme-node-offline", 1));
        Assert.Equal(("system", "high"), (offline.Source, offline.Band));
        Assert.Contains("silent for 6 minutes", offline.RuleDescription, StringComparison.Ordinal);
        // Later ticks of the same outage raise nothing more; the rule delivered it.
        fx.Time.Advance(TimeSpan.FromMinutes(10));
        await Eventually.UntilAsync(async () => (await admin.ListDeliveriesAsync(ruleId: rule.Id)).Items is { Count: 1 } d && d[0].State == "delivered" ? d : null,
            "the offline alert delivered");
        Assert.Single(await SystemAlertsAsync(admin, client.Id, "socme-node-offline"));

        await node.HeartbeatAsync(Healthy);
        var recovered = Assert.Single(await WhenAsync(admin, client.Id, "socme-node-recovered", 1));
        Assert.Equal("low", recovered.Band);
        await Eventually.UntilAsync(async () => (await admin.ListDeliveriesAsync(ruleId: rule.Id)).Items.Count(d => d.State == "delivered") == 2 ? "" : null,
            "the recovery delivered");
        Assert.Equal(2, receiver.Requests.Count);

        // A second outage is a new episode: a second alert.
        fx.Time.Advance(TimeSpan.FromMinutes(6));
        await WhenAsync(admin, client.Id, "socme-node-offline", 2);
    }

    [Fact]
    public async Task A_full_disk_and_a_growing_spool_raise_one_alert_each_per_period()
    {
        var (admin, client, node) = await TenantAsync();

        await node.HeartbeatAsync(Healthy with { Disks = [new DiskVitals("/var", 100, 95), new DiskVitals("/", 100, 10)], Spool = new SpoolVitals(60_000, 90_000_000, 1200) });
        var disk = Assert.Single(await WhenAsync(admin, client.Id, "socme-disk-low", 1));
        await WhenAsync(admin, client.Id, "socme-spool-growing", 1);
        Assert.Contains("/var", disk.RuleDescription, StringComparison.Ordinal);
        Assert.Contains("95 %", disk.RuleDescription, StringComparison.Ordinal);

        // The next heartbeat, still full, within the same day and hour: nothing new.
        fx.Time.Advance(TimeSpan.FromSeconds(30));
        await node.HeartbeatAsync(Healthy with { Disks = [new DiskVitals("/var", 100, 96)], Spool = new SpoolVitals(70_000, 100_000_000, 1300) });
        await node.IngestAsync(Envelopes.UniqueWazuh(1)); // something else to wait for: the watcher ran past the heartbeat
        await Eventually.UntilAsync(async () => (await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id })).Count >= 3 ? "" : null, "alerts");
        Assert.Single(await SystemAlertsAsync(admin, client.Id, "socme-disk-low"));
        Assert.Single(await SystemAlertsAsync(admin, client.Id, "socme-spool-growing"));
    }

    [Fact]
    public async Task A_source_that_stops_sending_raises_a_source_silent_alert()
    {
        var (admin, client, node) = await TenantAsync();
        await node.IngestAsync(Envelopes.UniqueWazuh(2));
        await node.HeartbeatAsync(Healthy);

        // Seven hours in steps shorter than the offline threshold, a heartbeat after each: the node itself stays online
        // whenever the watcher looks (a step of an hour would let a tick that runs before the heartbeat see it offline).
        for (var step = 0; step < 7 * 15; step++)
        {
            fx.Time.Advance(TimeSpan.FromMinutes(4));
            await node.HeartbeatAsync(Healthy);
        }

        var silent = Assert.Single(await WhenAsync(admin, client.Id, "socme-source-silent", 1));
        Assert.Contains("Wazuh", silent.RuleDescription, StringComparison.Ordinal);
        Assert.Empty(await SystemAlertsAsync(admin, client.Id, "socme-node-offline"));
    }
}
