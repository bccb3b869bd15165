using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>
/// The grouped inbox and the overview never show one tenant's alerts to another: a client user of B sees none of A's
/// groups, tiles, top rules, MITRE cells or newest alerts, and A's ids, group keys and client id get nothing or 404.
/// </summary>
public sealed class InboxTenantIsolationTests(ManualClockCoreFactory core) : IClassFixture<ManualClockCoreFactory>
{
    private static readonly DateTimeOffset Now = ManualClockCoreFactory.Now;

    [Fact]
    public async Task ClientUserOfB_SeesNothingOfA_InGroupsOrTheOverview()
    {
        var admin = await core.AdminAsync();
        var a = await CoreFactory.ClientAsync(admin);
        var b = await CoreFactory.ClientAsync(admin);
        var (nodeA, _) = await core.NodeAsync(admin, a.Id);
        var (nodeB, _) = await core.NodeAsync(admin, b.Id);
        await nodeA.IngestAsync(
        [
            InboxData.Wazuh(Now.AddMinutes(-5), 15, "9001", "Exfiltration over C2", "198.51.100.9", "10.0.0.9", ["Exfiltration"], ["T1041"]),
            InboxData.Wazuh(Now.AddMinutes(-6), 13, "5712", "sshd: brute force", "203.0.113.7", "10.1.1.1", ["Credential Access"], ["T1110"]),
            InboxData.Suricata(Now.AddMinutes(-7), 1, 2_100_001, "ET EXPLOIT A only", "192.0.2.66", "10.0.0.9"),
        ]);
        await nodeB.IngestAsync(
        [
            InboxData.Wazuh(Now.AddMinutes(-8), 13, "5712", "sshd: brute force", "203.0.113.7", "10.1.1.1", ["Credential Access"], ["T1110"]),
            InboxData.Wazuh(Now.AddMinutes(-9), 3, "100", "B only", "192.0.2.200"),
        ]);
        var (userB, _) = await core.UserAsync(admin, "client", clientId: b.Id);
        var alertsA = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = a.Id });
        var groupsOfA = (await admin.ListAlertGroupsAsync(new AlertFilter { ClientId = a.Id })).Items;
        var onlyA = groupsOfA.Single(g => g.RuleId == "9001");

        var groups = await userB.ListAlertGroupsAsync(new AlertFilter());
        var groupsFilteredToA = await userB.ListAlertGroupsAsync(new AlertFilter { ClientId = a.Id });
        var byKeyOfA = await userB.ListAlertGroupsAsync(new AlertFilter { Group = onlyA.Key });
        var listByKeyOfA = await IngestIdempotencyTests.AllAsync(userB, new AlertFilter { Group = onlyA.Key });
        var overview = await userB.GetOverviewAsync(new OverviewQuery { Top = 50, Newest = 100 });

        Assert.Equal(3, groupsOfA.Count);
        Assert.Equal(["100", "5712"], groups.Items.Select(g => g.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal(1, groups.Items.Single(g => g.RuleId == "5712").Count);
        Assert.DoesNotContain(groups.Items, g => alertsA.Any(x => x.Id == g.NewestAlertId));
        Assert.Empty(groupsFilteredToA.Items);
        Assert.Empty(byKeyOfA.Items);
        Assert.Empty(listByKeyOfA);

        Assert.Equal([b.Id], overview.Clients.Select(c => c.ClientId));
        Assert.Equal(new BandCounts(1, 0, 1, 0), overview.Totals);
        Assert.Equal(["100", "5712"], overview.TopRules.Select(r => r.RuleId).Order(StringComparer.Ordinal));
        Assert.Equal(1, overview.TopRules.Single(r => r.RuleId == "5712").Count);
        Assert.Equal(["Credential Access:T1110:1"], overview.Mitre.SelectMany(t => t.Techniques).Select(c => $"{c.Tactic}:{c.Technique}:{c.Count}"));
        Assert.All(overview.NewestHighAndCritical, x => Assert.Equal(b.Id, x.ClientId));
        Assert.Single(overview.NewestHighAndCritical);

        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => userB.GetOverviewAsync(new OverviewQuery { ClientId = a.Id }), "not_found");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => userB.GetAlertAsync(onlyA.NewestAlertId), "not_found");
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => userB.BulkUpdateAlertsAsync(
            new BulkAlertUpdateRequest(alertsA.Select(x => x.Id).ToList(), null, new AlertUpdateRequest { Status = "acknowledged" })));
    }

    [Fact]
    public async Task AnalystOfB_BulkUpdatesNothingOfA_ByIdsOrByGroup()
    {
        var admin = await core.AdminAsync();
        var a = await CoreFactory.ClientAsync(admin);
        var b = await CoreFactory.ClientAsync(admin);
        var (nodeA, _) = await core.NodeAsync(admin, a.Id);
        await core.NodeAsync(admin, b.Id);
        await nodeA.IngestAsync([InboxData.Wazuh(Now.AddMinutes(-5), 10, "5712", "sshd: brute force", "203.0.113.7", "10.1.1.1")]);
        var (analystB, _) = await core.UserAsync(admin, "analyst", scope: [b.Id]);
        var alertA = (await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = a.Id })).Single();
        var keyOfA = (await admin.ListAlertGroupsAsync(new AlertFilter { ClientId = a.Id })).Items.Single().Key;

        var byIds = await analystB.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest([alertA.Id], null, new AlertUpdateRequest { Status = "closed" }));
        var byGroup = await analystB.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(null, null, new AlertUpdateRequest { Status = "closed" }) { Group = keyOfA });

        Assert.Equal((0, 0), (byIds.Matched, byGroup.Matched));
        Assert.Equal("new", (await admin.GetAlertAsync(alertA.Id)).Alert.Status);
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystB.UpdateAlertAsync(alertA.Id, new AlertUpdateRequest { Status = "closed" }), "not_found");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystB.GetOverviewAsync(new OverviewQuery { ClientId = a.Id }), "not_found");
    }
}
