using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>Clients: create, update, delete refusing while not empty, forced delete removing what it says.</summary>
public sealed class ClientLifecycleTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task Create_GivesAUniqueSlug_AndValidates()
    {
        var admin = await core.AdminAsync();

        var first = await admin.CreateClientAsync(new CreateClientRequest("Société Générale d'Été"));
        var second = await admin.CreateClientAsync(new CreateClientRequest("Société Générale d'Été"));
        var renamed = await admin.UpdateClientAsync(first.Id, new UpdateClientRequest(Description: "HQ + 3 branches"));

        Assert.Equal("societe-generale-dete", first.Slug);
        Assert.Equal("societe-generale-dete-2", second.Slug);
        Assert.Equal("HQ + 3 branches", renamed.Description);
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateClientAsync(new CreateClientRequest(" ")), "validation_failed");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => admin.GetClientAsync(Guid.NewGuid()), "not_found");
    }

    [Fact]
    public async Task Delete_RefusesWhileNotEmpty_ThenForcedRemovesEverything()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, enrolled) = await core.NodeAsync(admin, client.Id);
        await node.IngestAsync(Envelopes.UniqueWazuh(7));
        await core.UserAsync(admin, "client", clientId: client.Id);

        var refused = await ApiAssert.FailsAsync(HttpStatusCode.Conflict, () => admin.DeleteClientAsync(client.Id), "client_not_empty");
        var deleted = await admin.DeleteClientAsync(client.Id, force: true);

        Assert.Contains("1 node(s), 7 alert(s) and 1 portal user(s)", refused.Body, StringComparison.Ordinal);
        Assert.Equal((1, 7L, 1, true), (deleted.Nodes, deleted.Alerts, deleted.Users, deleted.Deleted));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => admin.GetClientAsync(client.Id));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => admin.GetNodeAsync(enrolled.NodeId));
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => node.IngestAsync(Envelopes.UniqueWazuh(1)));
        Assert.Empty((await admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id })).Items);
        Assert.Single((await admin.ListAuditAsync(action: "client.delete", clientId: client.Id)).Items);
    }

    [Fact]
    public async Task EmptyClient_DeletesWithoutForce_AndNodeWithoutAlertsDeletes()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var node = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest("spare"));

        await ApiAssert.FailsAsync(HttpStatusCode.Conflict, () => admin.CreateNodeAsync(client.Id, new CreateNodeRequest("spare")), "node_name_taken");
        await admin.DeleteNodeAsync(node.Id);
        var deleted = await admin.DeleteClientAsync(client.Id);

        Assert.True(deleted.Deleted);
        Assert.Equal(0, deleted.Nodes);
    }
}
