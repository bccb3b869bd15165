using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Features.Ingest;

namespace Socme.Bench;

/// <summary>
/// One timed query. <see cref="Kind"/>: "api" (a REST answer with a bearer token) or "page" (a console page's HTML with the
/// session cookie); <see cref="Bytes"/>: the size of the last answer's body.
/// </summary>
internal sealed record ListQueryResult(string Name, string Query, long Matching, int Items, int Requests, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs,
    double OtherCpuSeconds = 0, double MachineCpuSeconds = 0, int Attempts = 1, string Kind = "api", long Bytes = 0);

internal sealed record ListResult(int Rows, int Clients, int NodesPerClient, string LoadMethod, double LoadSeconds, double LoadRowsPerSecond, double AnalyzeSeconds, long DatabaseBytes, List<ListQueryResult> Queries);

/// <summary>
/// The alert list query through HTTP at <see cref="BenchConfig.ListRows"/> stored alerts: 10 clients with 2 nodes each,
/// alert times spread over 30 days, levels and sources from the corpus, statuses mostly new.
/// </summary>
internal sealed class ListBench(BenchConfig config, Provider provider, PostgresServer? pg)
{
    public async Task<ListResult> RunAsync(IReadOnlyList<CorpusLine> corpus)
    {
        var name = provider.ToString().ToLowerInvariant();
        await using var store = await StoredAlerts.LoadAsync(config, provider, pg, corpus, "list");
        var target = store.Target;
        var tenants = store.Tenants;
        var now = store.Now;
        var client0 = tenants[0].ClientId;
        var deep = now.AddDays(-15).ToUnixTimeMilliseconds();
        var deepCursor = Cursor(deep, long.MaxValue);
        var queries = new List<(string Name, string Query, string CountSql)>
        {
            ("clientId + band=high + status=new", $"clientId={client0}&band=high&status=new&limit=50",
                $"client_id = {store.Lit(client0)} AND band = {(int)SeverityBand.High} AND status = 0"),
            ("clientId + source=suricata + minLevel=10", $"clientId={client0}&source=suricata&minLevel=10&limit=50",
                $"client_id = {store.Lit(client0)} AND source = {(int)AlertSource.Suricata} AND level >= 10"),
            ("clientId + band=high + status=new, next page (nextCursor of page 1)", "", ""),
            ("clientId + band=high + status=new, page 15 days back (cursor)", $"clientId={client0}&band=high&status=new&limit=50&cursor={deepCursor}",
                $"client_id = {store.Lit(client0)} AND band = {(int)SeverityBand.High} AND status = 0 AND time_ms < {deep}"),
        };

        var adminToken = await CoreProcess.CreateAdminAsync(config, target, $"{name}-list.create-admin");
        var results = new List<ListQueryResult>();
        await using (var core = await CoreProcess.StartAsync(config, target, $"{name}-list"))
        {
            using var http = core.Client(adminToken).Http;
            var first = await new SocmeClient(http).ListAlertsAsync(new AlertFilter { ClientId = client0, Band = "high", Status = "new" }, 50);
            var page2 = first.NextCursor is null ? "" : $"clientId={client0}&band=high&status=new&limit=50&cursor={first.NextCursor}";
            queries[2] = (queries[2].Name, page2, queries[0].CountSql);
            foreach (var (qname, query, countSql) in queries)
            {
                if (query.Length == 0)
                {
                    continue;
                }
                var matching = await RawInsert.CountAsync(target, $"SELECT COUNT(*) FROM alerts WHERE {countSql}");
                results.Add(await Disturbance.RetryAsync(() => QueryTimer.TimeAsync(core, http, qname, "api/v1/alerts?" + query, matching, config.ListWarmup, config.ListRequests),
                    r => (r.OtherCpuSeconds, r.MachineCpuSeconds), (r, n) => r with { Attempts = n }));
                var r = results[^1];
                Log.Info($"[{provider}] list '{qname}': {r.Items} items of {r.Matching:N0} matching; p50 {r.P50Ms:0.0} ms, p95 {r.P95Ms:0.0} ms, p99 {r.P99Ms:0.0} ms, max {r.MaxMs:0.0} ms");
            }
        }
        return new ListResult(config.ListRows, StoredAlerts.ClientCount, StoredAlerts.NodesPerClient, store.Method, store.LoadSeconds, config.ListRows / store.LoadSeconds,
            store.AnalyzeSeconds, store.DatabaseBytes, results);
    }

    /// <summary>The list API's cursor format (base64url of <c>timeMs:id</c>).</summary>
    private static string Cursor(long timeMs, long id) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timeMs}:{id}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Times one GET path sequentially and reports percentiles and what else used the CPU meanwhile.</summary>
internal static class QueryTimer
{
    /// <summary>A JSON answer: the whole body read and parsed.</summary>
    public static Task<ListQueryResult> TimeAsync(CoreProcess core, HttpClient http, string name, string path, long matching, int warmup, int requests) =>
        TimeAsync(core, http, name, path, matching, warmup, requests, "api", GetJsonAsync);

    /// <summary>
    /// Times <paramref name="get"/> (which sends the request and reads the whole answer; returns its item count and body
    /// size) <paramref name="requests"/> times after <paramref name="warmup"/> untimed calls.
    /// </summary>
    public static async Task<ListQueryResult> TimeAsync(CoreProcess core, HttpClient http, string name, string path, long matching, int warmup, int requests,
        string kind, Func<HttpClient, string, Task<(int Items, long Bytes)>> get)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(get);
        var items = 0;
        long bytes = 0;
        await CpuStat.WaitQuietAsync();
        for (var i = 0; i < warmup; i++)
        {
            await get(http, path);
        }
        var times = new List<double>(requests);
        var machine0 = CpuStat.Read();
        var own0 = core.CpuTime.TotalSeconds + Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            (items, bytes) = await get(http, path);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var machine1 = CpuStat.Read();
        var machine = CpuStat.Seconds(machine0, machine1);
        var own = core.CpuTime.TotalSeconds + Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - own0 + CpuStat.PostgresSeconds(machine0, machine1);
        var sorted = times.Order().ToList();
        return new ListQueryResult(name, path, matching, items, times.Count, Stats.Percentile(sorted, 50), Stats.Percentile(sorted, 95),
            Stats.Percentile(sorted, 99), sorted[^1], times.Average(), Math.Max(0, CpuStat.ProcessSeconds(machine0, machine1) - own), machine,
            Kind: kind, Bytes: bytes);
    }

    /// <summary>The whole answer read and parsed; returns the length of its <c>items</c> array (0 when it has none).</summary>
    private static async Task<(int Items, long Bytes)> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        if (!response.IsSuccessStatusCode)
        {
            throw await SocmeClient.ErrorAsync(response);
        }
        var body = await response.Content.ReadAsByteArrayAsync();
        using var doc = JsonDocument.Parse(body);
        var items = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.GetArrayLength()
            : doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.GetArrayLength() : 0;
        return (items, body.LongLength);
    }
}

/// <summary>
/// A fresh migrated database holding <see cref="BenchConfig.ListRows"/> alerts loaded by the raw method: 10 clients with
/// 2 nodes each, alert times spread over the 30 days before <see cref="Now"/>. Disposing drops it (unless
/// <c>SOCME_BENCH_LIST_KEEP=1</c>).
/// </summary>
internal sealed class StoredAlerts : IAsyncDisposable
{
    public const int ClientCount = 10;
    public const int NodesPerClient = 2;

    private readonly PostgresServer? pg;
    private readonly string db;

    private StoredAlerts(CoreTarget target, PostgresServer? pg, string db, List<(Guid ClientId, IReadOnlyList<Guid> Nodes)> tenants, DateTimeOffset now)
    {
        Target = target;
        this.pg = pg;
        this.db = db;
        Tenants = tenants;
        Now = now;
    }

    public CoreTarget Target { get; }
    public List<(Guid ClientId, IReadOnlyList<Guid> Nodes)> Tenants { get; }
    public DateTimeOffset Now { get; }
    public string Method { get; private set; } = "";
    public double LoadSeconds { get; private set; }
    public double AnalyzeSeconds { get; private set; }
    public long DatabaseBytes { get; private set; }

    /// <summary>A GUID as an SQL literal of the provider (SQLite stores GUIDs as upper-case text).</summary>
    public string Lit(Guid g) => Target.Provider == Provider.Sqlite ? $"'{g.ToString().ToUpperInvariant()}'" : $"'{g}'";

    public static async Task<StoredAlerts> LoadAsync(BenchConfig config, Provider provider, PostgresServer? pg, IReadOnlyList<CorpusLine> corpus, string part)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = provider.ToString().ToLowerInvariant();
        var dir = Path.Combine(config.WorkDir, "data", $"{name}-{part}");
        Scratch.DeleteDirectory(dir);
        Directory.CreateDirectory(dir);
        var db = $"socme_bench_{part}";
        var target = provider == Provider.Sqlite
            ? new CoreTarget(provider, dir, null)
            : new CoreTarget(provider, dir, await pg!.CreateDatabaseAsync(db));
        var tenants = Enumerable.Range(0, ClientCount)
            .Select(_ => (ClientId: Guid.NewGuid(), Nodes: (IReadOnlyList<Guid>)Enumerable.Range(0, NodesPerClient).Select(_ => Guid.NewGuid()).ToList()))
            .ToList();
        var store = new StoredAlerts(target, pg, db, tenants, TimeProvider.System.GetUtcNow());
        try
        {
            await CoreProcess.MigrateAsync(config, target, $"{name}-{part}.migrate");
            await RawInsert.SeedTenantsAsync(target, tenants);
            var templates = Templates(corpus);
            Log.Info($"[{provider}] {part}: loading {config.ListRows:N0} alerts ({templates.Count} corpus templates) by the raw method");
            var rows = Generate(templates, tenants, config.ListRows, store.Now);
            TimeSpan load;
            var analyze = TimeSpan.Zero;
            if (provider == Provider.Sqlite)
            {
                store.Method = "prepared INSERT, 50,000 rows per transaction";
                load = RawInsert.Sqlite(target, rows, 50_000);
            }
            else
            {
                store.Method = "binary COPY, then VACUUM ANALYZE";
                load = await RawInsert.PostgresAsync(target, rows);
                var sw = Stopwatch.StartNew();
                await using (var conn = new NpgsqlConnection(RawInsert.HarnessConnectionString(target)))
                {
                    await conn.OpenAsync();
                    await using var cmd = new NpgsqlCommand("VACUUM ANALYZE alerts", conn) { CommandTimeout = 0 };
                    await cmd.ExecuteNonQueryAsync();
                }
                analyze = sw.Elapsed;
            }
            store.LoadSeconds = load.TotalSeconds;
            store.AnalyzeSeconds = analyze.TotalSeconds;
            Log.Info($"[{provider}] {part}: loaded in {load.TotalSeconds:0.0} s ({config.ListRows / load.TotalSeconds:N0} rows/s){(analyze > TimeSpan.Zero ? $", VACUUM ANALYZE {analyze.TotalSeconds:0.0} s" : "")}");
            store.DatabaseBytes = provider == Provider.Sqlite
                ? Directory.GetFiles(dir, "socme.db*").Sum(f => new FileInfo(f).Length)
                : long.Parse(await pg!.ScalarAsync($"SELECT pg_database_size('{db}')"), CultureInfo.InvariantCulture);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // SOCME_BENCH_LIST_KEEP=1 leaves the database for inspection (EXPLAIN); bench/run.sh removes its work folder anyway.
        if (Environment.GetEnvironmentVariable("SOCME_BENCH_LIST_KEEP") != "1")
        {
            if (pg is not null)
            {
                await pg.DropDatabaseAsync(db);
            }
            Scratch.DeleteDirectory(Target.DataDir);
        }
    }

    private static List<IngestRow> Templates(IReadOnlyList<CorpusLine> corpus)
    {
        var options = new ParseOptions { SuricataAnomalyIsAlert = true };
        var list = new List<IngestRow>(corpus.Count);
        foreach (var line in corpus)
        {
            var bytes = Encoding.UTF8.GetBytes(line.Line);
            var parsed = AlertParser.Parse(line.Source, bytes, options);
            if (parsed.Alert is { } a)
            {
                list.Add(IngestRow.From(a, a.Key));
            }
        }
        return list;
    }

    /// <summary>
    /// Rows in arrival order over the 30 days before <paramref name="now"/>: a random corpus alert (its level, band,
    /// source, fields and raw JSON), a random client and node, 80 % new, 15 % closed, 5 % acknowledged.
    /// </summary>
    private static IEnumerable<StoredAlert> Generate(List<IngestRow> templates, List<(Guid ClientId, IReadOnlyList<Guid> Nodes)> tenants, int count, DateTimeOffset now)
    {
#pragma warning disable CA5394 // a seeded, reproducible distribution, not security
        var rng = new Random(42);
        var span = TimeSpan.FromDays(30).TotalMilliseconds;
        var start = now.ToUnixTimeMilliseconds() - (long)span;
        var step = span / count;
        var epoch = start / 1000;
        var buffer = new byte[8];
        for (var i = 0; i < count; i++)
        {
            var t = templates[rng.Next(templates.Count)];
            var tenant = tenants[rng.Next(tenants.Count)];
            var node = tenant.Nodes[rng.Next(tenant.Nodes.Count)];
            var time = start + (long)(i * step) + rng.Next(0, Math.Max(1, (int)step));
            var roll = rng.NextDouble();
            var status = roll < 0.80 ? 0 : roll < 0.95 ? 4 : 1;
            string key;
            if (t.Source == AlertSource.Wazuh)
            {
                key = string.Create(CultureInfo.InvariantCulture, $"{epoch}.{i}");
            }
            else
            {
                BitConverter.TryWriteBytes(buffer, (long)i);
                key = Convert.ToHexStringLower(SHA256.HashData(buffer));
            }
#pragma warning restore CA5394
            yield return new StoredAlert(tenant.ClientId, node, t with { Key = key, TimeMs = time }, time + 500, status, status == 4 ? time + 7_200_000 : null);
        }
    }
}
