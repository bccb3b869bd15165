using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>The grouped inbox (<c>GET /alerts/groups</c>): counts, first and last seen, filters, paging and group keys.</summary>
public sealed class AlertGroupingTests(ManualClockCoreFactory core) : IClassFixture<ManualClockCoreFactory>
{
    private static readonly DateTimeOffset Now = ManualClockCoreFactory.Now;

    private sealed record Seeded(SocmeClient Admin, UserDto AdminUser, ClientDto Client, List<AlertDto> All);

    /// <summary>
    /// One client: G1 wazuh 5710 from 10.0.0.1 (two alerts in the last day, one 30 h ago), G2 wazuh 5710 from 10.0.0.2,
    /// G3 suricata 2001 between two addresses, G4 wazuh 100 with no address, G5 wazuh 100 from 10.0.0.5.
    /// </summary>
    private async Task<Seeded> SeedAsync()
    {
        var admin = await core.AdminAsync();
        var me = await admin.MeAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var result = await node.IngestAsync(
        [
            InboxData.Wazuh(Now.AddHours(-1), 5, "5710", "sshd: non-existent user", "10.0.0.1"),
            InboxData.Wazuh(Now.AddHours(-2), 10, "5710", "sshd: non-existent user", "10.0.0.1"),
            InboxData.Wazuh(Now.AddHours(-30), 12, "5710", "sshd: non-existent user", "10.0.0.1"),
            InboxData.Wazuh(Now.AddMinutes(-10), 5, "5710", "sshd: non-existent user", "10.0.0.2"),
            InboxData.Wazuh(Now.AddMinutes(-20), 5, "5710", "sshd: non-existent user", "10.0.0.2"),
            InboxData.Suricata(Now.AddMinutes(-5), 1, 2001, "ET SCAN Nmap", "192.0.2.1", "198.51.100.1"),
            InboxData.Suricata(Now.AddMinutes(-6), 2, 2001, "ET SCAN Nmap", "192.0.2.1", "198.51.100.1"),
            InboxData.Suricata(Now.AddMinutes(-7), 3, 2001, "ET SCAN Nmap", "192.0.2.1", "198.51.100.1"),
            InboxData.Wazuh(Now.AddHours(-3), 3, "100", "Agent event"),
            InboxData.Wazuh(Now.AddHours(-4), 3, "100", "Agent event", "10.0.0.5"),
        ]);
        Assert.Empty(result.Rejected);
        var all = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id });
        Assert.Equal(10, all.Count);
        return new Seeded(admin, me, client, all);
    }

    [Fact]
    public async Task Groups_HaveCountsLevelsAndFirstAndLastSeen_NewestFirst_WithinTheLastDayByDefault()
    {
        var s = await SeedAsync();
        var g2Closed = s.All.First(a => a.SrcIp == "10.0.0.2");
        await s.Admin.UpdateAlertAsync(g2Closed.Id, new AlertUpdateRequest { Status = "closed" });

        var page = await s.Admin.ListAlertGroupsAsync(new AlertFilter { ClientId = s.Client.Id });

        Assert.Equal(Now.AddHours(-24), page.From);
        Assert.Null(page.NextCursor);
        Assert.Equal(["suricata:2001:192.0.2.1", "wazuh:5710:10.0.0.2", "wazuh:5710:10.0.0.1", "wazuh:100:", "wazuh:100:10.0.0.5"],
            page.Items.Select(g => $"{g.Source}:{g.RuleId}:{g.SrcIp}"));
        var g1 = page.Items[2];
        Assert.Equal((2L, 2L, 10, "medium"), (g1.Count, g1.OpenCount, g1.MaxLevel, g1.MaxBand));
        Assert.Equal((Now.AddHours(-2), Now.AddHours(-1)), (g1.FirstSeen, g1.LastSeen));
        Assert.Null(g1.DstIp);
        Assert.Equal("sshd: non-existent user", g1.Description);
        Assert.Equal(s.All.Where(a => a.SrcIp == "10.0.0.1" && a.Time >= Now.AddHours(-24)).Max(a => a.Id), g1.NewestAlertId);
        var g2 = page.Items[1];
        Assert.Equal((2L, 1L), (g2.Count, g2.OpenCount));
        var g3 = page.Items[0];
        Assert.Equal((3L, 12, "high", "ET SCAN Nmap", "198.51.100.1"), (g3.Count, g3.MaxLevel, g3.MaxBand, g3.Description, g3.DstIp));
        Assert.Equal((Now.AddMinutes(-7), Now.AddMinutes(-5)), (g3.FirstSeen, g3.LastSeen));

        var twoDays = await s.Admin.ListAlertGroupsAsync(new AlertFilter { ClientId = s.Client.Id, From = Now.AddHours(-48) });
        var g1Wide = twoDays.Items.Single(g => g.SrcIp == "10.0.0.1");
        Assert.Equal((3L, 12, "high", Now.AddHours(-30)), (g1Wide.Count, g1Wide.MaxLevel, g1Wide.MaxBand, g1Wide.FirstSeen));
    }

    [Fact]
    public async Task Filters_GroupExactlyTheAlertsTheFlatListReturns()
    {
        var s = await SeedAsync();
        var fp = s.All.First(a => a.Source == "suricata");
        await s.Admin.UpdateAlertAsync(fp.Id, new AlertUpdateRequest { Verdict = "false_positive", Status = "closed" });
        var mine = s.All.First(a => a.RuleId == "100");
        await s.Admin.UpdateAlertAsync(mine.Id, new AlertUpdateRequest { AssigneeId = s.AdminUser.Id, Status = "in_progress" });
        var from = Now.AddHours(-48);
        var filters = new[]
        {
            new AlertFilter { Band = "low" },
            new AlertFilter { Source = "suricata" },
            new AlertFilter { Status = "new" },
            new AlertFilter { Status = "closed,in_progress" },
            new AlertFilter { Verdict = "false_positive" },
            new AlertFilter { Verdict = "none" },
            new AlertFilter { Verdict = "none,false_positive" },
            new AlertFilter { Assignee = "me" },
            new AlertFilter { Assignee = s.AdminUser.Id.ToString() },
            new AlertFilter { Assignee = "none" },
            new AlertFilter { RuleId = "5710" },
            new AlertFilter { Q = "nmap" },
            new AlertFilter { Q = "10.0.0.1" },
            new AlertFilter { MinLevel = 10 },
            new AlertFilter { From = Now.AddHours(-3), To = Now.AddMinutes(-10) },
        };

        foreach (var f in filters)
        {
            var filter = f with { ClientId = s.Client.Id, From = f.From ?? from };
            var flat = await IngestIdempotencyTests.AllAsync(s.Admin, filter);
            var groups = await InboxData.AllGroupsAsync(s.Admin, filter);

            var expected = flat.GroupBy(a => (a.Source, a.RuleId, a.SrcIp, a.DstIp))
                .Select(g => $"{g.Key}={g.Count()}/{g.Count(a => a.Status != "closed")}/{g.Max(a => a.Level)}/{g.Min(a => a.Time):O}/{g.Max(a => a.Time):O}/{g.Max(a => a.Id)}")
                .Order(StringComparer.Ordinal);
            var actual = groups.Select(g => $"{(g.Source, g.RuleId, g.SrcIp, g.DstIp)}={g.Count}/{g.OpenCount}/{g.MaxLevel}/{g.FirstSeen:O}/{g.LastSeen:O}/{g.NewestAlertId}")
                .Order(StringComparer.Ordinal);
            Assert.True(flat.Count > 0, $"The filter {filter} should match something.");
            Assert.Equal(expected, actual);
        }
        Assert.Single(await InboxData.AllGroupsAsync(s.Admin, new AlertFilter { ClientId = s.Client.Id, Assignee = "me" }));
    }

    [Fact]
    public async Task Pages_FollowLastSeen_WithoutGapsOrRepeats_AndAGroupKeyListsExactlyItsAlerts()
    {
        var s = await SeedAsync();
        var filter = new AlertFilter { ClientId = s.Client.Id, From = Now.AddHours(-48) };

        var all = await InboxData.AllGroupsAsync(s.Admin, filter, limit: 2);
        var first = await s.Admin.ListAlertGroupsAsync(filter, 2);

        Assert.Equal(5, all.Count);
        Assert.Equal(all.Count, all.Select(g => g.Key).Distinct().Count());
        Assert.Equal(all.OrderByDescending(g => g.LastSeen).Select(g => g.Key), all.Select(g => g.Key));
        Assert.Equal(2, first.Items.Count);
        Assert.NotNull(first.NextCursor);
        foreach (var g in all)
        {
            var alerts = await IngestIdempotencyTests.AllAsync(s.Admin, filter with { Group = g.Key });
            var expected = s.All.Where(a => a.Source == g.Source && a.RuleId == g.RuleId && a.SrcIp == g.SrcIp && a.DstIp == g.DstIp).Select(a => a.Id).Order();
            Assert.Equal(expected, alerts.Select(a => a.Id).Order());
        }
        // Without a from, a group key selects what the grouped view shows: the last 24 hours.
        var g1 = all.Single(g => g.SrcIp == "10.0.0.1");
        Assert.Equal(2, (await IngestIdempotencyTests.AllAsync(s.Admin, new AlertFilter { Group = g1.Key })).Count);
    }

    [Fact]
    public async Task BadParameters_Are4xxWithAStableCode()
    {
        var s = await SeedAsync();
        var key = (await s.Admin.ListAlertGroupsAsync(new AlertFilter { ClientId = s.Client.Id })).Items[0].Key;

        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.ListAlertGroupsAsync(new AlertFilter { Group = "not-a-key" }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.ListAlertsAsync(new AlertFilter { Group = "WyJ4Il0" }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.ListAlertGroupsAsync(new AlertFilter { From = Now.AddDays(-40) }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.ListAlertGroupsAsync(new AlertFilter { Verdict = "maybe" }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.ListAlertsAsync(new AlertFilter { Assignee = "bob" }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.ListAlertGroupsAsync(new AlertFilter { Band = "purple" }), "validation_failed");
        await ApiAssert.FailsAsync(HttpStatusCode.BadRequest, () => s.Admin.ListAlertGroupsAsync(cursor: "garbage!"), "invalid_cursor");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.BulkUpdateAlertsAsync(
            new BulkAlertUpdateRequest([s.All[0].Id], null, new AlertUpdateRequest { Status = "closed" }) { Group = key }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.BulkUpdateAlertsAsync(
            new BulkAlertUpdateRequest(null, null, new AlertUpdateRequest { Status = "closed" }) { Group = "not-a-key" }), "validation_failed");
        Assert.All(await IngestIdempotencyTests.AllAsync(s.Admin, new AlertFilter { ClientId = s.Client.Id }), a => Assert.Equal("new", a.Status));
    }
}
