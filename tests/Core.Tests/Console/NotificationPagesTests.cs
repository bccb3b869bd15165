using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;
using Socme.Integrations.Tests.Fakes;
using Socme.Notify.Tests.Support;

namespace Socme.Core.Tests.Console;

/// <summary>
/// A console core whose channels may reach a webhook receiver on 127.0.0.1 over plain HTTP, and which escalates to a
/// TheHive fake (started before the core, whose settings name it).
/// </summary>
public sealed class NotificationConsoleFixture : ConsoleFixture, IAsyncLifetime
{
    public TheHiveFake TheHive { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        TheHive = await TheHiveFake.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await TheHive.DisposeAsync();
    }

    protected override void Configure(KestrelCoreFactory core)
    {
        ArgumentNullException.ThrowIfNull(core);
        core.Setting("Notify:AllowedHosts:0", "127.0.0.1")
            .Setting("Notify:AllowPlainHttp", "true")
            .Setting("Notifications:DispatchInterval", "00:00:00.100")
            .Setting("TheHive:BaseUrl", TheHive.BaseUrl.ToString())
            .Setting("TheHive:ApiKey", TheHive.ApiKey);
    }
}

/// <summary>The notification pages in a real browser: channels, the rule editor and its preview, presets, suppressions, the delivery log; staff only, within scope.</summary>
public sealed class NotificationPagesTests(NotificationConsoleFixture fx) : IClassFixture<NotificationConsoleFixture>
{
    private static readonly string[] Pages = ["/notifications/rules", "/notifications/rules/edit", "/notifications/channels", "/notifications/suppressions", "/notifications/deliveries"];

    [Fact]
    public async Task An_analyst_creates_a_webhook_channel_sees_its_test_refused_and_renames_it_without_losing_the_secret()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin, "Hooked " + Guid.NewGuid().ToString("N")[..6]);
        var page = await SignedInAsync("analyst", scope: [client.Id]);
        await page.GotoAsync("/notifications/channels");
        var form = page.GetByTestId("channel-create-form");
        await Assertions.Expect(form.GetByTestId("channel-private")).ToHaveCountAsync(0); // admins only
        await form.GetByTestId("channel-client").SelectOptionAsync(client.Id.ToString());
        await form.GetByTestId("channel-name").FillAsync("SIEM hook");
        await form.GetByTestId("channel-kind").SelectOptionAsync("webhook");
        var fields = form.Locator("fieldset[data-kind=webhook]");
        await Assertions.Expect(fields).ToBeVisibleAsync();
        await Assertions.Expect(form.Locator("fieldset[data-kind=slack]")).ToBeHiddenAsync();
        await fields.GetByTestId("setting-url").FillAsync("http://10.0.0.1/hook");
        await Assertions.Expect(fields.GetByTestId("setting-secret")).ToHaveAttributeAsync("type", "password");
        await fields.GetByTestId("setting-secret").FillAsync("whsec-console-0123456789");
        await form.GetByTestId("channel-create").ClickAsync();

        var row = page.Locator("[data-testid=channel-row][data-name='SIEM hook']");
        await Assertions.Expect(row).ToContainTextAsync(client.Name);
        await Assertions.Expect(row.GetByTestId("channel-secrets")).ToContainTextAsync("secret: set");
        Assert.DoesNotContain("whsec-console", await page.ContentAsync(), StringComparison.Ordinal);

        // The test send: a private address is refused by the SSRF guard, a permanent failure with its reason.
        await row.GetByTestId("channel-test").ClickAsync();
        var outcome = row.GetByTestId("channel-test-outcome");
        await Assertions.Expect(outcome).ToHaveAttributeAsync("data-outcome", "permanent");
        await Assertions.Expect(outcome).ToHaveTextAsync("Permanent failure");
        await Assertions.Expect(row.GetByTestId("channel-test-reason")).ToHaveTextAsync(new Regex(@"\S+"));

        // Rename: the secret field is left empty, so the stored secret stays.
        await row.GetByTestId("channel-edit").ClickAsync();
        var edit = page.GetByTestId("channel-edit-form");
        await Assertions.Expect(edit.GetByTestId("setting-secret")).ToHaveValueAsync("");
        await Assertions.Expect(edit.GetByTestId("secret-set")).ToHaveCountAsync(1);
        await edit.GetByTestId("channel-edit-name").FillAsync("SIEM hook (renamed)");
        await edit.GetByTestId("channel-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notify-message")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=channel-row][data-name='SIEM hook (renamed)']")).ToHaveCountAsync(1);

        var stored = Assert.Single(await fx.Admin.ListNotificationChannelsAsync(client.Id), c => c.ClientId == client.Id);
        Assert.Equal("SIEM hook (renamed)", stored.Name);
        Assert.Equal("secret", Assert.Single(stored.SecretsSet));
        Assert.Equal("http://10.0.0.1/hook", stored.Settings["url"]);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_rule_editor_previews_the_matches_as_a_condition_changes_and_saves_the_rule()
    {
        var (client, node) = await ConsoleData.ClientWithNodeAsync(fx, "Previewed " + Guid.NewGuid().ToString("N")[..6]);
        var line = ConsoleData.WazuhLine(minLevel: 3);
        await node.IngestAsync(ConsoleData.Wazuh(line, 3, fx.Time.GetUtcNow(), srcIp: "203.0.113.21"));
        await node.IngestAsync(ConsoleData.Wazuh(line, 2, fx.Time.GetUtcNow(), srcIp: "198.51.100.9"));

        var page = await SignedInAsync("analyst", allClients: true);
        await page.GotoAsync($"/notifications/rules/edit?client={client.Id}");
        var count = page.GetByTestId("rule-preview-count");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-considered", "5");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-matched", "5");
        await Assertions.Expect(count).ToContainTextAsync("Would have matched 5 of the last 5 alerts.");

        await page.GetByTestId("rule-field").SelectOptionAsync("src_ip");
        await page.GetByTestId("rule-pattern").FillAsync(@"^203\.0\.113\.21$");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-matched", "3");
        await page.GetByTestId("rule-min-level").FillAsync("16");
        await Assertions.Expect(page.GetByTestId("rule-preview-error")).ToContainTextAsync("minLevel");
        await page.GetByTestId("rule-min-level").FillAsync("");
        await Assertions.Expect(count).ToHaveAttributeAsync("data-matched", "3");

        // A 422 from the service comes back beside its field.
        await page.GetByTestId("rule-name").FillAsync("Scanner 203.0.113.21");
        await page.GetByTestId("rule-limit-digest").CheckAsync();
        await page.GetByTestId("rule-digest-minutes").FillAsync("");
        await page.GetByTestId("rule-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-error").First).ToContainTextAsync("digest window");
        await page.GetByTestId("rule-digest-minutes").FillAsync("5");
        await page.GetByTestId("rule-save").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/notifications/rules\\?saved="));
        var row = page.Locator("[data-testid=rule-row][data-name='Scanner 203.0.113.21']");
        await Assertions.Expect(row).ToContainTextAsync(client.Name);
        await Assertions.Expect(row.GetByTestId("rule-conditions")).ToContainTextAsync(@"src_ip ~ /^203\.0\.113\.21$/");
        await Assertions.Expect(row).ToContainTextAsync("digest every 5 min");
        var rule = Assert.Single(await fx.Admin.ListNotificationRulesAsync(client.Id), r => r.Name == "Scanner 203.0.113.21");
        Assert.Equal(new RuleFieldMatch("src_ip", @"^203\.0\.113\.21$"), rule.Conditions.Field);
        Assert.Equal(300, rule.Digest?.WindowSeconds);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_preset_creates_its_rule_for_the_chosen_client_and_channel()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin, "Preset " + Guid.NewGuid().ToString("N")[..6]);
        var channel = await fx.Admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Preset mail hook", "webhook",
            new Dictionary<string, string?> { ["url"] = "https://hooks.example.org/socme" }, client.Id));
        var page = await SignedInAsync("analyst", scope: [client.Id]);
        await page.GotoAsync("/notifications/rules");
        var form = page.GetByTestId("preset-form");
        await form.GetByTestId("preset-name").SelectOptionAsync("brute-force-mail");
        await form.GetByTestId("preset-client").SelectOptionAsync(client.Id.ToString());
        await form.Locator("[data-testid=preset-channel][data-name='Preset mail hook']").CheckAsync();
        await form.GetByTestId("preset-create").ClickAsync();

        var row = page.Locator("[data-testid=rule-row][data-name='Brute force → mail the admin']");
        await Assertions.Expect(row).ToContainTextAsync(client.Name);
        await Assertions.Expect(row.GetByTestId("rule-conditions")).ToContainTextAsync("T1110");
        await Assertions.Expect(row.GetByTestId("rule-actions")).ToContainTextAsync("Preset mail hook");
        var rule = Assert.Single(await fx.Admin.ListNotificationRulesAsync(client.Id), r => r.ClientId == client.Id);
        Assert.Equal("brute-force-mail", rule.Preset);
        Assert.Equal(new[] { channel.Id }, rule.Actions.Channels);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task Suppress_similar_from_an_alert_closes_the_new_alerts_of_that_rule_and_source_and_counts_them()
    {
        var (client, node) = await ConsoleData.ClientWithNodeAsync(fx, "Suppressed " + Guid.NewGuid().ToString("N")[..6]);
        var line = ConsoleData.WazuhLine(minLevel: 3);
        var ruleId = (string)JsonNode.Parse(line)!["rule"]!["id"]!;
        await node.IngestAsync(ConsoleData.Wazuh(line, 1, fx.Time.GetUtcNow(), srcIp: "203.0.113.50"));
        var first = Assert.Single((await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id })).Items);

        var page = await SignedInAsync("analyst", scope: [client.Id]);
        await page.GotoAsync($"/alerts/{first.Id}");
        await page.GetByTestId("detail-suppress").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/notifications/suppressions\\?"));
        var form = page.GetByTestId("suppress-form");
        await Assertions.Expect(form.GetByTestId("suppress-client")).ToHaveValueAsync(client.Id.ToString());
        await Assertions.Expect(form.GetByTestId("suppress-rule-id")).ToHaveValueAsync(ruleId);
        await Assertions.Expect(form.GetByTestId("suppress-src-ip")).ToHaveValueAsync("203.0.113.50");
        await form.GetByTestId("suppress-reason").FillAsync("Known vulnerability scanner");
        await form.GetByTestId("suppress-expires").SelectOptionAsync("7d");
        await form.GetByTestId("suppress-create").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notify-message")).ToBeVisibleAsync();
        var row = page.GetByTestId("suppression-row").Filter(new() { HasText = "203.0.113.50" });
        await Assertions.Expect(row.GetByTestId("suppression-matches")).ToHaveTextAsync("0");

        await node.IngestAsync(ConsoleData.Wazuh(line, 2, fx.Time.GetUtcNow(), srcIp: "203.0.113.50"));
        await node.IngestAsync(ConsoleData.Wazuh(line, 1, fx.Time.GetUtcNow(), srcIp: "198.51.100.77"));
        var alerts = (await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id })).Items.Where(a => a.Id != first.Id).ToList();
        Assert.Equal(3, alerts.Count);
        Assert.All(alerts.Where(a => a.SrcIp == "203.0.113.50"), a => Assert.Equal(("closed", "false_positive"), (a.Status, a.Verdict)));
        Assert.Equal(2, alerts.Count(a => a.SrcIp == "203.0.113.50"));
        Assert.NotEqual("closed", Assert.Single(alerts, a => a.SrcIp == "198.51.100.77").Status);
        Assert.NotEqual("closed", (await fx.Admin.GetAlertAsync(first.Id)).Alert.Status); // stored before: unchanged

        await page.GotoAsync("/notifications/suppressions");
        await Assertions.Expect(row.GetByTestId("suppression-matches")).ToHaveTextAsync("2");
        await Assertions.Expect(row.GetByTestId("suppression-expires")).Not.ToContainTextAsync("Never");
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_alert_page_escalates_to_TheHive_and_then_links_to_it()
    {
        var (client, node) = await ConsoleData.ClientWithNodeAsync(fx);
        await node.IngestAsync(ConsoleData.Wazuh(ConsoleData.WazuhLine(), 1, fx.Time.GetUtcNow()));
        var alert = Assert.Single((await fx.Admin.ListAlertsAsync(new AlertFilter { ClientId = client.Id })).Items);
        var page = await SignedInAsync("analyst", scope: [client.Id]);
        await page.GotoAsync($"/alerts/{alert.Id}");
        await Assertions.Expect(page.GetByTestId("detail-thehive")).ToHaveCountAsync(0);
        await page.GetByTestId("detail-escalate-thehive").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/alerts/{alert.Id}$"));
        var escalated = await Eventually.UntilAsync(async () =>
        {
            var a = (await fx.Admin.GetAlertAsync(alert.Id)).Alert;
            return a.TheHiveId is null ? null : a;
        }, "the alert escalated to TheHive");
        Assert.Single(fx.TheHive.Alerts, h => h.SourceRef == alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await page.GotoAsync($"/alerts/{alert.Id}");
        await Assertions.Expect(page.GetByTestId("detail-thehive")).ToHaveTextAsync(escalated.TheHiveId!);
        await Assertions.Expect(page.GetByTestId("detail-escalate-thehive")).ToHaveCountAsync(0);
        await page.GotoAsync($"/notifications/deliveries?alert={alert.Id}");
        var row = page.GetByTestId("delivery-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.GetByTestId("delivery-state")).ToHaveTextAsync("Delivered");
        await Assertions.Expect(row).ToContainTextAsync("TheHive");
        await Assertions.Expect(row).ToContainTextAsync(escalated.TheHiveId!);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_delivery_log_pages_back_with_its_cursor_and_keeps_its_filters()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin, "Paged " + Guid.NewGuid().ToString("N")[..6]);
        var channel = await fx.Admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Refused hook", "webhook",
            new Dictionary<string, string?> { ["url"] = "http://10.0.0.1/paged" }, client.Id));
        var ids = new List<long>();
        for (var i = 0; i < 53; i++)
        {
            ids.Add((await fx.Admin.TestNotificationChannelAsync(channel.Id)).DeliveryId!.Value);
        }
        var page = await SignedInAsync("admin");
        await page.GotoAsync($"/notifications/deliveries?client={client.Id}");
        var rows = page.GetByTestId("delivery-row");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-id", ids[^1].ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("delivery-older").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"client={client.Id}&cursor="));
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        var older = await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.id)");
        Assert.Equal(ids.Take(3).Reverse().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), older);
        await Assertions.Expect(page.GetByTestId("delivery-older")).ToHaveCountAsync(0);
        // Test sends are not re-sent (they are not queued work).
        await Assertions.Expect(page.GetByTestId("delivery-resend")).ToHaveCountAsync(0);

        // An admin may let a channel reach private addresses; the checkbox is theirs only.
        await page.GotoAsync("/notifications/channels");
        await Assertions.Expect(page.GetByTestId("channel-create-form").GetByTestId("channel-private")).ToHaveCountAsync(1);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task The_delivery_log_shows_a_dead_delivery_with_its_reason_and_resends_it()
    {
        var (client, node) = await ConsoleData.ClientWithNodeAsync(fx, "Logged " + Guid.NewGuid().ToString("N")[..6]);
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(400, "{\"error\":\"bad payload\"}");
        var channel = await fx.Admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Receiver", "webhook",
            new Dictionary<string, string?> { ["url"] = receiver.Url("hook").ToString() }, client.Id));
        var rule = await fx.Admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("Everything → receiver", new RuleConditions(),
            new RuleActions(Channels: [channel.Id]), client.Id));
        await node.IngestAsync(ConsoleData.Wazuh(ConsoleData.WazuhLine(), 1, fx.Time.GetUtcNow()));
        var dead = await DeliveryAsync(rule.Id, "dead");

        var page = await SignedInAsync("analyst", scope: [client.Id]);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GotoAsync("/notifications/deliveries");
        await page.GetByTestId("delivery-filter-state").SelectOptionAsync("dead");
        await page.GetByTestId("delivery-filter-rule").SelectOptionAsync(rule.Id.ToString());
        await page.GetByTestId("delivery-filter").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("state=dead"));
        var row = page.Locator($"[data-testid=delivery-row][data-id='{dead.Id}']");
        await Assertions.Expect(row.GetByTestId("delivery-state")).ToHaveTextAsync("Dead");
        await Assertions.Expect(row.GetByTestId("delivery-error")).ToContainTextAsync("400");
        await Assertions.Expect(row).ToContainTextAsync("Everything → receiver");
        await Assertions.Expect(row).ToContainTextAsync("Receiver");
        await Assertions.Expect(row.Locator($"a[href='/alerts/{dead.AlertId}']")).ToHaveCountAsync(1);

        await row.GetByTestId("delivery-resend").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notify-message")).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("state=dead"));
        await DeliveryAsync(rule.Id, "delivered");
        Assert.Equal(2, receiver.Requests.Count);
        await page.GotoAsync($"/notifications/deliveries?rule={rule.Id}");
        await Assertions.Expect(page.Locator($"[data-testid=delivery-row][data-id='{dead.Id}']").GetByTestId("delivery-state")).ToHaveTextAsync("Delivered");
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_client_user_has_no_notification_entry_and_every_page_is_forbidden()
    {
        var client = await CoreFactory.ClientAsync(fx.Admin);
        var page = await SignedInAsync("client", clientId: client.Id);
        await Assertions.Expect(page.GetByTestId("nav-notifications")).ToHaveCountAsync(0);
        foreach (var path in Pages)
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/denied"));
        }
        var staff = await SignedInAsync("analyst", allClients: true);
        await Assertions.Expect(staff.GetByTestId("nav-notifications")).ToHaveCountAsync(1);
        fx.AssertNoBrowserErrors();
    }

    [Fact]
    public async Task A_scoped_analyst_sees_only_their_clients_channels_rules_and_deliveries()
    {
        var mine = await CoreFactory.ClientAsync(fx.Admin, "Mine " + Guid.NewGuid().ToString("N")[..6]);
        var other = await CoreFactory.ClientAsync(fx.Admin, "Other " + Guid.NewGuid().ToString("N")[..6]);
        var names = new Dictionary<Guid, (string Channel, string Rule, Guid RuleId)>();
        foreach (var c in new[] { mine, other })
        {
            var channel = await fx.Admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Hook of " + c.Name, "webhook",
                new Dictionary<string, string?> { ["url"] = "http://10.0.0.1/" + c.Slug }, c.Id));
            var rule = await fx.Admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("Rule of " + c.Name, new RuleConditions(MinLevel: 12),
                new RuleActions(Channels: [channel.Id], SetStatus: "acknowledged"), c.Id));
            await fx.Admin.TestNotificationChannelAsync(channel.Id); // a (dead) test delivery of that client
            names[c.Id] = (channel.Name, rule.Name, rule.Id);
        }

        var page = await SignedInAsync("analyst", scope: [mine.Id]);
        foreach (var path in new[] { "/notifications/channels", "/notifications/rules", "/notifications/suppressions", "/notifications/deliveries" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync(path.EndsWith("channels", StringComparison.Ordinal) || path.EndsWith("deliveries", StringComparison.Ordinal)
                ? names[mine.Id].Channel : names[mine.Id].Rule);
            var html = await page.ContentAsync();
            Assert.DoesNotContain(other.Name, html, StringComparison.Ordinal);
        }
        await page.GotoAsync("/notifications/deliveries");
        await Assertions.Expect(page.GetByTestId("delivery-row")).Not.ToHaveCountAsync(0);
        var clients = await page.GetByTestId("delivery-row").Locator("td:nth-child(2)").AllInnerTextsAsync();
        Assert.All(clients, c => Assert.Equal(mine.Name, c));

        Assert.Equal(404, (await page.GotoAsync($"/notifications/rules/edit/{names[other.Id].RuleId}"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/notifications/deliveries?client={other.Id}"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/notifications/rules?client={other.Id}"))!.Status);
        fx.AssertNoBrowserErrors();
    }

    private async Task<NotificationDeliveryDto> DeliveryAsync(Guid ruleId, string state) =>
        await Eventually.UntilAsync(async () =>
            (await fx.Admin.ListDeliveriesAsync(ruleId: ruleId)).Items.FirstOrDefault(d => d.State == state), $"a {state} delivery of the rule");

    private async Task<IPage> SignedInAsync(string role, Guid? clientId = null, bool allClients = false, IReadOnlyList<Guid>? scope = null)
    {
        var (email, password, _) = await fx.UserAsync(role, clientId, allClients, scope);
        var page = await fx.NewPageAsync();
        await AdminPagesTests.SignInToProfileAsync(page, email, password);
        return page;
    }
}
