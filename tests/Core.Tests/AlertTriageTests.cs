using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>Triage: status, verdict, assignee, tags, comments and bulk, each change in history and the audit log.</summary>
public sealed class AlertTriageTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    private async Task<(SocmeClient Admin, ClientDto Client, List<AlertDto> Alerts)> SeedAsync(int count = 10)
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        await node.IngestAsync(Envelopes.UniqueWazuh(count));
        return (admin, client, await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id }));
    }

    [Fact]
    public async Task Update_ChangesTheAlert_AndRecordsHistoryAndAudit()
    {
        var s = await SeedAsync();
        var (analyst, analystUser) = await core.UserAsync(s.Admin, "analyst", allClients: true);
        var id = s.Alerts[0].Id;

        var updated = await analyst.UpdateAlertAsync(id, new AlertUpdateRequest
        {
            Status = "closed", Verdict = "false_positive", VerdictReason = "Backup job", AssigneeId = analystUser.Id, Tags = ["backup", "Noise"],
        });
        await analyst.AddCommentAsync(id, "Confirmed with the client.");
        var detail = await analyst.GetAlertAsync(id);

        Assert.Equal(("closed", "false_positive", "Backup job"), (updated.Status, updated.Verdict, updated.VerdictReason));
        Assert.Equal(analystUser.Id, updated.AssigneeId);
        Assert.Equal(["backup", "noise"], updated.Tags);
        Assert.Equal(["assignee", "comment", "status", "tags", "verdict", "verdict_reason"], detail.History.Select(h => h.Field).Order());
        Assert.All(detail.History, h => Assert.Equal(analystUser.Email, h.Actor));
        Assert.Equal("Confirmed with the client.", Assert.Single(detail.Comments).Body);
        var audit = await s.Admin.ListAuditAsync(clientId: s.Client.Id, action: "alert.*");
        Assert.Equal(["alert.comment", "alert.update"], audit.Items.Select(a => a.Action).Order());
    }

    [Fact]
    public async Task Update_WithNoChange_WritesNoHistory()
    {
        var s = await SeedAsync(1);

        await s.Admin.UpdateAlertAsync(s.Alerts[0].Id, new AlertUpdateRequest { Status = "new" });

        Assert.Empty((await s.Admin.GetAlertAsync(s.Alerts[0].Id)).History);
    }

    [Fact]
    public async Task Update_RejectsInvalidValues()
    {
        var s = await SeedAsync(1);
        var (clientUser, clientUserDto) = await core.UserAsync(s.Admin, "client", clientId: s.Client.Id);
        var id = s.Alerts[0].Id;

        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.UpdateAlertAsync(id, new AlertUpdateRequest { Status = "solved" }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.UpdateAlertAsync(id, new AlertUpdateRequest { Tags = ["has space"] }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.UpdateAlertAsync(id, new AlertUpdateRequest { AssigneeId = clientUserDto.Id }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.AddCommentAsync(id, "  "), "validation_failed");
        Assert.NotNull(clientUser);
    }

    [Fact]
    public async Task BulkByIds_And_ByFilter()
    {
        var s = await SeedAsync(20);
        var ids = s.Alerts.Take(5).Select(a => a.Id).ToList();

        var byIds = await s.Admin.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(ids, null, new AlertUpdateRequest { Status = "acknowledged", AddTags = ["triaged"] }));
        var byFilter = await s.Admin.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(null, new AlertFilter { ClientId = s.Client.Id, Status = "new" }, new AlertUpdateRequest { Status = "closed", Verdict = "benign" }));

        Assert.Equal((5, 5), (byIds.Matched, byIds.Updated));
        Assert.Equal((15, 15), (byFilter.Matched, byFilter.Updated));
        var after = await IngestIdempotencyTests.AllAsync(s.Admin, new AlertFilter { ClientId = s.Client.Id });
        Assert.Equal(5, after.Count(a => a.Status == "acknowledged" && a.Tags.Contains("triaged")));
        Assert.Equal(15, after.Count(a => a.Status == "closed" && a.Verdict == "benign"));
        Assert.Equal(2, (await s.Admin.ListAuditAsync(action: "alert.bulk_update", clientId: s.Client.Id)).Items.Count);
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(ids, new AlertFilter(), new AlertUpdateRequest { Status = "new" })));
    }
}
