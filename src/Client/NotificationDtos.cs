namespace Socme.Client;

// ---- notification rules ----

/// <summary>
/// What an alert must have for a rule to match. Every condition given must hold (AND); within a list, any value will do
/// (OR). An empty condition set matches every alert of the rule's scope.
/// </summary>
/// <param name="MinLevel">Level 0–15 at least.</param>
/// <param name="Bands">low, medium, high, critical.</param>
/// <param name="RuleIds">Wazuh rule ids or Suricata signature ids.</param>
/// <param name="RuleGroups">Wazuh rule groups (e.g. <c>authentication_failures</c>).</param>
/// <param name="MitreTactics">MITRE ATT&amp;CK tactic ids (<c>TA0006</c>) or names (<c>Credential Access</c>).</param>
/// <param name="MitreTechniques">Technique ids; <c>T1110</c> also matches its sub-techniques (<c>T1110.001</c>).</param>
/// <param name="Sources">wazuh, suricata, system.</param>
/// <param name="NodeIds">Only alerts of these nodes.</param>
/// <param name="Text">Case-insensitive text in the description, signature, category or agent name.</param>
/// <param name="Field">A regular expression on one named field (see <see cref="RuleFieldMatch"/>).</param>
public sealed record RuleConditions(
    int? MinLevel = null,
    IReadOnlyList<string>? Bands = null,
    IReadOnlyList<string>? RuleIds = null,
    IReadOnlyList<string>? RuleGroups = null,
    IReadOnlyList<string>? MitreTactics = null,
    IReadOnlyList<string>? MitreTechniques = null,
    IReadOnlyList<string>? Sources = null,
    IReadOnlyList<Guid>? NodeIds = null,
    string? Text = null,
    RuleFieldMatch? Field = null);

/// <summary>
/// A regular expression (.NET syntax, run by the linear-time non-backtracking engine, case-insensitive) on one field:
/// <c>rule.id</c>, <c>rule.description</c>, <c>rule.groups</c>, <c>agent.name</c>, <c>agent.ip</c>, <c>src_ip</c>,
/// <c>dst_ip</c>, <c>src_port</c>, <c>dst_port</c>, <c>protocol</c>, <c>signature</c>, <c>category</c>,
/// <c>mitre.tactics</c>, <c>mitre.techniques</c>, or <c>raw</c> (the original alert JSON as text).
/// </summary>
public sealed record RuleFieldMatch(string Field, string Pattern);

/// <summary>What a matching rule does.</summary>
/// <param name="Channels">Notification channels to send to (each message holds alerts of one client only).</param>
/// <param name="EscalateToTheHive">Create an alert in TheHive (once per SOCme alert).</param>
/// <param name="AssignTo">A user to assign the alert to.</param>
/// <param name="SetStatus">acknowledged or closed (suppress / auto-close; <see cref="Verdict"/> and <see cref="Reason"/> go with it).</param>
/// <param name="Verdict">true_positive, false_positive or benign, with <see cref="SetStatus"/> closed.</param>
/// <param name="Reason">Why (kept as the verdict reason and in the alert's history).</param>
/// <param name="AddTags">Tags to add.</param>
public sealed record RuleActions(
    IReadOnlyList<Guid>? Channels = null,
    bool EscalateToTheHive = false,
    Guid? AssignTo = null,
    string? SetStatus = null,
    string? Verdict = null,
    string? Reason = null,
    IReadOnlyList<string>? AddTags = null);

/// <summary>
/// At most <see cref="Max"/> notifications per <see cref="WindowSeconds"/> for one rule and one group key (the values of
/// <see cref="GroupBy"/>, e.g. <c>rule.id</c> and <c>agent.name</c>); the alerts above that are counted, not sent.
/// </summary>
public sealed record RuleThrottle(int Max, int WindowSeconds, IReadOnlyList<string>? GroupBy = null);

/// <summary>Collect the rule's alerts for <see cref="WindowSeconds"/>, then send one summary per client and channel.</summary>
public sealed record RuleDigest(int WindowSeconds);

/// <summary>A notification rule. Rules run in <see cref="Position"/> order (global and the client's together).</summary>
public sealed record NotificationRuleDto(
    Guid Id,
    Guid? ClientId,
    string Name,
    int Position,
    bool Enabled,
    bool StopProcessing,
    RuleConditions Conditions,
    RuleActions Actions,
    RuleThrottle? Throttle,
    RuleDigest? Digest,
    DateTimeOffset? ExpiresAt,
    long MatchCount,
    DateTimeOffset? LastMatchAt,
    string? Preset,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A new rule: for one client, or (null) for every client (admins only).</summary>
public sealed record CreateNotificationRuleRequest(
    string Name,
    RuleConditions Conditions,
    RuleActions Actions,
    Guid? ClientId = null,
    int? Position = null,
    bool Enabled = true,
    bool StopProcessing = false,
    RuleThrottle? Throttle = null,
    RuleDigest? Digest = null,
    DateTimeOffset? ExpiresAt = null);

/// <summary>How many of the newest alerts of the rule's scope (at most 1,000) the rule would have matched.</summary>
public sealed record RulePreviewDto(int Considered, int Matched, IReadOnlyList<long> SampleAlertIds);

/// <summary>A rule to preview before it is saved.</summary>
public sealed record RulePreviewRequest(RuleConditions Conditions, Guid? ClientId = null);

/// <summary>A preset rule (brute-force-mail, compromise-mail-call, escalate-thehive) for a client, sending to these channels.</summary>
public sealed record CreatePresetRuleRequest(Guid ClientId, IReadOnlyList<Guid>? Channels = null);

// ---- notification channels ----

/// <summary>
/// A notification channel. <see cref="Settings"/> holds the non-secret fields; secret fields (passwords, tokens, webhook
/// URLs that embed a token) are never sent back: <see cref="SecretsSet"/> names those that have a value.
/// </summary>
public sealed record NotificationChannelDto(
    Guid Id,
    Guid? ClientId,
    string Name,
    string Kind,
    IReadOnlyDictionary<string, string?> Settings,
    IReadOnlyList<string> SecretsSet,
    bool AllowPrivateNetwork,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A new channel of a kind from <c>GET /notification-channels/kinds</c>, for one client or (null) for the SOC itself.
/// <see cref="AllowPrivateNetwork"/> (reach a private, loopback or link-local address) is for admins only.
/// </summary>
public sealed record CreateNotificationChannelRequest(
    string Name,
    string Kind,
    IReadOnlyDictionary<string, string?> Settings,
    Guid? ClientId = null,
    bool AllowPrivateNetwork = false,
    bool Enabled = true);

/// <summary>
/// A change to a channel: null fields stay. In <see cref="Settings"/>, a field absent keeps its value, an empty string
/// clears it; a secret field is only ever replaced, never read.
/// </summary>
public sealed record UpdateNotificationChannelRequest(
    string? Name = null,
    IReadOnlyDictionary<string, string?>? Settings = null,
    bool? AllowPrivateNetwork = null,
    bool? Enabled = null);

/// <summary>A kind of channel and its fields (for forms).</summary>
public sealed record ChannelKindDto(string Id, string DisplayName, IReadOnlyList<ChannelFieldDto> Fields);

/// <summary>A field of a channel kind.</summary>
public sealed record ChannelFieldDto(string Name, string Label, string Type, bool Required, bool Secret, string? Default, string Help,
    IReadOnlyList<string> Choices);

/// <summary>What a send answered: delivered, retry (with the delay the peer asked for) or permanent (with the reason).</summary>
public sealed record NotifyResultDto(string Outcome, string? Reason, double? RetryAfterSeconds, long? DeliveryId);

// ---- deliveries (the outbox's log) ----

/// <summary>
/// One send to a channel or to TheHive, for one alert or a digest of alerts of one client. States: pending (due at
/// <see cref="NextAttemptAt"/>), delivered, dead (failed for good, <see cref="LastError"/> says why), throttled,
/// in_digest (waiting for its window), digested (sent inside delivery <see cref="DigestId"/>).
/// </summary>
public sealed record NotificationDeliveryDto(
    long Id,
    Guid ClientId,
    Guid? RuleId,
    Guid? ChannelId,
    string Target,
    long? AlertId,
    int AlertCount,
    long? DigestId,
    string State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError,
    string? ExternalId,
    string? ExternalLink,
    bool IsTest);

/// <summary>A page of deliveries, newest first.</summary>
public sealed record NotificationDeliveryPage(IReadOnlyList<NotificationDeliveryDto> Items, string? NextCursor);

/// <summary>Alerts to escalate to TheHive (1 to 1,000); each is escalated once, whoever asks again.</summary>
public sealed record EscalateAlertsRequest(IReadOnlyList<long> AlertIds);
