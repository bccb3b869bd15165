using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Tests.Infrastructure;
using Socme.Notify.Tests.Support;

namespace Socme.Core.Tests.Notifications;

/// <summary>
/// The outbox end to end with real peers: a Kestrel receiver (signed webhook), aiosmtpd (mail), the TheHive fake; retries,
/// dead letters and re-send, throttling, digests, one client per message, the SSRF guard, and secrets kept secret.
/// </summary>
public sealed class NotificationDeliveryTests(NotifyFixture fx) : IClassFixture<NotifyFixture>
{
    private const string Secret = "whsec-test-0123456789";
    private static readonly string BruteForce = Corpus.WazuhAlerts().First(l => l.Contains("\"T1110\"", StringComparison.Ordinal));
    private static readonly RuleConditions BruteForceOnly = new(MitreTechniques: ["T1110"]);

    private CoreFactory Core => fx.Core;

    private static List<string> BruteForceLines(int n) =>
        Enumerable.Range(0, n).Select(i => Envelopes.Wazuh(Corpus.WithWazuhId(BruteForce, $"{Guid.NewGuid():N}.{i}"))).ToList();

    private async Task<(SocmeClient Admin, ClientDto Client, SocmeClient Node)> TenantAsync(SocmeClient? admin = null)
    {
        admin ??= await Core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await Core.NodeAsync(admin, client.Id);
        return (admin, client, node);
    }

    private static Task<NotificationChannelDto> WebhookAsync(SocmeClient admin, Guid? clientId, HttpReceiver receiver, string path = "hook") =>
        admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Webhook " + path, "webhook",
            new Dictionary<string, string?> { ["url"] = receiver.Url(path).ToString(), ["secret"] = Secret }, clientId));

    private static Task<NotificationRuleDto> RuleAsync(SocmeClient admin, Guid? clientId, Guid channel, RuleConditions? conditions = null,
        RuleThrottle? throttle = null, RuleDigest? digest = null) =>
        admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("Notify " + Guid.NewGuid().ToString("N")[..6], conditions ?? BruteForceOnly,
            new RuleActions(Channels: [channel]), clientId, Throttle: throttle, Digest: digest));

    private static Task<IReadOnlyList<NotificationDeliveryDto>> DeliveriesWhenAsync(SocmeClient admin, Guid? ruleId, Func<IReadOnlyList<NotificationDeliveryDto>, bool> done,
        string what) =>
        Eventually.UntilAsync<IReadOnlyList<NotificationDeliveryDto>>(async () =>
        {
            var page = await admin.ListDeliveriesAsync(ruleId: ruleId, limit: 200);
            return done(page.Items) ? page.Items : null;
        }, what);

    private static void AssertSigned(ReceivedRequest r)
    {
        var timestamp = r.Header("X-Socme-Timestamp");
        Assert.NotNull(timestamp);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + "." + r.BodyText)));
        Assert.Equal(expected, r.Header("X-Socme-Signature"));
    }

    [Fact]
    public async Task Each_matching_alert_is_delivered_once_signed_and_only_to_its_client()
    {
        var (admin, client, node) = await TenantAsync();
        await using var receiver = await HttpReceiver.StartAsync();
        var channel = await WebhookAsync(admin, client.Id, receiver);
        var rule = await RuleAsync(admin, client.Id, channel.Id);

        var lines = BruteForceLines(3);
        await node.IngestAsync(lines);
        await node.IngestAsync(lines); // a resend: duplicates queue nothing
        await node.IngestAsync(BruteForceLines(1));
        var deliveries = await DeliveriesWhenAsync(admin, rule.Id, d => d.Count(x => x.State == "delivered") == 4, "four deliveries delivered");

        Assert.Equal(4, deliveries.Count);
        Assert.Equal(4, receiver.Requests.Count);
        foreach (var r in receiver.Requests)
        {
            AssertSigned(r);
            Assert.Equal(client.Id.ToString(), r.Json.GetProperty("client").GetProperty("id").GetString());
            Assert.Equal(1, r.Json.GetProperty("count").GetInt32());
        }
        Assert.Equal(deliveries.Select(d => d.AlertId).Order(), deliveries.Select(d => d.AlertId).Distinct().Order());
    }

    [Fact]
    public async Task A_500_is_retried_after_the_backoff_and_then_delivered_once()
    {
        var (admin, client, node) = await TenantAsync();
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(500, "{\"error\":\"down\"}");
        var rule = await RuleAsync(admin, client.Id, (await WebhookAsync(admin, client.Id, receiver)).Id);

        await node.IngestAsync(BruteForceLines(1));
        var failed = (await DeliveriesWhenAsync(admin, rule.Id, d => d.Count == 1 && d[0].Attempts == 1, "a first failed attempt")).Single();
        Assert.Equal("pending", failed.State);
        Assert.Contains("500", failed.LastError, StringComparison.Ordinal);
        Assert.True(failed.NextAttemptAt > NotifyFixture.Start, "the retry waits for its backoff");
        Assert.Single(receiver.Requests);

        fx.Time.Advance(TimeSpan.FromSeconds(31));
        var delivered = (await DeliveriesWhenAsync(admin, rule.Id, d => d[0].State == "delivered", "the retry delivered")).Single();

        Assert.Equal(2, delivered.Attempts);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(receiver.Requests[0].BodyText, receiver.Requests[1].BodyText);
        // The retry is the same delivery to the receiver: the same id to drop a repeat by.
        Assert.Equal($"socme-{delivered.Id}", receiver.Requests[0].Header("X-Socme-Delivery"));
        Assert.Equal(receiver.Requests[0].Header("X-Socme-Delivery"), receiver.Requests[1].Header("X-Socme-Delivery"));
    }

    [Fact]
    public async Task A_permanent_failure_goes_dead_with_its_reason_and_a_resend_delivers_it()
    {
        var (admin, client, node) = await TenantAsync();
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(400, "{\"error\":\"bad payload\"}");
        var rule = await RuleAsync(admin, client.Id, (await WebhookAsync(admin, client.Id, receiver)).Id);

        await node.IngestAsync(BruteForceLines(1));
        var dead = (await DeliveriesWhenAsync(admin, rule.Id, d => d.Count == 1 && d[0].State == "dead", "the delivery dead")).Single();
        Assert.Contains("400", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(1, dead.Attempts);

        await admin.ResendDeliveryAsync(dead.Id);
        var delivered = (await DeliveriesWhenAsync(admin, rule.Id, d => d[0].State == "delivered", "the re-sent delivery delivered")).Single();
        Assert.Equal(dead.Id, delivered.Id);
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_channel_that_keeps_failing_gives_up_after_the_maximum_age()
    {
        var (admin, client, node) = await TenantAsync();
        await using var receiver = await HttpReceiver.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            receiver.Then(503);
        }
        var rule = await RuleAsync(admin, client.Id, (await WebhookAsync(admin, client.Id, receiver)).Id);
        await node.IngestAsync(BruteForceLines(1));
        var attempts = 0;
        NotificationDeliveryDto current;
        do
        {
            var seen = attempts;
            current = (await DeliveriesWhenAsync(admin, rule.Id, d => d.Count == 1 && (d[0].Attempts > seen || d[0].State == "dead"), "one more attempt")).Single();
            attempts = current.Attempts;
            fx.Time.Advance(TimeSpan.FromMinutes(10));
        }
        while (current.State != "dead" && attempts < 20);

        Assert.Equal("dead", current.State);
        Assert.StartsWith("Gave up after", current.LastError, StringComparison.Ordinal);
        Assert.InRange(current.Attempts, 3, 12);
        Assert.Equal(current.Attempts, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_throttle_sends_at_most_its_count_per_window_and_counts_the_rest()
    {
        var (admin, client, node) = await TenantAsync();
        await using var receiver = await HttpReceiver.StartAsync();
        var rule = await RuleAsync(admin, client.Id, (await WebhookAsync(admin, client.Id, receiver)).Id,
            throttle: new RuleThrottle(2, 3600, ["rule.id"]));

        await node.IngestAsync(BruteForceLines(5));
        var d = await DeliveriesWhenAsync(admin, rule.Id, x => x.Count == 5 && x.Count(y => y.State == "delivered") == 2, "two delivered, three throttled");

        Assert.Equal(3, d.Count(x => x.State == "throttled"));
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_digest_sends_one_message_per_window_and_client_with_every_alert_counted()
    {
        var admin = await Core.AdminAsync();
        var (_, clientA, nodeA) = await TenantAsync(admin);
        var (_, clientB, nodeB) = await TenantAsync(admin);
        await using var receiver = await HttpReceiver.StartAsync();
        // A SOC channel and a rule of every client (limited to these two clients' nodes, so other tests' alerts stay out).
        var nodes = (await admin.ListNodesAsync(clientA.Id)).Concat(await admin.ListNodesAsync(clientB.Id)).Select(n => n.Id).ToList();
        var soc = await WebhookAsync(admin, null, receiver, "soc");
        var rule = await RuleAsync(admin, null, soc.Id, new RuleConditions(NodeIds: nodes), digest: new RuleDigest(60));

        await nodeA.IngestAsync(BruteForceLines(2));
        await nodeB.IngestAsync(BruteForceLines(3));
        await DeliveriesWhenAsync(admin, rule.Id, d => d.Count == 5 && d.All(x => x.State == "in_digest"), "five alerts waiting in their digests");
        Assert.Empty(receiver.Requests);

        fx.Time.Advance(TimeSpan.FromSeconds(61));
        var d = await DeliveriesWhenAsync(admin, rule.Id, x => x.Count(y => y.State == "delivered") == 2, "one digest per client delivered");

        Assert.Equal(3, d.Count(x => x.State == "digested"));
        Assert.Equal(2, receiver.Requests.Count);
        var byClient = receiver.Requests.ToDictionary(r => r.Json.GetProperty("client").GetProperty("id").GetGuid(), r => r.Json.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<Guid, int> { [clientA.Id] = 2, [clientB.Id] = 3 }, byClient);
        foreach (var r in receiver.Requests)
        {
            Assert.Equal(r.Json.GetProperty("count").GetInt32(), r.Json.GetProperty("alerts").GetArrayLength());
        }
    }

    [Fact]
    public async Task An_email_reaches_a_real_smtp_server()
    {
        var (admin, client, node) = await TenantAsync();
        using var smtp = await SmtpServer.StartAsync("plain");
        var channel = await admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Client admin", "smtp", new Dictionary<string, string?>
        {
            ["host"] = "127.0.0.1", ["port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["security"] = "none",
            ["from"] = "soc@example.org", ["to"] = "admin@client.example",
        }, client.Id));
        var rule = await RuleAsync(admin, client.Id, channel.Id);

        await node.IngestAsync(BruteForceLines(1));
        await DeliveriesWhenAsync(admin, rule.Id, d => d.Count == 1 && d[0].State == "delivered", "the mail delivered");

        var mail = Assert.Single(smtp.Messages());
        Assert.Contains("admin@client.example", mail, StringComparison.Ordinal);
        Assert.Contains("multipart/alternative", mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHive_gets_one_alert_per_SOCme_alert_with_its_id_as_sourceRef()
    {
        var (admin, client, node) = await TenantAsync();
        var rule = await admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("To TheHive", BruteForceOnly,
            new RuleActions(EscalateToTheHive: true), client.Id));

        await node.IngestAsync(BruteForceLines(2));
        var deliveries = await DeliveriesWhenAsync(admin, rule.Id, d => d.Count == 2 && d.All(x => x.State != "pending"), "both escalations done");
        Assert.All(deliveries, d => Assert.True(d is { State: "delivered", Target: "thehive" }, $"{d.State}: {d.LastError}"));
        var alerts = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id });
        Assert.Equal(2, alerts.Count);

        foreach (var a in alerts)
        {
            Assert.Equal("escalated", a.Status);
            var sent = Assert.Single(fx.TheHive.Alerts, h => h.SourceRef == a.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(a.TheHiveId, sent.Id);
            Assert.Contains(client.Name, (string?)sent.Body["title"], StringComparison.Ordinal);
        }
        // Escalating again by hand returns the same delivery and creates nothing more.
        var before = fx.TheHive.Alerts.Count;
        var again = await admin.EscalateAlertsAsync([alerts[0].Id]);
        Assert.Equal("delivered", Assert.Single(again).State);
        Assert.Equal(before, fx.TheHive.Alerts.Count);
    }

    [Fact]
    public async Task The_ssrf_guard_refuses_private_and_metadata_addresses()
    {
        var (admin, client, _) = await TenantAsync();
        var privateHook = await admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Internal", "webhook",
            new Dictionary<string, string?> { ["url"] = "http://10.1.2.3/hook" }, client.Id));
        var metadata = await admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Metadata", "webhook",
            new Dictionary<string, string?> { ["url"] = "http://169.254.169.254/latest/meta-data/" }, client.Id, AllowPrivateNetwork: true));

        var refused = await admin.TestNotificationChannelAsync(privateHook.Id);
        var alsoRefused = await admin.TestNotificationChannelAsync(metadata.Id);

        Assert.Equal("permanent", refused.Outcome);
        Assert.Contains("private", refused.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("permanent", alsoRefused.Outcome);
        var log = await admin.ListDeliveriesAsync(clientId: client.Id);
        Assert.All(log.Items, d => Assert.Equal(("dead", true), (d.State, d.IsTest)));
    }

    [Fact]
    public async Task Channel_secrets_are_encrypted_at_rest_and_never_returned()
    {
        var (admin, client, _) = await TenantAsync();
        const string hook = "https://hooks.slack.com/services/T000/B000/secret-token-xyz";
        var channel = await admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Slack", "slack",
            new Dictionary<string, string?> { ["webhook_url"] = hook }, client.Id));
        var (analyst, _) = await Core.UserAsync(admin, "analyst", scope: [client.Id]);

        var read = await analyst.GetNotificationChannelAsync(channel.Id);
        Assert.Equal(["webhook_url"], read.SecretsSet);
        Assert.False(read.Settings.ContainsKey("webhook_url"));
        using (var scope = Core.Services.CreateScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<SocmeDbContext>().NotificationChannels.AsNoTracking().SingleAsync(c => c.Id == channel.Id);
            Assert.DoesNotContain("secret-token-xyz", row.SettingsJson + row.ProtectedSecrets, StringComparison.Ordinal);
        }
        // A rename keeps the secret; only admins open a channel to private addresses.
        await analyst.UpdateNotificationChannelAsync(channel.Id, new UpdateNotificationChannelRequest(Name: "Slack #soc"));
        Assert.Equal(["webhook_url"], (await analyst.GetNotificationChannelAsync(channel.Id)).SecretsSet);
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => analyst.UpdateNotificationChannelAsync(channel.Id,
            new UpdateNotificationChannelRequest(AllowPrivateNetwork: true)), "admin_required");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Bad", "slack",
            new Dictionary<string, string?>(), client.Id)), "validation_failed");
    }
}
