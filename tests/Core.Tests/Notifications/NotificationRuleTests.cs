using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Notifications;

/// <summary>
/// Rules through the API and their effect at ingest: status, verdict, tags and history set in the alert's own insert,
/// outbox intents written with it (once, even when the batch is sent again), match counters, preview, presets, and the
/// tenant boundary (scope, roles, channels of another client).
/// </summary>
public sealed class NotificationRuleTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    private static readonly string BruteForce = Corpus.WazuhAlerts().First(l => l.Contains("\"T1110\"", StringComparison.Ordinal));

    private static List<string> Lines(int bruteForce, int other)
    {
        var prefix = Guid.NewGuid().ToString("N")[..10];
        var others = Corpus.WazuhAlerts().Where(l => !l.Contains("T1110", StringComparison.Ordinal) && l.Contains("\"level\":3,", StringComparison.Ordinal)).ToList();
        return Enumerable.Range(0, bruteForce).Select(i => Envelopes.Wazuh(Corpus.WithWazuhId(BruteForce, $"{prefix}.b{i}")))
            .Concat(Enumerable.Range(0, other).Select(i => Envelopes.Wazuh(Corpus.WithWazuhId(others[i % others.Count], $"{prefix}.o{i}"))))
            .ToList();
    }

    private async Task<(long Intents, long History)> OutboxOfAsync(Guid clientId)
    {
        using var scope = core.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
        var intents = await db.NotificationIntents.CountAsync(i => i.ClientId == clientId);
        var history = await db.AlertHistory.CountAsync(h => h.ClientId == clientId && h.Actor.StartsWith("rule: "));
        return (intents, history);
    }

    [Fact]
    public async Task A_matching_rule_sets_the_alerts_triage_and_queues_one_intent_per_alert_in_the_same_insert()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var suppress = await admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest(
            "Known pentest", new RuleConditions(MitreTechniques: ["T1110"]),
            new RuleActions(EscalateToTheHive: true, SetStatus: "closed", Verdict: "benign", Reason: "Pentest week", AddTags: ["Pentest"]),
            client.Id));

        var lines = Lines(bruteForce: 4, other: 6);
        var first = await node.IngestAsync(lines);
        var again = await node.IngestAsync(lines);

        Assert.Equal((10, 0), (first.Accepted, first.Duplicates));
        Assert.Equal((0, 10), (again.Accepted, again.Duplicates));
        var alerts = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id });
        var closed = alerts.Where(a => a.Status == "closed").ToList();
        Assert.Equal(4, closed.Count);
        Assert.All(closed, a => Assert.Equal(("benign", "Pentest week", "pentest"), (a.Verdict, a.VerdictReason, Assert.Single(a.Tags))));
        Assert.All(alerts.Except(closed), a => Assert.Equal(("new", 0), (a.Status, a.Tags.Count)));
        var detail = await admin.GetAlertAsync(closed[0].Id);
        Assert.Contains(detail.History, h => h is { Field: "status", NewValue: "closed", Actor: "rule: Known pentest" });
        // One intent per matched alert (TheHive), none for the resend; status, verdict and tags in each history.
        Assert.Equal((4L, 12L), await OutboxOfAsync(client.Id));
        var rule = await admin.GetNotificationRuleAsync(suppress.Id);
        Assert.Equal(4, rule.MatchCount);
        Assert.NotNull(rule.LastMatchAt);
    }

    [Fact]
    public async Task Preview_counts_the_newest_alerts_a_rule_would_match()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        await node.IngestAsync(Lines(bruteForce: 3, other: 5));

        var preview = await admin.PreviewNotificationRuleAsync(new RulePreviewRequest(new RuleConditions(MitreTechniques: ["T1110"]), client.Id));
        var all = await admin.PreviewNotificationRuleAsync(new RulePreviewRequest(new RuleConditions(), client.Id));

        Assert.Equal((8, 3, 3), (preview.Considered, preview.Matched, preview.SampleAlertIds.Count));
        Assert.Equal((8, 8), (all.Considered, all.Matched));
    }

    [Fact]
    public async Task Rules_stay_within_the_callers_clients_and_roles()
    {
        var admin = await core.AdminAsync();
        var clientA = await CoreFactory.ClientAsync(admin);
        var clientB = await CoreFactory.ClientAsync(admin);
        var ruleOfB = await admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("B's rule", new RuleConditions(), new RuleActions(AddTags: ["b"]), clientB.Id));
        var (analystA, _) = await core.UserAsync(admin, "analyst", scope: [clientA.Id]);
        var (clientUserA, _) = await core.UserAsync(admin, "client", clientId: clientA.Id);

        // Another client's rule is a 404 to a scoped analyst, in the list too; creating one for B is a 404 (B does not exist for them).
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystA.GetNotificationRuleAsync(ruleOfB.Id));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystA.DeleteNotificationRuleAsync(ruleOfB.Id));
        Assert.DoesNotContain(await analystA.ListNotificationRulesAsync(), r => r.Id == ruleOfB.Id);
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystA.CreateNotificationRuleAsync(
            new CreateNotificationRuleRequest("x", new RuleConditions(), new RuleActions(), clientB.Id)));
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystA.PreviewNotificationRuleAsync(new RulePreviewRequest(new RuleConditions(), clientB.Id)));
        // Rules of every client are for admins; client users manage none.
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => analystA.CreateNotificationRuleAsync(
            new CreateNotificationRuleRequest("x", new RuleConditions(), new RuleActions())), "admin_required");
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => clientUserA.ListNotificationRulesAsync());
        // A rule of every client is read by analysts but changed by admins only.
        var global = await admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("Global", new RuleConditions(RuleIds: ["no-such-rule"]),
            new RuleActions(AddTags: ["g"])));
        Assert.Equal(global.Id, (await analystA.GetNotificationRuleAsync(global.Id)).Id);
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => analystA.DeleteNotificationRuleAsync(global.Id), "admin_required");
        await ApiAssert.FailsAsync(HttpStatusCode.Forbidden, () => analystA.ReplaceNotificationRuleAsync(global.Id,
            new CreateNotificationRuleRequest("Mine now", new RuleConditions(), new RuleActions(SetStatus: "closed"))), "admin_required");
        await admin.DeleteNotificationRuleAsync(global.Id);
        // The analyst manages A's rules.
        var mine = await analystA.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("A's rule", new RuleConditions(MinLevel: 12), new RuleActions(AddTags: ["a"]), clientA.Id));
        Assert.Contains(await analystA.ListNotificationRulesAsync(clientA.Id), r => r.Id == mine.Id);
        await analystA.DeleteNotificationRuleAsync(mine.Id);
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => analystA.GetNotificationRuleAsync(mine.Id));
    }

    [Fact]
    public async Task Invalid_rules_are_refused_with_the_field_and_nothing_is_stored()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var other = await CoreFactory.ClientAsync(admin);
        var (nodeOfOther, enrolled) = await core.NodeAsync(admin, other.Id);

        var bad = new (CreateNotificationRuleRequest Request, string Field)[]
        {
            (new("r", new RuleConditions(Field: new RuleFieldMatch("src_ip", "(a)\\1")), new RuleActions(), client.Id), "conditions.field.pattern"),
            (new("r", new RuleConditions(NodeIds: [enrolled.NodeId]), new RuleActions(), client.Id), "conditions.nodeIds"),
            (new("r", new RuleConditions(), new RuleActions(Channels: [Guid.NewGuid()]), client.Id), "actions.channels"),
            (new("r", new RuleConditions(), new RuleActions(AssignTo: Guid.NewGuid()), client.Id), "actions.assignTo"),
            (new("r", new RuleConditions(), new RuleActions(), client.Id, ExpiresAt: DateTimeOffset.UnixEpoch), "expiresAt"),
        };
        foreach (var (request, field) in bad)
        {
            var e = await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreateNotificationRuleAsync(request), "validation_failed");
            Assert.Contains($"\"{field}\"", e.Body, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(await admin.ListNotificationRulesAsync(client.Id), r => r.ClientId == client.Id);
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.CreatePresetRuleAsync("page-everyone", new CreatePresetRuleRequest(client.Id)));
        Assert.NotNull(nodeOfOther);
    }

    [Fact]
    public async Task The_seeds_presets_are_ready_to_use()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);

        var thehive = await admin.CreatePresetRuleAsync("escalate-thehive", new CreatePresetRuleRequest(client.Id));
        var brute = await admin.CreatePresetRuleAsync("brute-force-mail", new CreatePresetRuleRequest(client.Id));
        var compromise = await admin.CreatePresetRuleAsync("compromise-mail-call", new CreatePresetRuleRequest(client.Id));
        await node.IngestAsync(Lines(bruteForce: 2, other: 3));

        Assert.Equal(("escalate-thehive", true), (thehive.Preset, thehive.Actions.EscalateToTheHive));
        Assert.Equal(["T1110"], brute.Conditions.MitreTechniques);
        Assert.Equal((1, 900), (brute.Throttle!.Max, brute.Throttle.WindowSeconds));
        Assert.Equal(["high", "critical"], compromise.Conditions.Bands);
        Assert.Equal(2, (await admin.GetNotificationRuleAsync(brute.Id)).MatchCount);
        Assert.Equal(0, (await admin.GetNotificationRuleAsync(thehive.Id)).MatchCount);
    }
}
