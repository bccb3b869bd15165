using System.Globalization;
using System.Text;

namespace Socme.Bench;

/// <summary>Renders the notification results (issue 5) as the <c>bench:notify</c> section of docs/performance.md.</summary>
internal static class NotifyReport
{
    public const string Start = "<!-- bench:notify:start -->";
    public const string End = "<!-- bench:notify:end -->";

    private const double RuleGoalUs = 20;
    private const double ThroughputGoal = 500;
    private const double LatencyGoalMs = 2000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<ProviderResults> results, string? totalSeconds)
    {
        var runs = results.Where(r => r.Notify is not null).ToList();
        var m = runs[0].Machine;
        var rules = runs[0].Notify!.Rules;
        var withDeliveries = runs.Where(r => r.Notify!.Deliveries is not null).ToList();
        var d0 = withDeliveries.FirstOrDefault()?.Notify!.Deliveries;
        var sb = new StringBuilder();
        void L(string line = "") => sb.Append(line).Append('\n');

        L("## Core: notification rules and deliveries (issue 5)");
        L();
        L(string.Create(Inv, $"_Written by `bench/run.sh` on {m.Date} at commit `{m.Commit}`{(totalSeconds is null ? "" : $" (the whole run took {double.Parse(totalSeconds, Inv) / 60:0.0} min)")}. The next run with the notify part replaces everything between the `bench:notify` markers._"));
        L();
        L("```sh");
        L("SOCME_BENCH_ONLY=notify bench/run.sh    # this part only (both databases); bench/run.sh alone runs it after ingest, list and inbox");
        L("SOCME_BENCH_ONLY=notify SOCME_BENCH_PROVIDERS=sqlite SOCME_BENCH_NOTIFY_RUNS=1 SOCME_BENCH_NOTIFY_SECONDS=15 bench/run.sh    # a quick look");
        L("```");
        L();
        L("Options (environment): `SOCME_BENCH_RULE_ALERTS` alerts the rules run over (default 12,000), `SOCME_BENCH_NOTIFY_ALERTS` alerts per");
        L("burst (5,000), `SOCME_BENCH_NOTIFY_RUNS` bursts per database (3, the median is reported), `SOCME_BENCH_NOTIFY_RATE` alerts/s of the");
        L("latency run (40) in requests of `SOCME_BENCH_NOTIFY_TRICKLE_BATCH` (4) for `SOCME_BENCH_NOTIFY_SECONDS` (45, after 5 s not counted);");
        L("`SOCME_BENCH_NOTIFY_DELIVERIES=0` runs only the rule evaluation. A benchmark, not a test: a goal not met is reported; the run fails");
        L("only when the system misbehaves (an alert not delivered, or delivered twice, an error answer).");
        L();
        L("**Rule evaluation** runs in the harness's process, without a database, as ingest calls it: `RuleSet.Evaluate(clientId, nodeId,");
        L(string.Create(Inv, $"row, now)` for every row. The alerts are {rules.Alerts:N0} corpus alerts (Wazuh {rules.Wazuh:N0}, Suricata {rules.Suricata:N0}; the {rules.CorpusLines:N0} corpus"));
        L("alert lines over and over, each with its own timestamp and Wazuh id), parsed to `IngestRow`s by the core's own parser and");
        L(string.Create(Inv, $"`IngestRow.From` before anything is timed. The {RuleBench.GoalRules} rules are stored rows (conditions and actions as JSON) compiled by"));
        L("`RuleSet.Compile`, each accepted by the API's `RuleValidation`; ten kinds in turn, 20 of each (" +
            string.Join(", ", rules.RuleKinds.Select(k => k.Key)) + "),");
        L("their values drawn from what the alerts carry, favouring the frequent ones (rule ids, groups, MITRE techniques — a third as the");
        L("parent id, so `T1110` also matches `T1110.001` — and tactics by id or name, words of descriptions and signatures), plus values");
        L("no alert has; the field expressions are non-backtracking regular expressions on `src_ip`, `dst_ip`, `rule.description`,");
        L("`signature`, `agent.name`, `dst_port`, `protocol`, `rule.groups`, `category`, `rule.id`, `mitre.techniques` and twice on `raw`");
        L("(the whole alert JSON). Most rules send to a channel, some add tags, some close the alert; none stops processing, so every");
        L(string.Create(Inv, $"rule is evaluated for every alert. {rules.GlobalRules} rules are global; the others belong to one client, either the alerts'"));
        L(string.Create(Inv, $"(every rule applies: the goal's case) or spread over {rules.Clients} clients. Subsets (the first 1, 50, 100 rules) show the cost per rule;"));
        L("the empty set is the floor (the loop over the rows and the client's rule list). Each row: warm-up passes over all the alerts");
        L(string.Create(Inv, $"(at least 5 and 2 s), then timed passes (at least 31 and 1.5 s: {rules.Rows.Min(x => x.Passes):N0} to {rules.Rows.Max(x => x.Passes):N0} per row); a pass's time divided by its alerts is one sample; the median, the p95"));
        L(string.Create(Inv, $"and the best of the samples are reported. {rules.RulesMatchingSomething} of the 200 rules match at least one alert."));
        L();
        L("**Deliveries** go through the real core (`socme-core serve` as a child process, on a fresh database). The harness runs a");
        L("webhook receiver (Kestrel on 127.0.0.1, answering 200 at once, recording each request's arrival time, `X-Socme-Delivery` and");
        L("alert); through the REST API it creates a client, a node (enrolled), a signed `webhook` channel of the client to the receiver");
        L("and one rule of the client matching every alert → that channel. The core runs with its defaults (`Notifications:DispatchInterval`");
        L("1 s, `MaxConcurrentSends` 16, `Lease` 2 min; ingest pokes the dispatcher of its own process) and, for the loopback receiver,");
        L(string.Create(Inv, $"`{d0?.CoreSettings ?? "Notify__AllowedHosts__0=127.0.0.1, Notify__AllowPlainHttp=true"}`. An untimed burst of {d0?.WarmupAlerts ?? 0:N0} alerts warms the path,"));
        L("then the harness waits until the core is idle (its JIT compiles optimised code for what it ran meanwhile).");
        L();
        L("- **Throughput**: a burst of alerts ingested as fast as one node sends them (gzip NDJSON, 500 alerts per request, one request");
        L("  after another; corpus alerts each with its own timestamp), then **deliveries/s from the first delivery to the last**, and from the");
        L("  first ingest request to the last delivery. Every alert must reach the receiver exactly once: as many requests as alerts, as");
        L("  many distinct delivery ids, every alert seen (by its timestamp), as many `delivered` rows in `notification_deliveries` and no other");
        L("  row; 1.5 s more are waited for repeats. The **receiver's limit** is measured in the same run, just after the burst: the harness");
        L("  posts the body of a real delivery to the same receiver with 16 concurrent clients (one connection pool each) for 3 s.");
        L("- **Latency**: alerts ingested at a steady rate in small requests on a fixed schedule; per alert, the receiver's arrival time");
        L("  minus the time the harness sent the ingest request that carried it (one clock, the harness's).");
        L();
        L("The harness, the core and PostgreSQL share the machine's 2 cores; \"other work\" is the share of the CPU time used during a");
        L("measurement by other processes (other sessions' builds and tests); a measurement with more than 10 % is repeated, at most twice.");
        L();
        L("| nproc | CPU | .NET | date | commit |");
        L("|---|---|---|---|---|");
        L($"| {m.Nproc} | {m.Cpu} | {m.DotNet} | {m.Date} | `{m.Commit}` |");
        L();

        // ---- goals
        L("| Goal | " + string.Join(" | ", runs.Select(r => PerformanceReport.Name(r.Provider))) + " |");
        L("|---|" + string.Concat(runs.Select(_ => "---|")));
        L("| Rule evaluation ≤ 20 µs per alert with 200 rules (median of passes; in process, no database) | " + string.Join(" | ", runs.Select(r =>
        {
            var row = r.Notify!.Rules.Rows.First(x => x.Rules == RuleBench.GoalRules && x.RulesApplying == RuleBench.GoalRules);
            return Verdict(row.MedianUs <= RuleGoalUs, string.Create(Inv, $"{row.MedianUs:0.00} µs (p95 of passes {row.P95Us:0.00})"));
        })) + " |");
        L("| ≥ 500 webhook deliveries/s to a local receiver (median of bursts, first → last delivery) | " + string.Join(" | ", runs.Select(r =>
            r.Notify!.Deliveries is { } d
                ? Verdict(MedianRate(d) >= ThroughputGoal, string.Create(Inv, $"{MedianRate(d):N0}/s ({100 * MedianRate(d) / Stats.Median(d.Throughput.Select(t => t.Limit.RequestsPerSecond)):0.0} % of the receiver's {Stats.Median(d.Throughput.Select(t => t.Limit.RequestsPerSecond)):N0}/s)"))
                : "not run")) + " |");
        L("| First delivery ≤ 2 s p99 after ingest | " + string.Join(" | ", runs.Select(r =>
            r.Notify!.Deliveries is { } d
                ? Verdict(d.Latency.P99Ms <= LatencyGoalMs, string.Create(Inv, $"p99 {d.Latency.P99Ms:N0} ms at {d.Latency.AlertsPerSecond:0} alerts/s"))
                : "not run")) + " |");
        L();

        // ---- rules
        L("Rule evaluation (µs per alert; \"applying\": the rules `RuleSet.For(client)` returns for the alerts' client):");
        L();
        L("| harness process | rule set | rules | applying | median µs | p95 µs | best µs | matches per alert | sends per alert | other work | attempts |");
        L("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            foreach (var row in r.Notify!.Rules.Rows.Where(x => !x.Name.StartsWith(RuleBench.KindPrefix, StringComparison.Ordinal)))
            {
                L(string.Create(Inv, $"| {PerformanceReport.Name(r.Provider)} run | {row.Name} | {row.Rules} | {row.RulesApplying} | **{row.MedianUs:0.000}** | {row.P95Us:0.000} | {row.MinUs:0.000} | {row.MatchesPerAlert:0.00} | {row.IntentsPerAlert:0.00} | {Share(row.OtherCpuSeconds, row.MachineCpuSeconds)} | {row.Attempts} |"));
            }
        }
        L();
        foreach (var r in runs)
        {
            var rows = r.Notify!.Rules.Rows;
            var floor = rows.First(x => x.Rules == 0).MedianUs;
            var full = rows.First(x => x.Rules == RuleBench.GoalRules && x.RulesApplying == RuleBench.GoalRules).MedianUs;
            L(string.Create(Inv, $"- {PerformanceReport.Name(r.Provider)} run: {(full - floor) * 1000 / RuleBench.GoalRules:0} ns per rule and alert on average ((200 rules − floor) / 200)."));
        }
        L();
        L("The 20 rules of each kind alone (all applying; µs per alert, median of passes):");
        L();
        L("| rule kind | " + string.Join(" | ", runs.Select(r => PerformanceReport.Name(r.Provider) + " run µs")) + " | matches per alert |");
        L("|---|" + string.Concat(runs.Select(_ => "---:|")) + "---:|");
        foreach (var row in rules.Rows.Where(x => x.Name.StartsWith(RuleBench.KindPrefix, StringComparison.Ordinal)))
        {
            L(string.Create(Inv, $"| {row.Name[RuleBench.KindPrefix.Length..]} | ") + string.Join(" | ", runs.Select(r =>
                r.Notify!.Rules.Rows.FirstOrDefault(x => x.Name == row.Name) is { } same ? same.MedianUs.ToString("0.000", Inv) : "–")) + string.Create(Inv, $" | {row.MatchesPerAlert:0.00} |"));
        }
        L();

        // ---- deliveries
        if (withDeliveries.Count > 0)
        {
            L("Throughput (each burst on the same core and database, one after another):");
            L();
            L("| Database | burst | alerts | ingest s | first delivery after | deliveries/s first → last | /s from first ingest | receiver limit req/s (p50 / p99 ms) | deliveries / limit | CPU s core / postgres / harness / other | CPU ms core per delivery | PostgreSQL commits per delivery | machine busy | attempts |");
            L("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in withDeliveries)
            {
                foreach (var t in r.Notify!.Deliveries!.Throughput)
                {
                    L(string.Create(Inv, $"| {PerformanceReport.Name(r.Provider)} | {t.Run} | {t.Alerts:N0} | {t.IngestSeconds:0.00} | {t.FirstDeliveryMs:N0} ms | **{t.DeliveriesPerSecond:N0}** | {t.PerSecondFromIngest:N0} | {t.Limit.RequestsPerSecond:N0} ({t.Limit.P50Ms:0.0} / {t.Limit.P99Ms:0.0}) | {100 * t.DeliveriesPerSecond / t.Limit.RequestsPerSecond:0.0} % | {t.CoreCpuSeconds:0.0} / {(r.Provider == "Postgres" ? t.PostgresCpuSeconds.ToString("0.0", Inv) : "–")} / {t.BenchCpuSeconds:0.0} / {t.OtherCpuSeconds:0.0} | {1000 * t.CoreCpuSeconds / t.Alerts:0.00} | {(t.CommitsPerDelivery is { } c ? c.ToString("0.00", Inv) : "–")} | {t.BusyPercent:0} % | {t.Attempts} |"));
                }
            }
            L();
            L("Latency, ingest request sent → delivery received:");
            L();
            L("| Database | alerts/s | alerts per request | timed s | alerts | p50 ms | p95 ms | p99 ms | max ms | ingest request p50 / p99 ms | CPU s core / postgres / other | attempts |");
            L("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in withDeliveries)
            {
                var l = r.Notify!.Deliveries!.Latency;
                L(string.Create(Inv, $"| {PerformanceReport.Name(r.Provider)} | {l.AlertsPerSecond:0} | {l.BatchSize} | {l.Seconds:0} | {l.Alerts:N0} | {l.P50Ms:N0} | {l.P95Ms:N0} | **{l.P99Ms:N0}** | {l.MaxMs:N0} | {l.IngestP50Ms:0.0} / {l.IngestP99Ms:0.0} | {l.CoreCpuSeconds:0.0} / {(r.Provider == "Postgres" ? l.PostgresCpuSeconds.ToString("0.0", Inv) : "–")} / {l.OtherCpuSeconds:0.0} | {l.Attempts} |"));
            }
            L();
            foreach (var r in withDeliveries)
            {
                L($"- {PerformanceReport.Name(r.Provider)}: {r.Database}");
            }
        }
        return sb.ToString();
    }

    private static double MedianRate(DeliveryResult d) => Stats.Median(d.Throughput.Select(t => t.DeliveriesPerSecond));

    private static string Share(double other, double machine) => machine > 0 ? string.Create(Inv, $"{100 * other / machine:0} %") : "?";

    private static string Verdict(bool met, string value) => (met ? "**met**: " : "**not met**: ") + value;
}
