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
        L("PostgreSQL then gets `VACUUM ANALYZE`). The real `socme-core serve` answers; the harness sends each request sequentially,");
        L(string.Create(Inv, $"{runs[0].Inbox!.Queries[0].Requests} timed requests per row after {runs[0].Inbox!.Warmup} untimed ones, each timed client-side from the request sent to the whole answer read."));
        L();
        L("- **page** rows are the console itself: the harness signs in like a browser (`GET /account/sign-in` for the antiforgery");
        L("  cookie and the form's `__RequestVerificationToken`, `POST /account/sign-in` with the admin's email and password, a cookie");
        L("  container keeping `socme_session`; redirects are not followed, so a page that answers anything but 200 fails the run)");
        L("  and reads `GET /alerts` (the inbox's default: grouped, open, last 24 hours), `GET /alerts?view=flat` (open, any time),");
        L("  `GET /alerts?view=flat&client=…` and `GET /?range=24h` (the overview page) as whole HTML. A page costs the session");
        L("  check (one user lookup per request), the client and node lists (the filter and node names), the alert query and the Razor");
        L("  rendering. The core reports no server timing (no `Server-Timing` header; the core is not changed for the benchmark), so the");
        L("  **server time** of a page is not measured directly: the client-side time on loopback is an upper bound of it (it adds the");
        L("  loopback round trip, Kestrel's writing and the harness reading the HTML, a fraction of a millisecond for these sizes).");
        L("- **api** rows are the REST API with the admin's bearer token (answer read and parsed as JSON), what the console's scripts");
        L("  and other clients ask: status \"open\" (`new,acknowledged,in_progress,escalated`), 100 rows or groups; the grouped view's");
        L("  default range is the last 24 hours; and the two lists the inbox page reads besides its alerts (`/api/v1/clients`,");
        L("  `/api/v1/nodes`).");
        L();
        L("\"In scope\" counts the alerts the query has to consider (before paging); \"items\" are the rows or groups of the answer (pages:");
        L("table rows; the overview page: client tiles and newest alerts); \"KiB\" is the answer's size. The harness, the core and");
        L("PostgreSQL share the machine's 2 cores, which other sessions were using too (\"attempts\": a measurement disturbed by other work");
        L("is repeated, at most twice, while the waiting budget lasts). \"Other work\" is the share of the CPU time used on the machine during the");
        L("row's timed requests that went to processes other than the harness, the core and PostgreSQL: at 50 % the benchmark had about");
        L("half of the 2 cores, and its times (tails most) are longer than on a quiet machine.");
        L();
        L("| nproc | CPU | .NET | date | commit |");
        L("|---|---|---|---|---|");
        L($"| {m.Nproc} | {m.Cpu} | {m.DotNet} | {m.Date} | `{m.Commit}` |");
        L();
        L("| Goal | " + string.Join(" | ", runs.Select(r => PerformanceReport.Name(r.Provider))) + " |");
        L("|---|" + string.Concat(runs.Select(_ => "---|")));
        L(string.Create(Inv, $"| Inbox page (grouped and flat) p95 ≤ 100 ms at {rows:N0} alerts (worst page row, client-side) | ") + string.Join(" | ", runs.Select(r =>
            Judge(r.Inbox!.Queries.Where(IsInboxPage).ToList()))) + " |");
        L(string.Create(Inv, $"| API behind it: inbox first page (flat and grouped, 24 h) p95 ≤ 100 ms (worst) | ") + string.Join(" | ", runs.Select(r =>
            Judge(r.Inbox!.Queries.Where(q => q.Kind == "api" && q.Query.StartsWith("api/v1/alerts", StringComparison.Ordinal) && !q.Name.Contains("7 d", StringComparison.Ordinal)).ToList()))) + " |");
        L();
        L("| Database | kind | query | in scope | items | KiB | p50 ms | p95 ms | p99 ms | max ms | other work | attempts |");
        L("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in runs)
        {
            foreach (var q in r.Inbox!.Queries.OrderBy(q => q.Kind == "page" ? 0 : 1))
            {
                L(string.Create(Inv, $"| {PerformanceReport.Name(r.Provider)} | {q.Kind} | {q.Name} | {q.Matching:N0} | {q.Items} | {q.Bytes / 1024.0:0.0} | {q.P50Ms:0.0} | **{q.P95Ms:0.0}** | {q.P99Ms:0.0} | {q.MaxMs:0.0} | {Other(q)} | {q.Attempts} |"));
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

    private static string Other(ListQueryResult q) =>
        q.MachineCpuSeconds > 0 ? string.Create(Inv, $"{100 * q.OtherCpuSeconds / q.MachineCpuSeconds:0} %") : "?";

    private static bool IsInboxPage(ListQueryResult q) => q.Kind == "page" && q.Query.StartsWith("alerts", StringComparison.Ordinal);

    private static string Judge(List<ListQueryResult> rows)
    {
        if (rows.Count == 0)
        {
            return "not measured";
        }
        var worst = rows.MaxBy(q => q.P95Ms)!;
        return (worst.P95Ms <= InboxP95GoalMs ? "**met**" : "**not met**") + string.Create(Inv, $": p95 {worst.P95Ms:0.0} ms ({worst.Name})");
    }
}
