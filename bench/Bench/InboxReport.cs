using System.Globalization;
using System.Text;

namespace Socme.Bench;

/// <summary>Renders the inbox results as the <c>bench:inbox</c> section of docs/performance.md.</summary>
internal static class InboxReport
{
    public const string Start = "<!-- bench:inbox:start -->";
    public const string End = "<!-- bench:inbox:end -->";

    private const double InboxP95GoalMs = 100;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<ProviderResults> results, string? totalSeconds)
    {
        var runs = results.Where(r => r.Inbox is not null).ToList();
        var m = runs[0].Machine;
        var rows = runs[0].Inbox!.Rows;
        var sb = new StringBuilder();
        void L(string line = "") => sb.Append(line).Append('\n');

        L("## Core: inbox and overview (issue 4)");
        L();
        L(string.Create(Inv, $"_Written by `bench/run.sh` on {m.Date} at commit `{m.Commit}`{(totalSeconds is null ? "" : $" (the whole run took {double.Parse(totalSeconds, Inv) / 60:0.0} min)")}. The next run with the inbox part replaces everything between the `bench:inbox` markers._"));
        L();
        L("```sh");
        L("SOCME_BENCH_ONLY=inbox bench/run.sh    # only this part (both databases); bench/run.sh alone runs it after ingest and list");
        L("```");
        L();
        L(string.Create(Inv, $"{rows:N0} alerts loaded by the raw method into a fresh migrated database, as for the alert list above (10 clients, 2 nodes"));
        L("each, times spread over the 30 days before the run, corpus alerts at random, 80 % `new`, 15 % `closed`, 5 % `acknowledged`;");
        L("PostgreSQL then gets `VACUUM ANALYZE`). The real `socme-core serve` answers; the harness sends each request sequentially with an");
        L(string.Create(Inv, $"admin token, {runs[0].Inbox!.Queries[0].Requests} timed requests per query after {runs[0].Inbox!.Warmup} untimed ones, and times it client-side (request sent → whole"));
        L("JSON answer read and parsed), so the times include HTTP on loopback and serialisation. The queries are what the console's inbox");
        L("page sends: status \"open\" (`new,acknowledged,in_progress,escalated`), 100 rows or groups; the grouped view's default range is");
        L("the last 24 hours. \"In scope\" counts the alerts the query has to consider (before paging). The harness, the core and");
        L("PostgreSQL share the machine's 2 cores, which other sessions were using too (\"attempts\": a measurement disturbed by other work");
        L("is repeated, at most twice).");
        L();
        L("| nproc | CPU | .NET | date | commit |");
        L("|---|---|---|---|---|");
        L($"| {m.Nproc} | {m.Cpu} | {m.DotNet} | {m.Date} | `{m.Commit}` |");
        L();
        L("| Goal | " + string.Join(" | ", runs.Select(r => PerformanceReport.Name(r.Provider))) + " |");
        L("|---|" + string.Concat(runs.Select(_ => "---|")));
        L(string.Create(Inv, $"| Inbox first page (flat and grouped, 24 h) p95 ≤ 100 ms at {rows:N0} alerts (worst) | ") + string.Join(" | ", runs.Select(r =>
        {
            var worst = r.Inbox!.Queries.Where(q => !q.Name.StartsWith("overview", StringComparison.Ordinal) && !q.Name.Contains("7 d", StringComparison.Ordinal)).Max(q => q.P95Ms);
            return (worst <= InboxP95GoalMs ? "**met**" : "**not met**") + string.Create(Inv, $": p95 {worst:0.0} ms");
        })) + " |");
        L();
        L("| Database | query | in scope | items | p50 ms | p95 ms | p99 ms | max ms | attempts |");
        L("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            foreach (var q in r.Inbox!.Queries)
            {
                L(string.Create(Inv, $"| {PerformanceReport.Name(r.Provider)} | {q.Name} | {q.Matching:N0} | {q.Items} | {q.P50Ms:0.0} | **{q.P95Ms:0.0}** | {q.P99Ms:0.0} | {q.MaxMs:0.0} | {q.Attempts} |"));
            }
        }
        L();
        foreach (var r in runs)
        {
            var i = r.Inbox!;
            L(string.Create(Inv, $"- {PerformanceReport.Name(r.Provider)}: {i.AlertsLast24h:N0} alerts in the last 24 h, {i.AlertsLast7d:N0} in 7 days; loaded by {i.LoadMethod} in {i.LoadSeconds:0.0} s{(i.AnalyzeSeconds > 0 ? $" (VACUUM ANALYZE {i.AnalyzeSeconds:0.0} s)" : "")}; database size {i.DatabaseBytes / 1073741824.0:0.00} GiB."));
        }
        return sb.ToString();
    }
}
