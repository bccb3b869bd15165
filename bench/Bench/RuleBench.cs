using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Ingest;
using Socme.Core.Features.Notifications;

namespace Socme.Bench;

/// <summary>One rule set timed over every alert: µs per alert of each timed pass (median, p95, best), matches per alert.</summary>
internal sealed record RuleEvalRow(string Name, int Rules, int RulesApplying, int Passes, double MedianUs, double P95Us, double MinUs,
    double MatchesPerAlert, double IntentsPerAlert, double OtherCpuSeconds, double MachineCpuSeconds, int Attempts = 1);

internal sealed record RuleBenchResult(int Alerts, int Wazuh, int Suricata, int CorpusLines, int Clients, Dictionary<string, int> RuleKinds,
    int GlobalRules, int RulesMatchingSomething, int WarmupPasses, List<RuleEvalRow> Rows);

/// <summary>
/// Rule evaluation in process, as ingest calls it (<c>RuleSet.Evaluate(clientId, nodeId, row, now)</c> for every row of a
/// batch), with no database: 200 rules of the kinds the API accepts, their values drawn from the corpus (rule ids, groups,
/// MITRE techniques and tactics, words of descriptions and signatures, a regular expression on a field), compiled from
/// stored rows by <c>RuleSet.Compile</c>; 12,000 corpus alerts parsed to <c>IngestRow</c>s before anything is timed.
/// </summary>
internal static class RuleBench
{
    public const int GoalRules = 200;

    /// <summary>The name of a row timing the rules of one kind alone.</summary>
    public const string KindPrefix = "kind: ";

    private static readonly ParseOptions ParseOptions = new() { SuricataAnomalyIsAlert = true };

    public static async Task<RuleBenchResult> RunAsync(IReadOnlyList<CorpusLine> corpus, int alertCount, string tag)
    {
        var rows = Alerts(corpus, alertCount);
        var wazuh = rows.Count(r => r.Source == AlertSource.Wazuh);
        Log.Info($"[{tag}] rules: {rows.Count:N0} alerts parsed (Wazuh {wazuh:N0}, Suricata {rows.Count - wazuh:N0})");
        var clients = Enumerable.Range(0, 10).Select(i => new Guid(i + 1, 0, 0, new byte[8])).ToArray();
        var client0 = clients[0];
        var nodes = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var (stored, kinds) = Rules(rows, GoalRules, nodes, now);
        // Scoped: 40 % global, the rest of client 0 (every rule applies to its alerts) or spread over 10 clients.
        var allApply = stored.Select((r, i) => Scoped(r, IsGlobal(i) ? null : client0)).ToList();
        var spread = stored.Select((r, i) => Scoped(r, IsGlobal(i) ? null : clients[i / 5 % clients.Length])).ToList();
        var invalid = new List<string>();
        RuleSet Compile(IEnumerable<NotificationRule> rs) => RuleSet.Compile(rs, (r, e) => invalid.Add($"{r.Name}: {e.Message}"));
        var sets = new List<(string Name, RuleSet Set)>
        {
            ("no rules (the floor: the loop, the client's rule list)", Compile([])),
            ("1 rule", Compile(allApply.Take(1))),
            ("50 rules", Compile(allApply.Take(50))),
            ("100 rules", Compile(allApply.Take(100))),
            ("200 rules, all applying to the alert's client (80 global + 120 of the client)", Compile(allApply)),
            ("200 rules over 10 clients (80 global + 12 per client)", Compile(spread)),
        };
        // Where the time goes: the 20 rules of each kind alone (all applying).
        var kindNames = kinds.Keys.ToList();
        for (var k = 0; k < kindNames.Count; k++)
        {
            var kind = k;
            sets.Add((KindPrefix + kindNames[k], Compile(allApply.Where((_, i) => i % kindNames.Count == kind))));
        }
        if (invalid.Count > 0)
        {
            throw new InvalidOperationException($"{invalid.Count} generated rule(s) do not compile: {invalid[0]}");
        }
        var full = sets[4].Set;
        var matchedOnce = new HashSet<Guid>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (full.Evaluate(client0, nodes[i % 2], rows[i], now) is { } o)
            {
                matchedOnce.UnionWith(o.Matched);
            }
        }
        var result = new List<RuleEvalRow>();
        var warmup = 0;
        foreach (var (name, set) in sets)
        {
            var row = await Disturbance.RetryAsync(() => Task.FromResult(Time(name, set, rows, client0, nodes, now, out warmup)),
                r => (r.OtherCpuSeconds, r.MachineCpuSeconds), (r, n) => r with { Attempts = n });
            result.Add(row);
            Log.Info($"[{tag}] rules '{name}': {row.MedianUs:0.000} µs per alert (p95 of passes {row.P95Us:0.000}, best {row.MinUs:0.000}; {row.Passes} passes), {row.MatchesPerAlert:0.00} matches per alert");
        }
        return new RuleBenchResult(rows.Count, wazuh, rows.Count - wazuh, corpus.Count, clients.Length, kinds, Enumerable.Range(0, stored.Count).Count(IsGlobal),
            matchedOnce.Count, warmup, result);
    }

    private static bool IsGlobal(int i) => i % 5 < 2;

    private static NotificationRule Scoped(NotificationRule r, Guid? client) => new()
    {
        Id = r.Id, ClientId = client, Name = r.Name, Position = r.Position, Enabled = true, StopProcessing = false,
        ConditionsJson = r.ConditionsJson, ActionsJson = r.ActionsJson, ExpiresMs = r.ExpiresMs,
    };

    /// <summary>
    /// Warm-up passes (at least 5 and 2 s, so the JIT has tiered up), then timed passes over every alert (at least 31 and
    /// 1.5 s, so the CPU counters of /proc, in 1/100 s, can tell whether other work ran meanwhile); a pass's time divided by
    /// the alerts is one sample.
    /// </summary>
    private static RuleEvalRow Time(string name, RuleSet set, List<IngestRow> rows, Guid client, Guid[] nodes, long now, out int warmupPasses)
    {
        const int MinPasses = 31;
        var warm = Stopwatch.StartNew();
        warmupPasses = 0;
        while (warmupPasses < 5 || warm.Elapsed < TimeSpan.FromSeconds(2))
        {
            Pass(set, rows, client, nodes, now, out _, out _);
            warmupPasses++;
        }
        var samples = new List<double>(MinPasses);
        long matches = 0, intents = 0;
        var machine0 = CpuStat.Read();
        var own0 = Process.GetCurrentProcess().TotalProcessorTime;
        var timed = Stopwatch.StartNew();
        while (samples.Count < MinPasses || timed.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            var started = Stopwatch.GetTimestamp();
            Pass(set, rows, client, nodes, now, out var m, out var n);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds / rows.Count);
            matches += m;
            intents += n;
        }
        var machine1 = CpuStat.Read();
        var own = (Process.GetCurrentProcess().TotalProcessorTime - own0).TotalSeconds;
        samples.Sort();
        return new RuleEvalRow(name, set.Count, set.For(client).Count, samples.Count, Stats.Percentile(samples, 50), Stats.Percentile(samples, 95), samples[0],
            matches / (double)samples.Count / rows.Count, intents / (double)samples.Count / rows.Count,
            Math.Max(0, CpuStat.ProcessSeconds(machine0, machine1) - own), CpuStat.Seconds(machine0, machine1));
    }

    private static void Pass(RuleSet set, List<IngestRow> rows, Guid client, Guid[] nodes, long now, out long matches, out long intents)
    {
        matches = 0;
        intents = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (set.Evaluate(client, nodes[i & 1], rows[i], now) is { } o)
            {
                matches += o.Matched.Count;
                intents += o.Intents.Count;
            }
        }
    }

    /// <summary>The corpus, over and over, each line with its own timestamp and Wazuh id, parsed as ingest parses it.</summary>
    private static List<IngestRow> Alerts(IReadOnlyList<CorpusLine> corpus, int count)
    {
        var start = TimeProvider.System.GetUtcNow().AddHours(-1);
        var epoch = start.ToUnixTimeSeconds();
        var rows = new IngestRow[count];
        Parallel.For(0, count, i =>
        {
            var template = corpus[i % corpus.Count];
            var line = IngestWorkload.Rewrite(template, start.AddMilliseconds(i), template.Source == AlertSource.Wazuh ? $"{epoch}.{i}" : null);
            var bytes = Encoding.UTF8.GetBytes(line);
            var parsed = AlertParser.Parse(template.Source, bytes, ParseOptions);
            var alert = parsed.Alert ?? throw new InvalidOperationException($"A corpus line does not parse: {parsed.ErrorMessage}");
            rows[i] = IngestRow.From(alert, AlertParser.StableKey(template.Source, bytes));
        });
        return rows.ToList();
    }

    /// <summary>
    /// <paramref name="count"/> rules, ten kinds in turn (so every prefix of the list has the same mix), values drawn from
    /// what the alerts carry, weighted towards the frequent ones as a SOC's rules would be, with some values no alert has.
    /// </summary>
    private static (List<NotificationRule> Rules, Dictionary<string, int> Kinds) Rules(List<IngestRow> rows, int count, Guid[] nodes, long now)
    {
#pragma warning disable CA5394 // a seeded, reproducible mix, not security
        var rng = new Random(5);
        List<string> Top(Func<IngestRow, IEnumerable<string>> values, int n) => rows.SelectMany(values).GroupBy(v => v, StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(n).Select(g => g.Key).ToList();
        static IEnumerable<string> Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var ruleIds = Top(r => r.RuleId is null ? [] : [r.RuleId], 80);
        var groups = Top(r => Split(r.RuleGroups), 50);
        var techniques = Top(r => Split(r.MitreTechniques), 40);
        var tactics = Top(r => Split(r.MitreTactics), 14);
        var words = Top(r => $"{r.RuleDescription} {r.Signature}".Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('.', ',', ':', '(', ')', '"', '\'')).Where(w => w.Length >= 5 && w.All(char.IsAsciiLetter)), 60);
        var tacticIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Reconnaissance"] = "TA0043", ["Initial Access"] = "TA0001", ["Execution"] = "TA0002", ["Persistence"] = "TA0003",
            ["Privilege Escalation"] = "TA0004", ["Defense Evasion"] = "TA0005", ["Credential Access"] = "TA0006", ["Discovery"] = "TA0007",
            ["Lateral Movement"] = "TA0008", ["Collection"] = "TA0009", ["Command and Control"] = "TA0011", ["Exfiltration"] = "TA0010", ["Impact"] = "TA0040",
        };
        string[] patterns =
        [
            "src_ip|^10\\.", "src_ip|^192\\.168\\.[0-9]+\\.", "dst_ip|^(172\\.(1[6-9]|2[0-9]|3[01])|10)\\.", "rule.description|(brute|fail|invalid|denied)",
            "signature|^ET (SCAN|POLICY|TROJAN|MALWARE)", "agent.name|^(web|db|ubuntu|centos)", "dst_port|^(22|23|445|3389|5900)$", "protocol|^(TCP|UDP)$",
            "rule.groups|,(sshd|authentication_failed|invalid_login),", "category|(attempted|trojan|policy)", "rule.id|^5[0-9]{3}$",
            "mitre.techniques|,T1(078|110|190),", "raw|\"dstuser\":\"root\"", "raw|\"http_method\":\"POST\"",
        ];
        string[] bands = ["low", "medium", "high", "critical"];
        string[] kindNames = ["rule ids", "rule groups", "MITRE techniques", "MITRE tactics", "level/band/source", "text", "field regex",
            "groups + level + source", "source + text + level", "nodes + band"];
        T Pick<T>(IReadOnlyList<T> list) => list[(int)(list.Count * Math.Pow(rng.NextDouble(), 2))];
        List<string> Several(IReadOnlyList<string> list, int max) => Enumerable.Range(0, rng.Next(1, max + 1)).Select(_ => Pick(list)).Distinct().ToList();
        var channel = Guid.NewGuid();
        var rules = new List<NotificationRule>(count);
        var kinds = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var kind = i % kindNames.Length;
            kinds[kindNames[kind]] = kinds.GetValueOrDefault(kindNames[kind]) + 1;
            RuleConditions c = kind switch
            {
                0 => new(RuleIds: Several(ruleIds, 4).Append(rng.Next(3) == 0 ? "999" + i.ToString(CultureInfo.InvariantCulture) : null).OfType<string>().ToList(),
                    MinLevel: rng.Next(3) == 0 ? rng.Next(3, 10) : null),
                1 => new(RuleGroups: Several(groups, 3), Bands: rng.Next(2) == 0 ? [bands[rng.Next(1, 4)], "critical"] : null),
                2 => new(MitreTechniques: Several(techniques, 3).Select(t => rng.Next(3) == 0 ? t.Split('.')[0] : t).ToList()),
                3 => new(MitreTactics: Several(tactics, 2).Select(t => rng.Next(2) == 0 && tacticIds.TryGetValue(t, out var id) ? id : t).ToList()),
                4 => new(MinLevel: rng.Next(3, 14), Bands: [bands[rng.Next(4)]], Sources: [rng.Next(2) == 0 ? "wazuh" : "suricata"]),
                5 => new(Text: Pick(words)),
                6 => new(Field: Field(patterns[(i / kindNames.Length) % patterns.Length])),
                7 => new(RuleGroups: Several(groups, 2), MinLevel: rng.Next(5, 12), Sources: ["wazuh"]),
                8 => new(Sources: ["suricata"], Text: Pick(words), MinLevel: rng.Next(1, 8)),
                _ => new(NodeIds: rng.Next(2) == 0 ? [nodes[0]] : [nodes[1], Guid.NewGuid()], Bands: ["high", "critical"]),
            };
            // Most rules send; some tag, some close (suppressions), a few expire in a week.
            var roll = rng.Next(20);
            RuleActions a = roll switch
            {
                < 14 => new(Channels: [channel]),
                < 17 => new(Channels: [channel], AddTags: ["bench", "k" + kind.ToString(CultureInfo.InvariantCulture)]),
                < 19 => new(AddTags: ["triage"]),
                _ => new(SetStatus: "closed", Verdict: "benign", Reason: "Known noise"),
            };
            // What the API would accept (422 otherwise).
            RuleValidation.Validate($"bench {i}", c, a, null, null);
            rules.Add(new NotificationRule
            {
                Id = Guid.NewGuid(),
                Name = $"bench {kindNames[kind]} {i}",
                Position = (i + 1) * 10,
                Enabled = true,
                ConditionsJson = JsonSerializer.Serialize(c, RuleJson.Options),
                ActionsJson = JsonSerializer.Serialize(a, RuleJson.Options),
                ExpiresMs = rng.Next(10) == 0 ? now + 7 * 86_400_000L : null,
            });
        }
#pragma warning restore CA5394
        return (rules, kinds);

        static RuleFieldMatch Field(string spec)
        {
            var parts = spec.Split('|', 2);
            return new RuleFieldMatch(parts[0], parts[1]);
        }
    }
}
