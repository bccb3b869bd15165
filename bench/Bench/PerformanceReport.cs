using System.Globalization;
using System.Text;

namespace Socme.Bench;

/// <summary>Renders the results as the marked section of docs/performance.md (the rest of the file is kept).</summary>
internal static class PerformanceReport
{
    public const string Start = "<!-- bench:core:start -->";
    public const string End = "<!-- bench:core:end -->";

    private const double IngestGoal = 20_000;
    private const double RatioGoal = 0.5;
    private const double ListP99GoalMs = 50;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Replaces the text between <paramref name="start"/> and <paramref name="end"/> (default: the core section's markers), or appends it.</summary>
    public static void WriteSection(string path, string section, string start = Start, string end = End)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Performance\n\nBenchmarks of SOCme. Each section is written by the script named in it.\n\n";
        var block = start + "\n" + section.TrimEnd() + "\n" + end;
        var s = text.IndexOf(start, StringComparison.Ordinal);
        var e = text.IndexOf(end, StringComparison.Ordinal);
        text = s >= 0 && e > s
            ? text[..s] + block + text[(e + end.Length)..]
            : text.TrimEnd() + "\n\n" + block + "\n";
        if (!text.EndsWith('\n'))
        {
            text += "\n";
        }
        File.WriteAllText(path, text);
    }

    public static string Render(IReadOnlyList<ProviderResults> results, string? totalSeconds)
    {
        var m = results[0].Machine;
        var sb = new StringBuilder();
        void L(string line = "") => sb.Append(line).Append('\n');
        var w = results.Select(r => r.Workload).FirstOrDefault(x => x is not null);
        var runs = results[0].Runs;
        var listRows = results.Select(r => r.List?.Rows).FirstOrDefault(x => x is not null) ?? 0;

        L("## Core: ingest and alert list");
        L();
        L(string.Create(Inv, $"_Written by `bench/run.sh` on {m.Date} at commit `{m.Commit}`{(totalSeconds is null ? "" : $" (the whole run took {double.Parse(totalSeconds, Inv) / 60:0.0} min)")}. The next run replaces everything between the `bench:core` markers._"));
        L();
        L("### How to run");
        L();
        L("```sh");
        L("bench/run.sh    # builds Release, starts a throwaway PostgreSQL, runs SQLite then PostgreSQL, rewrites this section");
        L("SOCME_BENCH_ALERTS=50000 SOCME_BENCH_RUNS=1 SOCME_BENCH_LIST_ROWS=100000 bench/run.sh    # a quick smoke run");
        L("```");
        L();
        L("Options (environment): `SOCME_BENCH_ALERTS` alerts per timed ingest run (default 200,000), `SOCME_BENCH_RUNS` ingest runs per");
        L("database, the median is reported (default 3), `SOCME_BENCH_LIST_ROWS` alerts stored for the list query (default 1,000,000),");
        L("`SOCME_BENCH_PG_DURABLE` (default 1: PostgreSQL with `fsync`, `synchronous_commit` and `full_page_writes` on, as in production;");
        L("0 keeps the test cluster's non-durable settings), `SOCME_BENCH_PG` an existing server to use instead of the throwaway cluster.");
        L("This is a benchmark, not a test: it reports what it measures and fails only when the system under test misbehaves (an alert");
        L("not accepted, a wrong row count, an error answer). The harness is `bench/Bench` (assembly `Socme.Bench`).");
        L();
        L("### What is measured");
        L();
        L("- **Ingest through HTTP.** The real deployable, `socme-core serve`, runs as a child process (`Logging:LogLevel:Default=Warning`)");
        L("  on a fresh database (`migrate`, `create-admin`, then `serve`). Through `SocmeClient` the harness creates a client and");
        L(string.Create(Inv, $"  {w?.Nodes ?? 8} nodes and enrols them; then {w?.Nodes ?? 8} concurrent node clients (one HTTP connection pool each) post"));
        L(string.Create(Inv, $"  {w?.BatchSize ?? 500}-alert NDJSON batches, gzip-compressed like the node agent, to `POST /api/v1/ingest/alerts`, each node its"));
        L("  batches one after another. The bodies are built before the clock starts from the shared corpus (Wazuh `alerts.json` lines with");
        L("  a unique `id`, Suricata `event_type: alert` lines; every alert gets a new `timestamp`, so each is unique), with the key a node");
        L(string.Create(Inv, $"  sends. Each node first sends {(w is null ? 2 : w.WarmupAlerts / w.Nodes / w.BatchSize)} untimed warm-up batches. **Sustained alerts/s = alerts accepted / wall time** from"));
        L("  the first request to the last answer; the run fails unless every alert is accepted and the table holds exactly the alerts sent.");
        L("- **The raw limit, same run, same rows.** The same alerts (the same normalised values, parsed by `Socme.Alerts.AlertParser` and");
        L("  fitted to the columns by the core's own `IngestRow`) inserted into a fresh database created by `socme-core migrate` (same");
        L("  table, same indexes) by the database's fastest method, single writer, values prepared before the clock starts, with the");
        L("  core's own statements: SQLite, one connection, WAL, `synchronous=NORMAL` and the core's checkpoint interval, the core's");
        L("  prepared `INSERT` (`SqliteAlertInsert`) without `ON CONFLICT` and without foreign-key checks, one transaction for all rows");
        L("  (the core commits several batches at once; one transaction per 500 rows, a commit per batch, is shown beside it);");
        L("  PostgreSQL, the core's binary `COPY` (`PostgresAlertCopy`), the faster of one stream and two in parallel. The limit of a run");
        L("  is its fastest method. **HTTP / limit** is the ratio of the two rates in the same run; the median of the runs is reported.");
        L(string.Create(Inv, $"- **Alert list.** {listRows:N0} alerts loaded by the raw method into a fresh migrated database (10 clients with 2 nodes each,"));
        L("  alert times spread over 30 days in arrival order, corpus alerts drawn at random for source, level and fields, 80 % `new`,");
        L("  15 % `closed`, 5 % `acknowledged`; PostgreSQL then gets `VACUUM ANALYZE`, as autovacuum would; SQLite gets nothing, as the");
        L("  core runs no `ANALYZE`). Then the core serves it and the harness times `GET /api/v1/alerts` with an admin token, sequentially,");
        L(string.Create(Inv, $"  {results.Select(r => r.List?.Queries.FirstOrDefault()?.Requests).FirstOrDefault(x => x is not null) ?? 300} requests per query after 30 untimed ones, client-side (request sent → whole JSON page read)."));
        L("- **Caveats.** The load generator, the core and PostgreSQL share the same 2 cores, so the core gets less than the whole");
        L("  machine, while the raw limit runs alone (the harness only feeds it). CPU times come from /proc: the core process, every");
        L("  `postgres` process, the harness, and other user processes (\"other\"; kernel threads and interrupts, which our own I/O");
        L("  causes, are not counted as other). The machine may be shared with other work (here: other sessions' builds and tests): before");
        L("  each timed part the harness waits (at most 60 s) until it is less than 15 % busy; a measurement during which other work");
        L("  used more than 10 % of the CPU time is repeated (at most twice, the last attempt is kept); the tables show what else ran.");
        L("  Numbers from one run to the next vary by 10 to 20 % here. The data folders and databases are deleted after each step.");
        L();
        L("### Machine");
        L();
        L("| nproc | CPU | memory | OS | kernel | .NET | date | commit |");
        L("|---|---|---|---|---|---|---|---|");
        L($"| {m.Nproc} | {m.Cpu} | {m.Memory} | {m.Os} | {m.Kernel} | {m.DotNet} | {m.Date} | `{m.Commit}` |");
        L();
        foreach (var r in results)
        {
            L($"- {Name(r.Provider)}: {r.Database}");
        }
        if (w is not null)
        {
            L(string.Create(Inv, $"- Ingest workload per run: {w.TimedAlerts:N0} timed alerts (+ {w.WarmupAlerts:N0} warm-up), Wazuh {w.Wazuh:N0} / Suricata {w.Suricata:N0} in all, from {w.CorpusLines:N0} corpus lines; {w.UncompressedBytes / (double)(w.TimedAlerts + w.WarmupAlerts):N0} bytes of NDJSON per alert, gzip ratio {w.UncompressedBytes / (double)w.CompressedBytes:0.0}:1."));
        }
        L();

        // ---- goals
        L("### Goals");
        L();
        L("| Goal | " + string.Join(" | ", results.Select(r => Name(r.Provider))) + " |");
        L("|---|" + string.Concat(results.Select(_ => "---|")));
        if (results.Any(r => r.Ingest is { Count: > 0 }))
        {
            L("| Ingest ≥ 20,000 alerts/s sustained (median) | " + string.Join(" | ", results.Select(r => r.Ingest is { Count: > 0 } i
                ? Verdict(MedianHttp(i) >= IngestGoal, string.Create(Inv, $"{MedianHttp(i):N0}/s")) : "not run")) + " |");
            L("| Ingest ≥ 50 % of the raw limit (median) | " + string.Join(" | ", results.Select(r => r.Ingest is { Count: > 0 } i
                ? Verdict(MedianRatio(i) >= RatioGoal, string.Create(Inv, $"{MedianRatio(i):P0} of {MedianRaw(i):N0}/s ({string.Join(", ", i.Select(x => x.Limit.Method).Distinct())})")) : "not run")) + " |");
        }
        if (results.Any(r => r.List is not null))
        {
            L(string.Create(Inv, $"| List query p99 ≤ 50 ms at {listRows:N0} alerts (worst of the queries below) | ") + string.Join(" | ", results.Select(r => r.List is { } l
                ? Verdict(l.Queries.Max(q => q.P99Ms) <= ListP99GoalMs, string.Create(Inv, $"p99 {l.Queries.Max(q => q.P99Ms):0.0} ms")) : "not run")) + " |");
        }
        L();

        // ---- ingest
        if (results.Any(r => r.Ingest is { Count: > 0 }))
        {
            L(string.Create(Inv, $"### Ingest (median of {runs} run{(runs == 1 ? "" : "s")})"));
            L();
            L("| Database | HTTP alerts/s | raw limit rows/s | HTTP / limit | batch latency p50 / p99 | CPU s per 10,000 alerts: core / postgres | machine busy |");
            L("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in results.Where(r => r.Ingest is { Count: > 0 }))
            {
                var i = r.Ingest!;
                L(string.Create(Inv, $"| {Name(r.Provider)} | **{MedianHttp(i):N0}** | {MedianRaw(i):N0} | **{MedianRatio(i):P0}** | {Stats.Median(i.Select(x => x.Http.BatchP50Ms)):0} / {Stats.Median(i.Select(x => x.Http.BatchP99Ms)):0} ms | {Stats.Median(i.Select(x => x.Http.CoreCpuSeconds / x.Http.Accepted * 10_000)):0.00} / {(r.Provider == "Postgres" ? Stats.Median(i.Select(x => x.Http.PostgresCpuSeconds / x.Http.Accepted * 10_000)).ToString("0.00", Inv) : "–")} | {Stats.Median(i.Select(x => x.Http.MachineBusyPercent)):0} % |"));
            }
            L();
            L("Raw methods (the limit of a run is its fastest method):");
            L();
            L("| Database | raw method | median rows/s | postgres CPU s per 10,000 rows | HTTP / method (median) |");
            L("|---|---|---:|---:|---:|");
            foreach (var r in results.Where(r => r.Ingest is { Count: > 0 }))
            {
                foreach (var method in r.Ingest!.SelectMany(x => x.RawMethods).Select(m => m.Method).Distinct())
                {
                    var ms = r.Ingest!.Select(x => (x.Http, M: x.RawMethods.First(m => m.Method == method))).ToList();
                    L(string.Create(Inv, $"| {Name(r.Provider)} | {Describe(method)} | {Stats.Median(ms.Select(x => x.M.AlertsPerSecond)):N0} | {(r.Provider == "Postgres" ? Stats.Median(ms.Select(x => x.M.PostgresCpuSeconds / x.M.Rows * 10_000)).ToString("0.00", Inv) : "–")} | {Stats.Median(ms.Select(x => x.Http.AlertsPerSecond / x.M.AlertsPerSecond)):P0} |"));
                }
            }
            L();
            L("Every run (CPU seconds during the timed part; \"other\" is other user processes on the machine; \"before\" is how busy the machine was in the second before the clock started):");
            L();
            L("| Database | run | alerts | HTTP s | HTTP alerts/s | 429 retries | limit method | limit rows/s | HTTP / limit | CPU s core / postgres / bench / other | busy before | attempts HTTP / raw |");
            L("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
            foreach (var r in results.Where(r => r.Ingest is { Count: > 0 }))
            {
                foreach (var x in r.Ingest!)
                {
                    var h = x.Http;
                    L(string.Create(Inv, $"| {Name(r.Provider)} | {x.Run} | {h.Accepted:N0} | {h.Seconds:0.00} | {h.AlertsPerSecond:N0} | {h.Retries429} | {x.Limit.Method} | {x.Limit.AlertsPerSecond:N0} | {h.AlertsPerSecond / x.Limit.AlertsPerSecond:P0} | {h.CoreCpuSeconds:0.0} / {(r.Provider == "Postgres" ? h.PostgresCpuSeconds.ToString("0.0", Inv) : "–")} / {h.BenchCpuSeconds:0.0} / {h.OtherCpuSeconds:0.0} | {h.BackgroundBusyPercent:0} % | {h.Attempts} / {string.Join(", ", x.RawMethods.Select(m => m.Attempts))} |"));
                }
            }
            L();
        }

        // ---- list
        if (results.Any(r => r.List is not null))
        {
            L(string.Create(Inv, $"### Alert list at {listRows:N0} alerts"));
            L();
            L("| Database | query (`GET /api/v1/alerts?…`, `limit=50`) | matching alerts | p50 ms | p95 ms | p99 ms | max ms | attempts |");
            L("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in results.Where(r => r.List is not null))
            {
                foreach (var q in r.List!.Queries)
                {
                    L(string.Create(Inv, $"| {Name(r.Provider)} | {q.Name} | {q.Matching:N0} | {q.P50Ms:0.0} | {q.P95Ms:0.0} | **{q.P99Ms:0.0}** | {q.MaxMs:0.0} | {q.Attempts} |"));
                }
            }
            L();
            foreach (var r in results.Where(r => r.List is not null))
            {
                var l = r.List!;
                L(string.Create(Inv, $"- {Name(r.Provider)}: loaded by {l.LoadMethod} in {l.LoadSeconds:0.0} s ({l.LoadRowsPerSecond:N0} rows/s{(l.AnalyzeSeconds > 0 ? $"; VACUUM ANALYZE {l.AnalyzeSeconds:0.0} s" : "")}); database size {l.DatabaseBytes / 1073741824.0:0.00} GiB."));
            }
            L();
        }
        return sb.ToString();
    }

    public static string Name(string provider) => provider switch
    {
        "Sqlite" => "SQLite",
        "Postgres" => "PostgreSQL",
        _ => provider,
    };

    private static string Describe(string method) => method switch
    {
        "sqlite-tx500" => "`sqlite-tx500`: prepared INSERT, one transaction per 500 rows (a commit per batch)",
        "sqlite-tx1" => "`sqlite-tx1`: prepared INSERT, one transaction for all rows",
        "pg-copy" => "`pg-copy`: one binary COPY stream",
        "pg-copy-x2" => "`pg-copy-x2`: two binary COPY streams in parallel",
        _ => method,
    };

    private static string Verdict(bool met, string value) => met ? $"{value} — **met**" : $"{value} — **not met**";

    private static double MedianHttp(List<IngestRunResult> i) => Stats.Median(i.Select(x => x.Http.AlertsPerSecond));

    private static double MedianRaw(List<IngestRunResult> i) => Stats.Median(i.Select(x => x.Limit.AlertsPerSecond));

    private static double MedianRatio(List<IngestRunResult> i) => Stats.Median(i.Select(x => x.Http.AlertsPerSecond / x.Limit.AlertsPerSecond));
}
