using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Console;

/// <summary>Clients and nodes in the console: clients and contacts, enrolling a node from the page, vitals, tenant scope.</summary>
public sealed partial class FleetPagesTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Admin_creates_a_client_and_manages_its_contacts_through_the_pages()
    {
        var (email, password, _) = await fx.UserAsync("admin");
        var page = await fx.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        var name = $"Acme {Guid.NewGuid():N}"[..13];

        await page.GotoAsync("/clients");
        await page.GetByTestId("client-name").FillAsync(name);
        await page.GetByTestId("client-description").FillAsync("HQ and two branches");
        await page.GetByTestId("client-create").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(GuidUrl("clients"));
        await Assertions.Expect(page.GetByTestId("client-title")).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByTestId("client-description")).ToHaveTextAsync("HQ and two branches");
        await Assertions.Expect(page.Locator("canvas[data-chart=client-volume]")).ToHaveAttributeAsync("data-drawn", "true");
        var clientId = Guid.Parse(page.Url.Split('/')[^1].Split('?')[0]);

        // A phone number not in E.164 is refused, the form stays open with what was typed.
        await page.GetByTestId("contact-add").ClickAsync();
        await page.GetByTestId("contact-name").FillAsync("Alice Martin");
        await page.GetByTestId("contact-role").FillAsync("CISO");
        await page.GetByTestId("contact-email").FillAsync("alice@example.org");
        await page.GetByTestId("contact-phone").FillAsync("06 12 34 56 78");
        await page.GetByTestId("contact-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("client-error")).ToContainTextAsync("E.164");
        await Assertions.Expect(page.GetByTestId("contact-name")).ToHaveValueAsync("Alice Martin");
        await Assertions.Expect(page.GetByTestId("contact-row")).ToHaveCountAsync(0);

        await page.GetByTestId("contact-phone").FillAsync("+33 6 12 34 56 78");
        await page.GetByTestId("contact-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("client-message")).ToBeVisibleAsync();
        var row = page.GetByTestId("contact-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("alice@example.org");
        await Assertions.Expect(row).ToContainTextAsync("+33612345678");

        // Edit: the role changes.
        await row.GetByTestId("contact-edit").ClickAsync();
        await row.Locator("input[name='Contact.Role']").FillAsync("IT admin");
        await row.GetByTestId("contact-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("contact-row")).ToContainTextAsync("IT admin");
        var stored = Assert.Single(await fx.Admin.ListClientContactsAsync(clientId));
        Assert.Equal(("Alice Martin", "IT admin", "+33612345678"), (stored.Name, stored.Role, stored.Phone));

        // The client is in the list; removing the contact (after confirming) empties the table.
        await page.GotoAsync("/clients");
        await Assertions.Expect(page.GetByTestId("client-row").Filter(new() { HasText = name })).ToHaveCountAsync(1);
        await page.GotoAsync($"/clients/{clientId}");
        await page.GetByTestId("contact-remove").ClickAsync();
        await Assertions.Expect(page.GetByTestId("contacts-empty")).ToBeVisibleAsync();
        Assert.Empty(await fx.Admin.ListClientContactsAsync(clientId));

        // Renaming the client; then the page in French.
        await page.GetByTestId("client-edit").ClickAsync();
        await page.GetByTestId("client-edit-name").FillAsync(name + " SA");
        await page.GetByTestId("client-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("client-title")).ToHaveTextAsync(name + " SA");
        Assert.Equal(name + " SA", (await fx.Admin.GetClientAsync(clientId)).Name);
        await page.GetByTestId("language-switch").ClickAsync();
        await Assertions.Expect(page.GetByTestId("contact-add")).ToHaveTextAsync("Ajouter un contact");
        await Assertions.Expect(page.GetByTestId("contacts-empty")).ToHaveTextAsync("Aucun contact pour l'instant.");
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_node_enrolled_from_the_page_with_the_shown_code_comes_online_with_its_vitals()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin);
        var (email, password, _) = await fx.UserAsync("admin");
        var page = await fx.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await ConsoleFixture.SignInAsync(page, email, password);

        await page.GotoAsync("/nodes");
        await page.GetByTestId("enrol-node").ClickAsync();
        await page.GetByTestId("enrol-client").SelectOptionAsync(client.Id.ToString());
        await page.GetByTestId("enrol-name").FillAsync("site-1");
        await page.GetByTestId("enrol-submit").ClickAsync();
        var code = (await page.GetByTestId("enrollment-code").InnerTextAsync()).Trim();
        Assert.StartsWith("SOCME-", code, StringComparison.Ordinal);
        var core = fx.BaseUrl.GetLeftPart(UriPartial.Authority);
        await Assertions.Expect(page.GetByTestId("enroll-command")).ToHaveTextAsync($"socme-node enroll --core {core} --code {code}");
        await Assertions.Expect(page.GetByTestId("enrollment-expires")).ToBeVisibleAsync();
        await page.GetByTestId("copy-enroll").ClickAsync();
        await Assertions.Expect(page.GetByTestId("copy-enroll")).ToHaveAttributeAsync("data-done", "true");

        // The node really enrols with the code shown, then beats with its vitals.
        var enrolled = await fx.Core.Anonymous().EnrollAsync(new EnrollRequest(code, "sensor-7", AgentVersion: "0.3.0"));
        var node = fx.Core.As(enrolled.Token);
        await node.HeartbeatAsync(Vitals(load: 0.42, spool: 3));

        await page.GetByTestId("enrolment-node-link").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/nodes/{enrolled.NodeId}$"));
        await Assertions.Expect(page.GetByTestId("node-status")).ToHaveTextAsync("online");
        await Assertions.Expect(page.GetByTestId("vitals-hostname")).ToHaveTextAsync("sensor-7");
        await Assertions.Expect(page.GetByTestId("vitals-os")).ToHaveTextAsync("Debian GNU/Linux 13 (trixie)");
        await Assertions.Expect(page.GetByTestId("vitals-wazuh")).ToContainTextAsync("running 4.14.7");
        await Assertions.Expect(page.GetByTestId("vitals-wazuh")).ToContainTextAsync("indexer: not installed");
        await Assertions.Expect(page.GetByTestId("vitals-suricata")).ToContainTextAsync("7.0.8");
        await Assertions.Expect(page.GetByTestId("vitals-thehive")).ToHaveTextAsync("not installed");
        await Assertions.Expect(page.GetByTestId("vitals-spool")).ToContainTextAsync("3 alerts waiting");
        await Assertions.Expect(page.GetByTestId("vitals-cpu")).ToContainTextAsync("0.42");
        await Assertions.Expect(page.Locator("canvas[data-series=load]")).ToHaveAttributeAsync("data-drawn", "true");

        // The fleet table shows it online with its versions and spool; the status filter keeps it or leaves it out.
        await page.GotoAsync($"/nodes?client={client.Id}");
        var row = page.GetByTestId("node-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.GetByTestId("node-status")).ToHaveTextAsync("online");
        await Assertions.Expect(row).ToContainTextAsync("0.3.0");
        await Assertions.Expect(row).ToContainTextAsync("4.14.7");
        await page.GetByTestId("filter-status").SelectOptionAsync("offline");
        await page.GetByTestId("filter-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("nodes-empty")).ToBeVisibleAsync();

        // Rotating the token shows the new one once; the old one stops at once.
        await page.GotoAsync($"/nodes/{enrolled.NodeId}");
        await page.GetByTestId("node-rotate").ClickAsync();
        var token = (await page.GetByTestId("new-node-token").InnerTextAsync()).Trim();
        Assert.StartsWith("socme_node_", token, StringComparison.Ordinal);
        await ApiAssert.FailsAsync(HttpStatusCode.Unauthorized, () => node.HeartbeatAsync(Vitals(0.1, 0)));
        await fx.Core.As(token).HeartbeatAsync(Vitals(0.1, 0));
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Deleting_a_node_asks_first_and_the_history_is_downsampled()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin);
        var (node, enrolled) = await fx.Core.NodeAsync(fx.Admin, client.Id, "busy-node");
        for (var i = 0; i < 400; i++)
        {
            await node.HeartbeatAsync(Vitals(load: i, spool: i));
            fx.Time.Advance(TimeSpan.FromSeconds(30));
        }
        var (email, password, _) = await fx.UserAsync("admin");
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);

        // 400 heartbeats over 200 minutes: at most 300 points, the newest one among them.
        await page.GotoAsync($"/nodes/{enrolled.NodeId}");
        var history = JsonDocument.Parse(await page.Locator("#node-history").TextContentAsync() ?? "{}").RootElement;
        var loads = history.GetProperty("load").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.InRange(loads.Count, 2, 300);
        Assert.Equal(399, loads[^1]);
        Assert.Equal(loads.Order().ToList(), loads);

        // Dismissing the confirmation keeps the node; accepting deletes it.
        page.Dialog += async (_, dialog) => await dialog.DismissAsync();
        await page.GetByTestId("node-delete").ClickAsync();
        await Assertions.Expect(page.GetByTestId("node-title")).ToHaveTextAsync("busy-node");
        Assert.Single(await fx.Admin.ListNodesAsync(client.Id));
        var accepting = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(accepting, email, password);
        accepting.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await accepting.GotoAsync($"/nodes/{enrolled.NodeId}");
        await accepting.GetByTestId("node-delete").ClickAsync();
        await Assertions.Expect(accepting.GetByTestId("node-deleted")).ToContainTextAsync("busy-node");
        Assert.Empty(await fx.Admin.ListNodesAsync(client.Id));
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_client_user_of_B_never_sees_A_and_cannot_change_anything()
    {
        var a = await CoreFactory.ClientAsync(fx.Admin, $"A-{Guid.NewGuid():N}"[..12]);
        var b = await CoreFactory.ClientAsync(fx.Admin, $"B-{Guid.NewGuid():N}"[..12]);
        var (_, nodeA) = await fx.Core.NodeAsync(fx.Admin, a.Id, "node-of-a");
        var (nodeBClient, nodeB) = await fx.Core.NodeAsync(fx.Admin, b.Id, "node-of-b");
        await fx.Admin.CreateClientContactAsync(a.Id, new CreateClientContactRequest("Secret Contact Of A"));
        var (email, password, _) = await fx.UserAsync("client", clientId: b.Id);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await Assertions.Expect(page).ToHaveURLAsync(fx.BaseUrl.ToString());

        await page.GotoAsync("/clients");
        await Assertions.Expect(page.GetByTestId("client-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("client-row")).ToContainTextAsync(b.Name);
        await Assertions.Expect(page.GetByTestId("client-create")).ToHaveCountAsync(0);
        await page.GotoAsync("/nodes");
        await Assertions.Expect(page.GetByTestId("node-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("node-row")).ToContainTextAsync("node-of-b");
        await Assertions.Expect(page.GetByTestId("enrol-node")).ToHaveCountAsync(0);
        await page.GotoAsync($"/nodes/{nodeB.NodeId}");
        await Assertions.Expect(page.GetByTestId("node-title")).ToHaveTextAsync("node-of-b");
        await Assertions.Expect(page.GetByTestId("node-actions")).ToHaveCountAsync(0);
        await page.GotoAsync($"/clients/{b.Id}");
        await Assertions.Expect(page.GetByTestId("contact-add")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("client-edit")).ToHaveCountAsync(0);

        // A's URLs typed by hand: 404, as if they did not exist (and the filter by A's id too).
        Assert.Equal(404, (await page.GotoAsync($"/clients/{a.Id}"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/nodes/{nodeA.NodeId}"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/nodes?client={a.Id}"))!.Status);
        Assert.Equal(403, (await page.GotoAsync("/nodes/new"))!.Status);

        // The handlers refuse too, even with a valid antiforgery token: 403 on B's own resources, 404 on A's.
        await page.GotoAsync("/nodes");
        var csrf = JsonDocument.Parse(await page.Locator("body").GetAttributeAsync("hx-headers") ?? "{}").RootElement.GetProperty("RequestVerificationToken").GetString()!;
        async Task<int> PostAsync(string url, params (string Key, string Value)[] fields)
        {
            var form = page.APIRequest.CreateFormData();
            foreach (var (key, value) in fields)
            {
                form.Set(key, value);
            }
            var response = await page.APIRequest.PostAsync(url, new()
            {
                Form = form, MaxRedirects = 0, Headers = new Dictionary<string, string> { ["RequestVerificationToken"] = csrf },
            });
            return response.Status;
        }
        Assert.Equal(403, await PostAsync("/clients?handler=Create", ("Name", "Sneaky")));
        Assert.Equal(403, await PostAsync($"/clients/{b.Id}?handler=AddContact", ("Contact.Name", "Sneaky")));
        Assert.Equal(403, await PostAsync($"/clients/{b.Id}?handler=Update", ("Name", "Renamed")));
        Assert.Equal(403, await PostAsync($"/nodes/{nodeB.NodeId}?handler=RotateToken"));
        Assert.Equal(403, await PostAsync($"/nodes/{nodeB.NodeId}?handler=Delete"));
        Assert.Equal(403, await PostAsync("/nodes/new", ("Client", b.Id.ToString()), ("Name", "sneaky")));
        Assert.DoesNotContain(await fx.Admin.ListClientsAsync(), c => c.Name == "Sneaky");
        Assert.Equal(b.Name, (await fx.Admin.GetClientAsync(b.Id)).Name);
        Assert.Empty(await fx.Admin.ListClientContactsAsync(b.Id));
        Assert.Single(await fx.Admin.ListNodesAsync(b.Id));
        await nodeBClient.HeartbeatAsync(Vitals(0.1, 0));

        // An analyst scoped to A sees A and its node, not B's.
        var (analystEmail, analystPassword, _) = await fx.UserAsync("analyst", scope: [a.Id]);
        var analyst = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(analyst, analystEmail, analystPassword);
        await Assertions.Expect(analyst).ToHaveURLAsync(fx.BaseUrl.ToString());
        await analyst.GotoAsync("/nodes");
        await Assertions.Expect(analyst.GetByTestId("node-row")).ToHaveCountAsync(1);
        await Assertions.Expect(analyst.GetByTestId("node-row")).ToContainTextAsync("node-of-a");
        await analyst.GotoAsync($"/clients/{a.Id}");
        await Assertions.Expect(analyst.GetByTestId("contact-row")).ToContainTextAsync("Secret Contact Of A");
        Assert.Equal(404, (await analyst.GotoAsync($"/clients/{b.Id}"))!.Status);
        fx.AssertNoBrowserErrors();
    }

    private static NodeVitals Vitals(double load, long spool) => new()
    {
        Hostname = "sensor-7", Os = "Debian GNU/Linux 13 (trixie)", Kernel = "6.12.48", UptimeSeconds = 90_000, AgentVersion = "0.3.0",
        Cpu = new CpuVitals("EPYC 7B13", 4, load, 0.3, 0.2, 12.5),
        Memory = new UsageVitals(8L << 30, 3L << 30), Swap = new UsageVitals(0, 0),
        Disks = [new DiskVitals("/", 100L << 30, 40L << 30)], Ips = ["10.0.0.7"],
        Wazuh = new WazuhVitals(new ServiceVitals("running", "4.14.7"), new ServiceVitals("not_installed", null), null),
        Suricata = new SuricataVitals("running", "7.0.8", 42),
        TheHive = new ServiceVitals("not_installed", null),
        Spool = new SpoolVitals(spool, spool * 1000, null),
    };

    private static Regex GuidUrl(string area) => new($"/{area}/[0-9a-f-]{{36}}");
}
