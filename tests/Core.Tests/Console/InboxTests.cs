using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Socme.Client;

namespace Socme.Core.Tests.Console;

/// <summary>The inbox in a real browser: keyboard triage, bulk on a group, the live bar, and tenant isolation.</summary>
public sealed class InboxTests(ConsoleFixture fx) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Triage_with_the_keyboard()
    {
        var (client, node) = await ConsoleData.ClientWithNodeAsync(fx);
        await node.IngestAsync(ConsoleData.Wazuh(ConsoleData.WazuhLine(), 4, fx.Time.GetUtcNow()));
        var (secondNode, _) = await fx.Core.NodeAsync(fx.Admin, client.Id, "second-" + Guid.NewGuid().ToString("N")[..6]);
        await secondNode.IngestAsync(ConsoleData.Wazuh(ConsoleData.WazuhLine(), 1, fx.Time.GetUtcNow()));
        var (email, password, _) = await fx.UserAsync("analyst", allClients: true);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await page.GotoAsync($"/alerts?view=flat&client={client.Id}");
        var rows = page.GetByTestId("alert-row");
        await Assertions.Expect(rows).ToHaveCountAsync(5);

        // The node filter (kept in the URL) leaves the first node's four.
        var firstNodeId = (await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id }, limit: 10)).Items
            .GroupBy(a => a.NodeId).Single(g => g.Count() == 4).Key;
        await page.GetByTestId("filter-node").SelectOptionAsync(firstNodeId.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("node=" + firstNodeId));
        // The keys below need the new page's scripts (htmx, inbox.js), which run before its load event.
        await page.WaitForLoadStateAsync(LoadState.Load);
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        var ids = (await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.id)")).Select(long.Parse).ToList();

        // j moves to the second row, a acknowledges it (the cursor row is the selection when nothing is checked).
        await page.Keyboard.PressAsync("j");
        await Assertions.Expect(rows.Nth(1)).ToHaveClassAsync(new Regex("cursor"));
        await page.Keyboard.PressAsync("a");
        await Assertions.Expect(page.GetByTestId("bulk-notice")).ToHaveTextAsync("1 alert(s) updated.");
        Assert.Equal("acknowledged", (await fx.Admin.GetAlertAsync(ids[1])).Alert.Status);
        Assert.Equal("new", (await fx.Admin.GetAlertAsync(ids[0])).Alert.Status);

        // x checks rows; c then 2 closes the checked ones as false positives (they leave the open inbox).
        await page.Keyboard.PressAsync("k");
        await page.Keyboard.PressAsync("x");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("x");
        await page.Keyboard.PressAsync("c");
        await Assertions.Expect(page.Locator("#close-dialog")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("2");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        foreach (var closed in new[] { ids[0], ids[2] })
        {
            var a = (await fx.Admin.GetAlertAsync(closed)).Alert;
            Assert.Equal(("closed", "false_positive"), (a.Status, a.Verdict));
        }

        // e escalates the cursor row; ? opens the help; Enter opens the alert.
        await page.Keyboard.PressAsync("e");
        await Assertions.Expect(page.GetByTestId("bulk-notice")).ToHaveTextAsync("1 alert(s) updated.");
        Assert.Equal("escalated", (await fx.Admin.GetAlertAsync(ids[3])).Alert.Status);
        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(page.Locator("#help")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/alerts/\d+$"));
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_bulk_close_on_a_group_closes_every_alert_of_the_group_and_nothing_of_another_client()
    {
        var line = ConsoleData.WazuhLine(minLevel: 5);
        var (client, node) = await ConsoleData.ClientWithNodeAsync(fx);
        var (other, otherNode) = await ConsoleData.ClientWithNodeAsync(fx);
        await node.IngestAsync(ConsoleData.Wazuh(line, 7, fx.Time.GetUtcNow(), srcIp: "203.0.113.7"));
        await otherNode.IngestAsync(ConsoleData.Wazuh(line, 3, fx.Time.GetUtcNow(), srcIp: "203.0.113.7"));
        var (email, password, _) = await fx.UserAsync("analyst", scope: [client.Id]);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);

        await page.GotoAsync("/alerts");
        var group = page.GetByTestId("group-row").Filter(new() { HasText = "203.0.113.7" });
        await Assertions.Expect(group).ToHaveCountAsync(1);
        await Assertions.Expect(group.Locator("td.num").Nth(1)).ToHaveTextAsync("7");
        await group.Locator("input[type=checkbox]").CheckAsync();
        await page.GetByTestId("bulk-verdict").SelectOptionAsync("benign");
        await page.GetByTestId("bulk-close").ClickAsync();
        await Assertions.Expect(page.GetByTestId("bulk-notice")).ToHaveTextAsync("7 alert(s) updated.");

        var mine = await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id }, limit: 100);
        Assert.All(mine.Items, a => Assert.Equal(("closed", "benign"), (a.Status, a.Verdict)));
        var theirs = await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = other.Id }, limit: 100);
        Assert.Equal(3, theirs.Items.Count);
        Assert.All(theirs.Items, a => Assert.Equal("new", a.Status));
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_bulk_bar_queues_the_selected_alerts_for_TheHive_once_each()
    {
        var (client, node) = await ConsoleData.ClientWithNodeAsync(fx);
        await node.IngestAsync(ConsoleData.Wazuh(ConsoleData.WazuhLine(), 3, fx.Time.GetUtcNow()));
        var (email, password, _) = await fx.UserAsync("analyst", scope: [client.Id]);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);
        await page.GotoAsync($"/alerts?view=flat&client={client.Id}");
        var rows = page.GetByTestId("alert-row");
        await Assertions.Expect(rows).ToHaveCountAsync(3);

        await rows.Nth(0).Locator("input[type=checkbox]").CheckAsync();
        await rows.Nth(1).Locator("input[type=checkbox]").CheckAsync();
        await page.GetByTestId("bulk-thehive").ClickAsync();
        await Assertions.Expect(page.GetByTestId("bulk-notice")).ToHaveTextAsync("2 alert(s) queued for TheHive.");
        // Again on the same two: still one escalation each.
        await rows.Nth(0).Locator("input[type=checkbox]").CheckAsync();
        await rows.Nth(1).Locator("input[type=checkbox]").CheckAsync();
        await page.GetByTestId("bulk-thehive").ClickAsync();
        await Assertions.Expect(page.GetByTestId("bulk-notice")).ToHaveTextAsync("2 alert(s) queued for TheHive.");

        var deliveries = (await fx.Admin.ListDeliveriesAsync(clientId: client.Id)).Items;
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("thehive", d.Target));
        Assert.Equal(2, deliveries.Select(d => d.AlertId).Distinct().Count());
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_client_user_of_B_never_sees_client_A()
    {
        var (clientA, nodeA) = await ConsoleData.ClientWithNodeAsync(fx, "Alpha Corp " + Guid.NewGuid().ToString("N")[..6]);
        var (clientB, nodeB) = await ConsoleData.ClientWithNodeAsync(fx, "Bravo Ltd " + Guid.NewGuid().ToString("N")[..6]);
        var line = ConsoleData.WazuhLine(minLevel: 5);
        await nodeA.IngestAsync(ConsoleData.Wazuh(line, 3, fx.Time.GetUtcNow(), srcIp: "198.51.100.10"));
        await nodeB.IngestAsync(ConsoleData.Wazuh(line, 2, fx.Time.GetUtcNow(), srcIp: "198.51.100.20"));
        var alertOfA = (await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = clientA.Id })).Items[0];
        var (email, password, _) = await fx.UserAsync("client", clientId: clientB.Id);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);

        // Lists: grouped, flat, and A's client id in the URL.
        foreach (var url in new[] { "/alerts", "/alerts?view=flat", "/alerts?view=flat&status=all", $"/alerts?view=flat&client={clientA.Id}", "/" })
        {
            await page.GotoAsync(url);
            var html = await page.ContentAsync();
            Assert.DoesNotContain("198.51.100.10", html, StringComparison.Ordinal);
            Assert.DoesNotContain(clientA.Name, html, StringComparison.Ordinal);
        }
        await page.GotoAsync("/alerts?view=flat");
        await Assertions.Expect(page.GetByTestId("alert-row")).ToHaveCountAsync(2);

        // A's alert by URL, and the htmx fragment of the table.
        var direct = await page.GotoAsync($"/alerts/{alertOfA.Id}");
        Assert.Equal(404, direct!.Status);
        var fragment = await page.APIRequest.GetAsync("/alerts?view=flat&status=all",
            new() { Headers = new Dictionary<string, string> { ["HX-Request"] = "true", ["HX-Target"] = "inbox" } });
        var fragmentHtml = await fragment.TextAsync();
        Assert.Contains("data-testid=\"alert-row\"", fragmentHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.10", fragmentHtml, StringComparison.Ordinal);

        // A bulk post naming A's alert changes nothing.
        await page.GotoAsync("/alerts?view=flat");
        var token = await page.Locator("#bulk input[name=__RequestVerificationToken]").InputValueAsync();
        var bulk = await page.APIRequest.PostAsync("/alerts?handler=Bulk", new()
        {
            Form = page.APIRequest.CreateFormData().Set("ids", alertOfA.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Set("action", "acknowledge").Set("__RequestVerificationToken", token),
            Headers = new Dictionary<string, string> { ["HX-Request"] = "true" },
        });
        Assert.Equal(200, bulk.Status);
        Assert.Equal("new", (await fx.Admin.GetAlertAsync(alertOfA.Id)).Alert.Status);

        // The live feed: an alert of A never reaches B's stream; B's own next alert does, with the "N new" bar.
        await page.EvaluateAsync("() => { window.__events = []; const s = new EventSource('/events'); s.addEventListener('alerts', m => window.__events.push(JSON.parse(m.data))); }");
        var admin = await fx.NewPageAsync();
        var (analystEmail, analystPassword, _) = await fx.UserAsync("analyst", allClients: true);
        await ConsoleFixture.SignInAsync(admin, analystEmail, analystPassword);
        await admin.EvaluateAsync("() => { window.__events = []; const s = new EventSource('/events'); s.addEventListener('alerts', m => window.__events.push(JSON.parse(m.data))); }");
        await nodeA.IngestAsync(ConsoleData.Wazuh(line, 1, fx.Time.GetUtcNow(), srcIp: "198.51.100.11"));
        await admin.WaitForFunctionAsync("() => window.__events.length > 0");
        await nodeB.IngestAsync(ConsoleData.Wazuh(line, 1, fx.Time.GetUtcNow(), srcIp: "198.51.100.21"));
        await page.WaitForFunctionAsync("() => window.__events.length > 0");
        var newestOfB = (await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = clientB.Id })).Items.Max(x => x.Id);
        var seenByB = await page.EvaluateAsync<long[]>("() => window.__events.map(e => e.newestId)");
        Assert.Equal([newestOfB], seenByB);
        await Assertions.Expect(page.Locator("#live-bar")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-live-count]")).ToHaveTextAsync("1");
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_client_user_acknowledges_and_comments_on_their_alert_and_may_do_nothing_else()
    {
        var (client, node) = await ConsoleData.ClientWithNodeAsync(fx);
        await node.IngestAsync(ConsoleData.Wazuh(ConsoleData.WazuhLine(minLevel: 5, withMitre: true), 1, fx.Time.GetUtcNow()));
        var alert = (await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id })).Items.Single();
        var (email, password, _) = await fx.UserAsync("client", clientId: client.Id);
        var page = await fx.NewPageAsync();
        await ConsoleFixture.SignInAsync(page, email, password);

        await page.GotoAsync($"/alerts/{alert.Id}");
        await Assertions.Expect(page.GetByTestId("detail-close")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("a.tag[href^='https://attack.mitre.org/']").First).ToBeVisibleAsync();
        await page.GetByTestId("detail-acknowledge").ClickAsync();
        await Assertions.Expect(page.GetByTestId("detail-status")).ToHaveTextAsync("acknowledged");
        await page.GetByTestId("comment-body").FillAsync("Seen on our side: a planned scan.");
        await page.GetByTestId("comment-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("comments")).ToContainTextAsync("a planned scan");
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync(email);

        // Closing through a crafted post (with a valid antiforgery token) is refused by the service.
        var token = await page.Locator("form input[name=__RequestVerificationToken]").First.InputValueAsync();
        var crafted = await page.APIRequest.PostAsync($"/alerts/{alert.Id}?handler=Triage", new()
        {
            Form = page.APIRequest.CreateFormData().Set("action", "close").Set("verdict", "benign").Set("__RequestVerificationToken", token),
            MaxRedirects = 0,
        });
        Assert.Equal(200, crafted.Status);
        Assert.Contains("acknowledge and comment", await crafted.TextAsync(), StringComparison.Ordinal);
        Assert.Equal("acknowledged", (await fx.Admin.GetAlertAsync(alert.Id)).Alert.Status);
        fx.AssertNoBrowserErrors();
    }
}
