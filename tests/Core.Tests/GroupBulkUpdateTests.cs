using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>
/// A bulk update of a whole group (<c>POST /alerts/bulk</c> with a group key) changes only the caller's tenant's alerts
/// of that group, even when another tenant has alerts with the same rule and addresses.
/// </summary>
public sealed class GroupBulkUpdateTests(ManualClockCoreFactory core) : IClassFixture<ManualClockCoreFactory>
{
    private static readonly DateTimeOffset Now = ManualClockCoreFactory.Now;

    private static List<string> SameGroup(int count, int hoursAgo = 0) =>
        Enumerable.Range(0, count).Select(i => InboxData.Wazuh(Now.AddHours(-hoursAgo).AddMinutes(-i - 1), 10, "5712", "sshd: brute force", "203.0.113.7", "10.1.1.1")).ToList();

    [Fact]
    public async Task AnalystOfA_ClosesAWholeGroup_OnlyAsAlertsChange_AndTheChangeIsAudited()
    {
        var admin = await core.AdminAsync();
        var a = await CoreFactory.ClientAsync(admin);
        var b = await CoreFactory.ClientAsync(admin);
        var (nodeA, _) = await core.NodeAsync(admin, a.Id);
        var (nodeB, _) = await core.NodeAsync(admin, b.Id);
        var inA = SameGroup(3);
        inA.Add(InboxData.Wazuh(Now.AddHours(-30), 10, "5712", "sshd: brute force", "203.0.113.7", "10.1.1.1"));
        inA.Add(InboxData.Wazuh(Now.AddMinutes(-1), 10, "5712", "sshd: brute force", "203.0.113.8", "10.1.1.1"));
        await nodeA.IngestAsync(inA);
        await nodeB.IngestAsync(SameGroup(4));
        var (analystA, _) = await core.UserAsync(admin, "analyst", scope: [a.Id]);

        var groups = await analystA.ListAlertGroupsAsync(new AlertFilter());
        var group = Assert.Single(groups.Items, g => g.SrcIp == "203.0.113.7");
        var result = await analystA.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(null, new AlertFilter(),
            new AlertUpdateRequest { Status = "closed", Verdict = "false_positive" }) { Group = group.Key });

        Assert.Equal((3L, 3, 3), (group.Count, result.Matched, result.Updated));
        var allA = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = a.Id });
        Assert.Equal(3, allA.Count(x => x.Status == "closed" && x.Verdict == "false_positive"));
        // Outside the grouped view's last 24 hours, or another source address: not part of the group shown.
        Assert.Equal("new", allA.Single(x => x.Time == Now.AddHours(-30)).Status);
        Assert.Equal("new", allA.Single(x => x.SrcIp == "203.0.113.8").Status);
        Assert.All(await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = b.Id }), x => Assert.Equal(("new", (string?)null), (x.Status, x.Verdict)));
        var audit = await admin.ListAuditAsync("alert.bulk_update", a.Id);
        Assert.Contains(audit.Items, e => e.Details is { } d && d.Contains(group.Key, StringComparison.Ordinal) && d.Contains("\"count\":3", StringComparison.Ordinal));
        Assert.Empty((await admin.ListAuditAsync("alert.bulk_update", b.Id)).Items);
    }

    [Fact]
    public async Task AGroupKeyWithAnotherTenantsFilter_MatchesNothing_AndClientUsersMayNotBulkUpdate()
    {
        var admin = await core.AdminAsync();
        var a = await CoreFactory.ClientAsync(admin);
        var b = await CoreFactory.ClientAsync(admin);
        var (nodeA, _) = await core.NodeAsync(admin, a.Id);
        var (nodeB, _) = await core.NodeAsync(admin, b.Id);
        await nodeA.IngestAsync(SameGroup(2));
        await nodeB.IngestAsync(SameGroup(2));
        var (analystA, _) = await core.UserAsync(admin, "analyst", scope: [a.Id]);
        var (clientUserB, _) = await core.UserAsync(admin, "client", clientId: b.Id);
        var key = (await clientUserB.ListAlertGroupsAsync(new AlertFilter())).Items.Single().Key;

        var viaB = await analystA.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(null, new AlertFilter { ClientId = b.Id },
            new AlertUpdateRequest { Status = "closed" }) { Group = key });
        var adminOnB = await admin.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(null, new AlertFilter { ClientId = b.Id, Group = key },
            new AlertUpdateRequest { Status = "in_progress" }));

        Assert.Equal(0, viaB.Matched);
        Assert.Equal(2, adminOnB.Matched);
        Assert.All(await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = a.Id }), x => Assert.Equal("new", x.Status));
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => clientUserB.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(null, null,
            new AlertUpdateRequest { Status = "acknowledged" }) { Group = key }));
        Assert.All(await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = b.Id }), x => Assert.Equal("in_progress", x.Status));
    }
}
