using Socme.Alerts;
using Socme.Client;
using Socme.Core.Data.Alerts;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Ingest;
using Socme.Core.Features.Notifications;
using Socme.Core.Infrastructure;

namespace Socme.Core.Tests.Notifications;

/// <summary>The rule engine alone: each condition, the order of rules, stop-processing, expiry and the client boundary.</summary>
public sealed class RuleEngineTests
{
    private static readonly Guid ClientA = Guid.NewGuid(), ClientB = Guid.NewGuid(), Node1 = Guid.NewGuid(), Node2 = Guid.NewGuid();
    private const long Now = 1_800_000_000_000;

    private static IngestRow Row(int level = 10, string? ruleId = "5712", string? groups = ",syslog,sshd,authentication_failures,",
        string? tactics = ",Credential Access,", string? techniques = ",T1110.001,", AlertSource source = AlertSource.Wazuh,
        string? description = "sshd: brute force trying to get access to the system.", string? srcIp = "203.0.113.9", string? agent = "web-01") =>
        new(source, Guid.NewGuid().ToString("N"), Now, level, Severity.BandOf(level), ruleId, description, groups, tactics, techniques,
            agent, "10.0.0.5", srcIp, 40000, "10.0.0.5", 22, "tcp", null, null, "{\"data\":{\"srcuser\":\"root\"}}");

    private static NotificationRule Stored(RuleConditions c, RuleActions? a = null, Guid? client = null, int position = 10, bool stop = false,
        long? expires = null) => new()
    {
        Id = Guid.NewGuid(), ClientId = client, Name = "r" + position, Position = position, StopProcessing = stop, ExpiresMs = expires,
        ConditionsJson = System.Text.Json.JsonSerializer.Serialize(c, RuleJsonOptions),
        ActionsJson = System.Text.Json.JsonSerializer.Serialize(a ?? new RuleActions(AddTags: ["t" + position]), RuleJsonOptions),
    };

    private static readonly System.Text.Json.JsonSerializerOptions RuleJsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static bool Matches(RuleConditions c, IngestRow row, Guid? node = null) =>
        RuleSet.Compile([Stored(c)]).Evaluate(ClientA, node ?? Node1, row, Now) is not null;

    [Fact]
    public void Evaluate_EachCondition_MatchesItsValuesAndNothingElse()
    {
        var row = Row();
        Assert.True(Matches(new RuleConditions(), row));
        Assert.True(Matches(new RuleConditions(MinLevel: 10), row));
        Assert.False(Matches(new RuleConditions(MinLevel: 11), row));
        Assert.True(Matches(new RuleConditions(Bands: ["low", "medium"]), row));
        Assert.False(Matches(new RuleConditions(Bands: ["high", "critical"]), row));
        Assert.True(Matches(new RuleConditions(RuleIds: ["1", "5712"]), row));
        Assert.False(Matches(new RuleConditions(RuleIds: ["571"]), row));
        Assert.True(Matches(new RuleConditions(RuleGroups: ["authentication_failures"]), row));
        Assert.False(Matches(new RuleConditions(RuleGroups: ["authentication"]), row));
        Assert.True(Matches(new RuleConditions(MitreTactics: ["TA0006"]), row));
        Assert.True(Matches(new RuleConditions(MitreTactics: ["credential access"]), row));
        Assert.False(Matches(new RuleConditions(MitreTactics: ["TA0001"]), row));
        Assert.True(Matches(new RuleConditions(MitreTechniques: ["T1110"]), row));
        Assert.True(Matches(new RuleConditions(MitreTechniques: ["T1110.001"]), row));
        Assert.False(Matches(new RuleConditions(MitreTechniques: ["T111"]), row));
        Assert.False(Matches(new RuleConditions(MitreTechniques: ["T1110.002"]), row));
        Assert.True(Matches(new RuleConditions(Sources: ["wazuh"]), row));
        Assert.False(Matches(new RuleConditions(Sources: ["suricata", "system"]), row));
        Assert.True(Matches(new RuleConditions(NodeIds: [Node1]), row, Node1));
        Assert.False(Matches(new RuleConditions(NodeIds: [Node1]), row, Node2));
        Assert.True(Matches(new RuleConditions(Text: "BRUTE FORCE"), row));
        Assert.True(Matches(new RuleConditions(Text: "web-0"), row));
        Assert.False(Matches(new RuleConditions(Text: "ransomware"), row));
        Assert.True(Matches(new RuleConditions(Field: new RuleFieldMatch("src_ip", @"^203\.0\.113\.")), row));
        Assert.False(Matches(new RuleConditions(Field: new RuleFieldMatch("src_ip", @"^10\.")), row));
        Assert.True(Matches(new RuleConditions(Field: new RuleFieldMatch("raw", "\"srcuser\":\"root\"")), row));
        Assert.True(Matches(new RuleConditions(Field: new RuleFieldMatch("dst_port", "^22$")), row));
        // A missing value never matches a condition on it.
        Assert.False(Matches(new RuleConditions(RuleGroups: ["sshd"]), Row(groups: null)));
        Assert.False(Matches(new RuleConditions(Field: new RuleFieldMatch("signature", ".*")), row));
        // All conditions together: one failing is enough to miss.
        Assert.True(Matches(new RuleConditions(MinLevel: 5, Bands: ["medium"], MitreTechniques: ["T1110"], Sources: ["wazuh"]), row));
        Assert.False(Matches(new RuleConditions(MinLevel: 5, Bands: ["medium"], MitreTechniques: ["T1110"], Sources: ["suricata"]), row));
    }

    [Fact]
    public void Evaluate_RunsRulesInPosition_GlobalAndClientTogether_AndStopsWhenAsked()
    {
        var global5 = Stored(new RuleConditions(), new RuleActions(AddTags: ["first"]), position: 5);
        var client10 = Stored(new RuleConditions(), new RuleActions(SetStatus: "closed", Verdict: "benign", Reason: "known scanner", AddTags: ["second"]),
            ClientA, 10, stop: true);
        var global20 = Stored(new RuleConditions(), new RuleActions(AddTags: ["never"]), position: 20);
        var set = RuleSet.Compile([global20, client10, global5]);

        var a = set.Evaluate(ClientA, Node1, Row(), Now)!;
        Assert.Equal([global5.Id, client10.Id], a.Matched);
        Assert.Equal(["first", "second"], a.Tags);
        Assert.Equal((AlertStatus.Closed, AlertVerdict.Benign, "known scanner"), (a.Status, a.Verdict, a.Reason));

        // Client B gets the global rules only: A's rule (and its stop) is not B's.
        var b = set.Evaluate(ClientB, Node1, Row(), Now)!;
        Assert.Equal([global5.Id, global20.Id], b.Matched);
        Assert.Null(b.Status);
    }

    [Fact]
    public void Evaluate_AClientRule_NeverAppliesToAnotherClient()
    {
        var set = RuleSet.Compile([Stored(new RuleConditions(), new RuleActions(EscalateToTheHive: true), ClientA)]);

        Assert.NotNull(set.Evaluate(ClientA, Node1, Row(), Now));
        Assert.Null(set.Evaluate(ClientB, Node1, Row(), Now));
    }

    [Fact]
    public void Evaluate_OnlyRulesThatSendSomething_QueueIntents_AndExpiredOrDisabledRulesDoNothing()
    {
        var sends = Stored(new RuleConditions(), new RuleActions(Channels: [Guid.NewGuid()]));
        var tags = Stored(new RuleConditions(), new RuleActions(AddTags: ["x"]), position: 20);
        var expired = Stored(new RuleConditions(), new RuleActions(EscalateToTheHive: true), position: 30, expires: Now);
        var disabled = Stored(new RuleConditions(), new RuleActions(EscalateToTheHive: true), position: 40);
        disabled.Enabled = false;

        var o = RuleSet.Compile([sends, tags, expired, disabled]).Evaluate(ClientA, Node1, Row(), Now)!;

        Assert.Equal([sends.Id, tags.Id], o.Matched);
        Assert.Equal([sends.Id], o.Intents);
    }

    [Fact]
    public void Validate_RefusesWhatCannotRun_NamingTheField()
    {
        static string Field(Action a) => Assert.Single(Assert.Throws<ApiException>(a).Errors!).Key;

        Assert.Equal("conditions.minLevel", Field(() => RuleValidation.Validate("n", new RuleConditions(MinLevel: 16), new RuleActions(), null, null)));
        Assert.Equal("conditions.bands", Field(() => RuleValidation.Validate("n", new RuleConditions(Bands: ["severe"]), new RuleActions(), null, null)));
        Assert.Equal("conditions.field.field", Field(() => RuleValidation.Validate("n", new RuleConditions(Field: new("nope", "x")), new RuleActions(), null, null)));
        Assert.Equal("conditions.field.pattern", Field(() => RuleValidation.Validate("n", new RuleConditions(Field: new("src_ip", "(")), new RuleActions(), null, null)));
        // Backreferences need backtracking, which a rule may not use (a pattern must not be able to stall ingest).
        Assert.Equal("conditions.field.pattern", Field(() => RuleValidation.Validate("n", new RuleConditions(Field: new("src_ip", @"(a)\1")), new RuleActions(), null, null)));
        Assert.Equal("actions.setStatus", Field(() => RuleValidation.Validate("n", new RuleConditions(), new RuleActions(SetStatus: "escalated"), null, null)));
        Assert.Equal("actions.verdict", Field(() => RuleValidation.Validate("n", new RuleConditions(), new RuleActions(Verdict: "benign"), null, null)));
        Assert.Equal("throttle", Field(() => RuleValidation.Validate("n", new RuleConditions(), new RuleActions(), new RuleThrottle(0, 60), null)));
        Assert.Equal("throttle.groupBy", Field(() => RuleValidation.Validate("n", new RuleConditions(), new RuleActions(), new RuleThrottle(1, 60, ["host"]), null)));
        Assert.Equal("digest", Field(() => RuleValidation.Validate("n", new RuleConditions(), new RuleActions(), new RuleThrottle(1, 60), new RuleDigest(60))));
        Assert.Equal("name", Field(() => RuleValidation.Validate(" ", new RuleConditions(), new RuleActions(), null, null)));
    }

    [Fact]
    public void Compile_SkipsAStoredRuleThatNoLongerCompiles_AndKeepsTheOthers()
    {
        var good = Stored(new RuleConditions(), new RuleActions(AddTags: ["ok"]));
        var bad = Stored(new RuleConditions(), position: 20);
        bad.ConditionsJson = "{\"field\":{\"field\":\"src_ip\",\"pattern\":\"(\"}}";
        var skipped = new List<Guid>();

        var set = RuleSet.Compile([good, bad], (r, _) => skipped.Add(r.Id));

        Assert.Equal([bad.Id], skipped);
        Assert.Equal([good.Id], set.Evaluate(ClientA, Node1, Row(), Now)!.Matched);
    }
}
