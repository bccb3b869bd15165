using System.Globalization;

namespace Socme.Bench;

internal sealed record InboxResult(int Rows, int Clients, int Warmup, string LoadMethod, double LoadSeconds, double AnalyzeSeconds, long DatabaseBytes,
    long AlertsLast24h, long AlertsLast7d, List<ListQueryResult> Queries);

/// <summary>
/// What the console's inbox and overview cost (issue 4: the inbox page in ≤ 100 ms p95 at 1,000,000 alerts), over the same
/// stored alerts as the list benchmark. The REST API with an admin token: the flat first page, the grouped first page (the
/// default last 24 hours, and 7 days), for every client and for one, the overview of 24 hours and 7 days, and the client
/// and node lists the inbox page also reads. Then the pages themselves, signed in through the console like a browser:
/// the inbox grouped (default) and flat, for every client and for one, and the overview page.
/// </summary>
internal sealed class InboxBench(BenchConfig config, Provider provider, PostgresServer? pg)
{
    /// <summary>The statuses the console's "open" filter sends (everything but closed).</summary>
    private const string Open = "new,acknowledged,in_progress,escalated";

    public async Task<InboxResult> RunAsync(IReadOnlyList<CorpusLine> corpus)
    {
        var name = provider.ToString().ToLowerInvariant();
        await using var store = await StoredAlerts.LoadAsync(config, provider, pg, corpus, "inbox");
        var target = store.Target;
        var client0 = store.Tenants[0].ClientId;
        var nowMs = store.Now.ToUnixTimeMilliseconds();
        var day = await RawInsert.CountAsync(target, $"SELECT COUNT(*) FROM alerts WHERE time_ms >= {nowMs - 86_400_000L}");
        var week = await RawInsert.CountAsync(target, $"SELECT COUNT(*) FROM alerts WHERE time_ms >= {nowMs - 7 * 86_400_000L}");
        var open = "status <> 4";
        var oneClient = $"client_id = {store.Lit(client0)} AND status <> 4";
        var queries = new List<(string Name, string Path, string CountSql)>
        {
            ("flat, first page, open, every client", $"api/v1/alerts?status={Open}&limit=100", open),
            ("flat, first page, open, one client", $"api/v1/alerts?clientId={client0}&status={Open}&limit=100", oneClient),
            ("grouped, first page, open, last 24 h (default), every client", $"api/v1/alerts/groups?status={Open}&limit=100", $"{open} AND time_ms >= {nowMs - 86_400_000L}"),
            ("grouped, first page, open, last 24 h (default), one client", $"api/v1/alerts/groups?clientId={client0}&status={Open}&limit=100", $"{oneClient} AND time_ms >= {nowMs - 86_400_000L}"),
            ("grouped, first page, open, last 7 d, every client", $"api/v1/alerts/groups?status={Open}&limit=100&from={Iso(store.Now.AddDays(-7))}", $"{open} AND time_ms >= {nowMs - 7 * 86_400_000L}"),
            ("overview, 24 h by hour, every client", "api/v1/overview?range=24h", $"time_ms >= {nowMs - 86_400_000L}"),
            ("overview, 24 h by hour, one client", $"api/v1/overview?range=24h&clientId={client0}", $"client_id = {store.Lit(client0)} AND time_ms >= {nowMs - 86_400_000L}"),
            ("overview, 7 d by 3 h, every client", "api/v1/overview?range=7d", $"time_ms >= {nowMs - 7 * 86_400_000L}"),
        };
        // What the same console asks as pages: the inbox (grouped by default, and flat) and the overview, read as HTML
        // with the session cookie of a browser-like sign-in.
        var pages = new List<(string Name, string Path, string CountSql)>
        {
            ("inbox page, grouped (default: open, last 24 h), every client", "alerts", $"{open} AND time_ms >= {nowMs - 86_400_000L}"),
            ("inbox page, flat (open, any time), every client", "alerts?view=flat", open),
            ("inbox page, flat (open, any time), one client", $"alerts?view=flat&client={client0}", oneClient),
            ("overview page, 24 h", "?range=24h", $"time_ms >= {nowMs - 86_400_000L}"),
        };
        // What the inbox page reads besides its alerts: every client (the filter) and every node (node names).
        var lookups = new List<(string Name, string Path, string CountSql)>
        {
            ("clients list (the inbox page's client filter)", "api/v1/clients", ""),
            ("nodes list (the inbox page's node names)", "api/v1/nodes", ""),
        };
        var admin = await CoreProcess.CreateAdminLoginAsync(config, target, $"{name}-inbox.create-admin");
        var results = new List<ListQueryResult>();
        await using (var core = await CoreProcess.StartAsync(config, target, $"{name}-inbox"))
        {
            using var http = core.Client(admin.ApiToken).Http;
            foreach (var (qname, path, countSql) in queries.Concat(lookups))
            {
                var matching = countSql.Length == 0 ? 0 : await RawInsert.CountAsync(target, $"SELECT COUNT(*) FROM alerts WHERE {countSql}");
                results.Add(await Disturbance.RetryAsync(() => QueryTimer.TimeAsync(core, http, qname, path, matching, config.InboxWarmup, config.InboxRequests),
                    r => (r.OtherCpuSeconds, r.MachineCpuSeconds), (r, n) => r with { Attempts = n }));
                Report(results[^1]);
            }
            using var browser = await ConsoleSession.SignInAsync(core, admin);
            foreach (var (qname, path, countSql) in pages)
            {
                var matching = await RawInsert.CountAsync(target, $"SELECT COUNT(*) FROM alerts WHERE {countSql}");
                results.Add(await Disturbance.RetryAsync(
                    () => QueryTimer.TimeAsync(core, browser.Http, qname, path, matching, config.InboxWarmup, config.InboxRequests, "page", ConsoleSession.GetPageAsync),
                    r => (r.OtherCpuSeconds, r.MachineCpuSeconds), (r, n) => r with { Attempts = n }));
                Report(results[^1]);
            }
        }
        return new InboxResult(config.ListRows, StoredAlerts.ClientCount, config.InboxWarmup, store.Method, store.LoadSeconds, store.AnalyzeSeconds, store.DatabaseBytes, day, week, results);
    }

    private void Report(ListQueryResult r) =>
        Log.Info($"[{provider}] inbox {r.Kind} '{r.Name}': {r.Items} items, {r.Bytes:N0} bytes, {r.Matching:N0} alerts in scope; p50 {r.P50Ms:0.0} ms, p95 {r.P95Ms:0.0} ms, p99 {r.P99Ms:0.0} ms, max {r.MaxMs:0.0} ms");

    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture));
}
