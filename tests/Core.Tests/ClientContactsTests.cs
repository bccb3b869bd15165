using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>Client contacts over the API: add, edit, remove (admin, audited), validation, reading and tenant scope.</summary>
public sealed class ClientContactsTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task Admin_adds_edits_and_removes_contacts_and_every_change_is_audited()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);

        var ciso = await admin.CreateClientContactAsync(client.Id,
            new CreateClientContactRequest(" Alice Martin ", "CISO", "alice@example.org", "+33 6 12 34 56 78", "Call first"));
        var oncall = await admin.CreateClientContactAsync(client.Id, new CreateClientContactRequest("Bob", Phone: "+4915112345678"));
        var edited = await admin.UpdateClientContactAsync(client.Id, oncall.Id, new UpdateClientContactRequest(Role: "on call", Email: "bob@example.org"));
        var cleared = await admin.UpdateClientContactAsync(client.Id, ciso.Id, new UpdateClientContactRequest(Notes: ""));
        var listed = await admin.ListClientContactsAsync(client.Id);
        await admin.DeleteClientContactAsync(client.Id, ciso.Id);
        var after = await admin.ListClientContactsAsync(client.Id);

        Assert.Equal(("Alice Martin", "+33612345678", "alice@example.org"), (ciso.Name, ciso.Phone, ciso.Email));
        Assert.Equal(("Bob", "on call", "bob@example.org", "+4915112345678"), (edited.Name, edited.Role, edited.Email, edited.Phone));
        Assert.Null(cleared.Notes);
        Assert.Equal("CISO", cleared.Role);
        Assert.Equal(["Alice Martin", "Bob"], listed.Select(c => c.Name));
        Assert.Equal([oncall.Id], after.Select(c => c.Id));
        var audit = await admin.ListAuditAsync(clientId: client.Id);
        Assert.Equal(2, audit.Items.Count(e => e.Action == "client.contact_create"));
        Assert.Contains(audit.Items, e => e.Action == "client.contact_update" && e.Target == oncall.Id.ToString());
        Assert.Contains(audit.Items, e => e.Action == "client.contact_delete" && e.Target == ciso.Id.ToString());
    }

    [Theory]
    [InlineData("", null, null, "name")]
    [InlineData("Eve", "not-an-email", null, "email")]
    [InlineData("Eve", "eve@localhost", null, "email")]
    [InlineData("Eve", "eve @example.org", null, "email")]
    [InlineData("Eve", null, "0612345678", "phone")]
    [InlineData("Eve", null, "+0612345678", "phone")]
    [InlineData("Eve", null, "+33 6 12 34 56 78 90 123", "phone")]
    [InlineData("Eve", null, "+33abc", "phone")]
    public async Task Invalid_fields_answer_422_validation_failed_naming_the_field(string name, string? email, string? phone, string field)
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var valid = await admin.CreateClientContactAsync(client.Id, new CreateClientContactRequest("Valid"));

        var created = await ApiAssert.FailsAsync((HttpStatusCode)422,
            () => admin.CreateClientContactAsync(client.Id, new CreateClientContactRequest(name, Email: email, Phone: phone)), "validation_failed");
        var updated = await ApiAssert.FailsAsync((HttpStatusCode)422,
            () => admin.UpdateClientContactAsync(client.Id, valid.Id, new UpdateClientContactRequest(name.Length == 0 ? " " : null, Email: email, Phone: phone)), "validation_failed");

        Assert.Contains($"\"{field}\"", created.Body, StringComparison.Ordinal);
        Assert.Contains($"\"{field}\"", updated.Body, StringComparison.Ordinal);
        Assert.Equal(["Valid"], (await admin.ListClientContactsAsync(client.Id)).Select(c => c.Name));
    }

    [Fact]
    public async Task Users_who_see_the_client_read_its_contacts_only_admins_write_and_other_tenants_get_404()
    {
        var admin = await core.AdminAsync();
        var a = await CoreFactory.ClientAsync(admin);
        var b = await CoreFactory.ClientAsync(admin);
        var contact = await admin.CreateClientContactAsync(a.Id, new CreateClientContactRequest("Alice", Email: "alice@example.org"));
        var (portalA, _) = await core.UserAsync(admin, "client", clientId: a.Id);
        var (portalB, _) = await core.UserAsync(admin, "client", clientId: b.Id);
        var (analystB, _) = await core.UserAsync(admin, "analyst", scope: [b.Id]);

        var seen = await portalA.ListClientContactsAsync(a.Id);

        Assert.Equal([contact.Id], seen.Select(c => c.Id));
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => portalA.CreateClientContactAsync(a.Id, new CreateClientContactRequest("Mallory")));
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => portalA.UpdateClientContactAsync(a.Id, contact.Id, new UpdateClientContactRequest("Mallory")));
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => portalA.DeleteClientContactAsync(a.Id, contact.Id));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => portalB.ListClientContactsAsync(a.Id), "not_found");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystB.ListClientContactsAsync(a.Id), "not_found");
        // A contact id under another client's URL is not found either (the pair must match).
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => admin.UpdateClientContactAsync(b.Id, contact.Id, new UpdateClientContactRequest("X")), "not_found");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => admin.DeleteClientContactAsync(b.Id, contact.Id), "not_found");
        Assert.Equal("Alice", (await admin.ListClientContactsAsync(a.Id)).Single().Name);
    }
}
