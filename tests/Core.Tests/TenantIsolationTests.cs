using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>A cross-tenant leak is the worst bug we can ship: every path between two clients is tried.</summary>
public sealed class TenantIsolationTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    private async Task<(SocmeClient Admin, ClientDto A, ClientDto B, SocmeClient NodeA, SocmeClient NodeB, AlertDto AlertA, AlertDto AlertB)> TwoTenantsAsync()
    {
        var admin = await core.AdminAsync();
        var a = await CoreFactory.ClientAsync(admin, "Tenant A");
        var b = await CoreFactory.ClientAsync(admin, "Tenant B");
        var (nodeA, _) = await core.NodeAsync(admin, a.Id);
        var (nodeB, _) = await core.NodeAsync(admin, b.Id);
        await nodeA.IngestAsync(Envelopes.UniqueWazuh(3));
        await nodeB.IngestAsync(Envelopes.UniqueWazuh(2));
        var alertA = (await admin.ListAlertsAsync(new AlertFilter { ClientId = a.Id })).Items[0];
        var alertB = (await admin.ListAlertsAsync(new AlertFilter { ClientId = b.Id })).Items[0];
        return (admin, a, b, nodeA, nodeB, alertA, alertB);
    }

    [Fact]
    public async Task NodeOfB_CannotPlaceAnAlertInA_ClientComesFromTheToken()
    {
        var t = await TwoTenantsAsync();
        var raw = Corpus.WithWazuhId(Corpus.WazuhAlerts()[0], "1700000000.42");
        var forged = $$"""{"source":"wazuh","key":"forged-1","clientId":"{{t.A.Id}}","nodeId":"{{t.AlertA.NodeId}}","raw":{{raw}}}""";

        var result = await t.NodeB.IngestAsync([forged]);

        Assert.Equal(1, result.Accepted);
        var inA = await IngestIdempotencyTests.AllAsync(t.Admin, new AlertFilter { ClientId = t.A.Id });
        var inB = await IngestIdempotencyTests.AllAsync(t.Admin, new AlertFilter { ClientId = t.B.Id });
        Assert.DoesNotContain(inA, x => x.Key == "forged-1");
        var landed = Assert.Single(inB, x => x.Key == "forged-1");
        Assert.Equal(t.AlertB.NodeId, landed.NodeId);
    }

    [Fact]
    public async Task ClientUserOfB_Gets404OnA_AndSeesNoneOfAInAnyList()
    {
        var t = await TwoTenantsAsync();
        var (userB, _) = await core.UserAsync(t.Admin, "client", clientId: t.B.Id);

        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => userB.GetAlertAsync(t.AlertA.Id), "not_found");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => userB.UpdateAlertAsync(t.AlertA.Id, new AlertUpdateRequest { Status = "acknowledged" }));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => userB.AddCommentAsync(t.AlertA.Id, "hello"));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => userB.GetClientAsync(t.A.Id));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => userB.ListNodesAsync(t.A.Id));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => userB.GetNodeAsync(t.AlertA.NodeId));

        var all = await IngestIdempotencyTests.AllAsync(userB, new AlertFilter());
        var filteredToA = await IngestIdempotencyTests.AllAsync(userB, new AlertFilter { ClientId = t.A.Id });
        var byNodeOfA = await IngestIdempotencyTests.AllAsync(userB, new AlertFilter { NodeId = t.AlertA.NodeId });
        var byText = await IngestIdempotencyTests.AllAsync(userB, new AlertFilter { Q = t.AlertA.RuleDescription });
        Assert.Equal(2, all.Count);
        Assert.All(all, x => Assert.Equal(t.B.Id, x.ClientId));
        Assert.Empty(filteredToA);
        Assert.Empty(byNodeOfA);
        Assert.All(byText, x => Assert.Equal(t.B.Id, x.ClientId));
        Assert.Equal([t.B.Id], (await userB.ListClientsAsync()).Select(c => c.Id));
        Assert.All(await userB.ListNodesAsync(), n => Assert.Equal(t.B.Id, n.ClientId));
    }

    [Fact]
    public async Task ClientUser_MayAcknowledgeAndComment_ButNothingElse()
    {
        var t = await TwoTenantsAsync();
        var (userB, _) = await core.UserAsync(t.Admin, "client", clientId: t.B.Id);

        var acked = await userB.UpdateAlertAsync(t.AlertB.Id, new AlertUpdateRequest { Status = "acknowledged" });
        await userB.AddCommentAsync(t.AlertB.Id, "Seen on our side, it was a scheduled scan.");

        Assert.Equal("acknowledged", acked.Status);
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => userB.UpdateAlertAsync(t.AlertB.Id, new AlertUpdateRequest { Status = "closed" }), "forbidden_for_role");
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => userB.UpdateAlertAsync(t.AlertB.Id, new AlertUpdateRequest { Tags = ["x"] }), "forbidden_for_role");
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => userB.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest([t.AlertB.Id], null, new AlertUpdateRequest { Status = "acknowledged" })));
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => userB.CreateClientAsync(new CreateClientRequest("Mine")));
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => userB.ListUsersAsync());
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => userB.ListAuditAsync());
    }

    [Fact]
    public async Task AnalystScopedToA_Gets404OnB_AndListsOnlyA()
    {
        var t = await TwoTenantsAsync();
        var (analystA, _) = await core.UserAsync(t.Admin, "analyst", scope: [t.A.Id]);

        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystA.GetAlertAsync(t.AlertB.Id), "not_found");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystA.UpdateAlertAsync(t.AlertB.Id, new AlertUpdateRequest { Status = "closed" }));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystA.GetClientAsync(t.B.Id));
        var bulk = await analystA.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest([t.AlertA.Id, t.AlertB.Id], null, new AlertUpdateRequest { Status = "in_progress" }));

        Assert.Equal((1, 1), (bulk.Matched, bulk.Updated));
        Assert.Equal("new", (await t.Admin.GetAlertAsync(t.AlertB.Id)).Alert.Status);
        var seen = await IngestIdempotencyTests.AllAsync(analystA, new AlertFilter());
        Assert.Equal(3, seen.Count);
        Assert.All(seen, x => Assert.Equal(t.A.Id, x.ClientId));
        Assert.Equal(0, (await analystA.BulkUpdateAlertsAsync(new BulkAlertUpdateRequest(null, new AlertFilter { ClientId = t.B.Id }, new AlertUpdateRequest { Status = "closed" }))).Matched);
    }

    [Fact]
    public async Task AnAlertCannotBeAssignedToAnAnalystWhoCannotSeeItsClient()
    {
        var t = await TwoTenantsAsync();
        var (_, analystA) = await core.UserAsync(t.Admin, "analyst", scope: [t.A.Id]);

        await ApiAssert.FailsAsync((HttpStatusCode)422, () => t.Admin.UpdateAlertAsync(t.AlertB.Id, new AlertUpdateRequest { AssigneeId = analystA.Id }), "validation_failed");
        var assigned = await t.Admin.UpdateAlertAsync(t.AlertA.Id, new AlertUpdateRequest { AssigneeId = analystA.Id });

        Assert.Equal(analystA.Id, assigned.AssigneeId);
        Assert.Null((await t.Admin.GetAlertAsync(t.AlertB.Id)).Alert.AssigneeId);
    }

    [Fact]
    public async Task NodeToken_CannotReadTheApi_AndUserToken_CannotIngest()
    {
        var t = await TwoTenantsAsync();

        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => t.NodeA.ListAlertsAsync());
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => t.NodeA.ListClientsAsync());
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => t.Admin.IngestAsync(Envelopes.UniqueWazuh(1)));
    }
}
