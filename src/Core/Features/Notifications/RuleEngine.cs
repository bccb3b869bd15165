using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using Socme.Client;
using Socme.Core.Data.Alerts;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Alerts;
using Socme.Core.Features.Ingest;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// One rule made ready to evaluate: lists become sets and bit masks, the regular expression is compiled once (by the
/// non-backtracking engine: linear in the input, so a rule cannot be made to hang ingest), list columns are searched
/// for their <c>,value,</c> tokens without splitting.
/// </summary>
internal sealed class CompiledRule
{
    private readonly int minLevel;
    private readonly int bandMask;
    private readonly int sourceMask;
    private readonly FrozenSet<string>? ruleIds;
    private readonly string[]? groupTokens;
    private readonly string[]? tacticTokens;
    private readonly string[]? techniqueIds;
    private readonly FrozenSet<Guid>? nodes;
    private readonly string? text;
    private readonly Func<IngestRow, string?>? field;
    private readonly Regex? pattern;

    public CompiledRule(NotificationRule rule, RuleConditions c, RuleActions actions, RuleThrottle? throttle, RuleDigest? digest)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(c);
        Id = rule.Id;
        ClientId = rule.ClientId;
        Name = rule.Name;
        Position = rule.Position;
        StopProcessing = rule.StopProcessing;
        ExpiresMs = rule.ExpiresMs;
        Actions = actions;
        Throttle = throttle;
        Digest = digest;
        minLevel = c.MinLevel ?? 0;
        bandMask = Mask(c.Bands, b => 1 << (int)AlertMapping.ParseBand(b));
        sourceMask = Mask(c.Sources, s => 1 << (int)AlertMapping.ParseSource(s));
        ruleIds = NonEmpty(c.RuleIds)?.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        groupTokens = NonEmpty(c.RuleGroups)?.Select(g => "," + g + ",").ToArray();
        tacticTokens = NonEmpty(c.MitreTactics)?.Select(t => "," + (MitreTactics.NameOf(t) ?? t) + ",").ToArray();
        techniqueIds = NonEmpty(c.MitreTechniques)?.ToArray();
        nodes = c.NodeIds is { Count: > 0 } n ? n.ToFrozenSet() : null;
        text = string.IsNullOrWhiteSpace(c.Text) ? null : c.Text.Trim();
        if (c.Field is { } f)
        {
            field = RuleValidation.FieldReader(f.Field);
            pattern = RuleValidation.CompilePattern(f.Pattern);
        }
        HasDeliveries = actions.Channels is { Count: > 0 } || actions.EscalateToTheHive;
    }

    public Guid Id { get; }
    public Guid? ClientId { get; }
    public string Name { get; }
    public int Position { get; }
    public bool StopProcessing { get; }
    public long? ExpiresMs { get; }
    public RuleActions Actions { get; }
    public RuleThrottle? Throttle { get; }
    public RuleDigest? Digest { get; }

    /// <summary>The rule sends something (a channel or TheHive): a match queues an outbox intent.</summary>
    public bool HasDeliveries { get; }

    public bool Matches(IngestRow a, Guid nodeId, long nowMs)
    {
        if (ExpiresMs is { } expires && nowMs >= expires)
        {
            return false;
        }
        if (a.Level < minLevel
            || (bandMask != 0 && (bandMask & (1 << (int)a.Band)) == 0)
            || (sourceMask != 0 && (sourceMask & (1 << (int)a.Source)) == 0)
            || (nodes is not null && !nodes.Contains(nodeId))
            || (ruleIds is not null && (a.RuleId is null || !ruleIds.Contains(a.RuleId)))
            || (groupTokens is not null && !AnyToken(a.RuleGroups, groupTokens))
            || (tacticTokens is not null && !AnyToken(a.MitreTactics, tacticTokens))
            || (techniqueIds is not null && !AnyTechnique(a.MitreTechniques, techniqueIds)))
        {
            return false;
        }
        if (text is not null && !ContainsText(a, text))
        {
            return false;
        }
        return pattern is null || (field!(a) is { } value && pattern.IsMatch(value));
    }

    private static bool ContainsText(IngestRow a, string t) =>
        (a.RuleDescription?.Contains(t, StringComparison.OrdinalIgnoreCase) ?? false)
        || (a.Signature?.Contains(t, StringComparison.OrdinalIgnoreCase) ?? false)
        || (a.Category?.Contains(t, StringComparison.OrdinalIgnoreCase) ?? false)
        || (a.AgentName?.Contains(t, StringComparison.OrdinalIgnoreCase) ?? false);

    private static bool AnyToken(string? list, string[] tokens)
    {
        if (list is null)
        {
            return false;
        }
        foreach (var t in tokens)
        {
            if (list.Contains(t, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary><c>T1110</c> matches <c>,T1110,</c> and <c>,T1110.001,</c>.</summary>
    private static bool AnyTechnique(string? list, string[] ids)
    {
        if (list is null)
        {
            return false;
        }
        foreach (var id in ids)
        {
            var at = 0;
            while ((at = list.IndexOf(id, at, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                var end = at + id.Length;
                if (at > 0 && list[at - 1] == ',' && end < list.Length && list[end] is ',' or '.')
                {
                    return true;
                }
                at = end;
            }
        }
        return false;
    }

    private static int Mask(IReadOnlyList<string>? values, Func<string, int> bit) =>
        values is null ? 0 : values.Aggregate(0, (m, v) => m | bit(v));

    private static List<string>? NonEmpty(IReadOnlyList<string>? values) =>
        values?.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList() is { Count: > 0 } l ? l : null;
}

/// <summary>What the rules decided for one alert at ingest.</summary>
internal sealed class RuleOutcome
{
    /// <summary>Every rule that matched, in order (their match counters go up).</summary>
    public List<Guid> Matched { get; } = [];

    /// <summary>The matched rules that send something: one outbox intent each.</summary>
    public List<Guid> Intents { get; } = [];

    /// <summary>The status the first matching rule with a status action set (null: new).</summary>
    public AlertStatus? Status { get; set; }
    public AlertVerdict? Verdict { get; set; }
    public string? Reason { get; set; }
    /// <summary>The rule that set the status (for the alert's history).</summary>
    public string? StatusRule { get; set; }
    public Guid? AssigneeId { get; set; }
    public List<string> Tags { get; } = [];

    /// <summary>The tags in the alerts table's list form (<c>,a,b,</c>), or null.</summary>
    public string? TagList => Tags.Count == 0 ? null : "," + string.Join(',', Tags) + ",";
}

/// <summary>
/// The enabled rules of every client, compiled, in evaluation order: a snapshot that ingest reads without locks.
/// </summary>
internal sealed class RuleSet
{
    public static readonly RuleSet Empty = new([]);

    private readonly CompiledRule[] global;
    private readonly FrozenDictionary<Guid, CompiledRule[]> perClient;

    public RuleSet(IEnumerable<CompiledRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var all = rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToList();
        global = all.Where(r => r.ClientId is null).ToArray();
        perClient = all.Where(r => r.ClientId is not null).GroupBy(r => r.ClientId!.Value)
            .ToFrozenDictionary(g => g.Key, g => all.Where(r => r.ClientId is null || r.ClientId == g.Key).ToArray());
        Count = all.Count;
    }

    public int Count { get; }

    /// <summary>The rules that apply to a client, in order.</summary>
    public IReadOnlyList<CompiledRule> For(Guid clientId) => perClient.TryGetValue(clientId, out var rules) ? rules : global;

    /// <summary>Runs the client's rules on an alert; null when none matched (the common case allocates nothing).</summary>
    public RuleOutcome? Evaluate(Guid clientId, Guid nodeId, IngestRow alert, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(alert);
        RuleOutcome? outcome = null;
        foreach (var rule in For(clientId))
        {
            if (!rule.Matches(alert, nodeId, nowMs))
            {
                continue;
            }
            outcome ??= new RuleOutcome();
            Apply(rule, outcome);
            if (rule.StopProcessing)
            {
                break;
            }
        }
        return outcome;
    }

    private static void Apply(CompiledRule rule, RuleOutcome o)
    {
        o.Matched.Add(rule.Id);
        if (rule.HasDeliveries)
        {
            o.Intents.Add(rule.Id);
        }
        var a = rule.Actions;
        if (a.SetStatus is { } status && o.Status is null)
        {
            o.Status = RuleValidation.ParseActionStatus(status);
            o.Verdict = a.Verdict is { } v ? AlertMapping.ParseVerdict(v) : null;
            o.Reason = string.IsNullOrWhiteSpace(a.Reason) ? $"Rule \"{rule.Name}\"" : a.Reason;
            o.StatusRule = rule.Name;
        }
        if (a.AssignTo is { } user && o.AssigneeId is null)
        {
            o.AssigneeId = user;
        }
        if (a.AddTags is { } tags)
        {
            foreach (var tag in tags)
            {
                var t = tag.Trim().ToLowerInvariant();
                if (!o.Tags.Contains(t, StringComparer.OrdinalIgnoreCase))
                {
                    o.Tags.Add(t);
                }
            }
        }
    }

    /// <summary>Compiles stored rules (disabled ones are left out). A rule whose stored JSON no longer compiles is skipped and reported.</summary>
    public static RuleSet Compile(IEnumerable<NotificationRule> rules, Action<NotificationRule, Exception>? onInvalid = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var compiled = new List<CompiledRule>();
        foreach (var r in rules.Where(r => r.Enabled))
        {
            try
            {
                compiled.Add(CompileOne(r));
            }
            catch (Exception e) when (e is JsonException or ArgumentException or Infrastructure.ApiException)
            {
                onInvalid?.Invoke(r, e);
            }
        }
        return new RuleSet(compiled);
    }

    public static CompiledRule CompileOne(NotificationRule r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var conditions = JsonSerializer.Deserialize<RuleConditions>(r.ConditionsJson, RuleJson.Options) ?? new RuleConditions();
        var actions = JsonSerializer.Deserialize<RuleActions>(r.ActionsJson, RuleJson.Options) ?? new RuleActions();
        var throttle = r.ThrottleJson is null ? null : JsonSerializer.Deserialize<RuleThrottle>(r.ThrottleJson, RuleJson.Options);
        var digest = r.DigestJson is null ? null : JsonSerializer.Deserialize<RuleDigest>(r.DigestJson, RuleJson.Options);
        return new CompiledRule(r, conditions, actions, throttle, digest);
    }
}

/// <summary>The JSON form of the stored conditions, actions, throttle and digest (the wire DTOs, camelCase).</summary>
internal static class RuleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>The 14 MITRE ATT&amp;CK Enterprise tactics: Wazuh alerts carry their names, rules may name them by id.</summary>
internal static class MitreTactics
{
    private static readonly FrozenDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["TA0043"] = "Reconnaissance", ["TA0042"] = "Resource Development", ["TA0001"] = "Initial Access",
        ["TA0002"] = "Execution", ["TA0003"] = "Persistence", ["TA0004"] = "Privilege Escalation",
        ["TA0005"] = "Defense Evasion", ["TA0006"] = "Credential Access", ["TA0007"] = "Discovery",
        ["TA0008"] = "Lateral Movement", ["TA0009"] = "Collection", ["TA0011"] = "Command and Control",
        ["TA0010"] = "Exfiltration", ["TA0040"] = "Impact",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tactic's name for an id (<c>TA0006</c> → Credential Access); null for anything else.</summary>
    public static string? NameOf(string idOrName) => Names.GetValueOrDefault(idOrName.Trim());
}
