using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Data.Notifications;

namespace Socme.Bench;

/// <summary>The receiver's own limit, same run: the harness posting a delivery's body with 16 concurrent clients.</summary>
internal sealed record ReceiverLimit(int Clients, int Requests, double Seconds, double RequestsPerSecond, int BodyBytes, double P50Ms, double P99Ms);

/// <summary>One burst: <see cref="Alerts"/> alerts ingested fast, every one matched by the rule and sent to the receiver.</summary>
internal sealed record DeliveryThroughput(int Run, int Alerts, int BatchSize, double IngestSeconds, double FirstDeliveryMs, double DeliverySeconds,
    double DeliveriesPerSecond, double FromIngestSeconds, double PerSecondFromIngest, int Received, int DistinctDeliveryIds, int DistinctAlerts,
    long DeliveredRows, long OtherRows, double CoreCpuSeconds, double PostgresCpuSeconds, double BenchCpuSeconds, double OtherCpuSeconds,
    double MachineCpuSeconds, double BusyPercent, ReceiverLimit Limit, double? CommitsPerDelivery, int Attempts = 1);

/// <summary>A steady trickle: per alert, the receiver's arrival time minus the send time of its ingest request.</summary>
internal sealed record DeliveryLatency(double AlertsPerSecond, int BatchSize, double Seconds, int Alerts, int WarmupAlerts, double P50Ms, double P95Ms,
    double P99Ms, double MaxMs, double MeanMs, double IngestP50Ms, double IngestP99Ms, int Received, int DistinctDeliveryIds, double CoreCpuSeconds,
    double PostgresCpuSeconds, double OtherCpuSeconds, double MachineCpuSeconds, int Attempts = 1);

internal sealed record DeliveryResult(string CoreSettings, int WarmupAlerts, List<DeliveryThroughput> Throughput, DeliveryLatency Latency);

internal sealed record NotifyBenchResult(RuleBenchResult Rules, DeliveryResult? Deliveries);

/// <summary>
/// Deliveries through the real core: a client, a node, a signed webhook channel to a Kestrel receiver in the harness, one
/// rule matching every alert of the client → the channel. Then bursts (throughput, each checked exactly once by delivery
/// id and alert) and a steady trickle (latency from ingest to the receiver).
/// </summary>
internal sealed class NotifyBench(BenchConfig config, Provider provider, PostgresServer? pg)
{
    private static readonly ParseOptions ParseOptions = new() { SuricataAnomalyIsAlert = true };

    /// <summary>What the core runs with besides its defaults: the SSRF guard lets it reach the loopback receiver over http.</summary>
    public static readonly IReadOnlyDictionary<string, string> CoreEnvironment = new Dictionary<string, string>
    {
        ["Notify__AllowedHosts__0"] = "127.0.0.1",
        ["Notify__AllowPlainHttp"] = "true",
    };

    private long nextAlert;
    private readonly DateTimeOffset timeBase = TimeProvider.System.GetUtcNow().AddHours(-2);

    public async Task<DeliveryResult> RunAsync(IReadOnlyList<CorpusLine> corpus)
    {
        var name = provider.ToString().ToLowerInvariant();
        var dir = Path.Combine(config.WorkDir, "data", $"{name}-notify");
        Scratch.DeleteDirectory(dir);
        Directory.CreateDirectory(dir);
        var db = "socme_bench_notify";
        var target = provider == Provider.Sqlite ? new CoreTarget(provider, dir, null) : new CoreTarget(provider, dir, await pg!.CreateDatabaseAsync(db));
        try
        {
            await CoreProcess.MigrateAsync(config, target, $"{name}-notify.migrate");
            var adminToken = await CoreProcess.CreateAdminAsync(config, target, $"{name}-notify.create-admin");
            await using var receiver = await Receiver.StartAsync();
            await using var core = await CoreProcess.StartAsync(config, target, $"{name}-notify", CoreEnvironment);
            using var adminHttp = core.Client(adminToken).Http;
            using var anonymous = core.Client(null).Http;
            var admin = new SocmeClient(adminHttp);
            var client = await admin.CreateClientAsync(new CreateClientRequest("Bench notify", "notification benchmark"));
            var nodeDto = await admin.CreateNodeAsync(client.Id, new CreateNodeRequest("bench-notify-node"));
            var enrolled = await new SocmeClient(anonymous).EnrollAsync(new EnrollRequest(nodeDto.EnrollmentCode, "bench-notify-node", [], "bench"));
            var node = core.Client(enrolled.Token);
            using var nodeHttp = node.Http;
            var channel = await admin.CreateNotificationChannelAsync(new CreateNotificationChannelRequest("Bench receiver", "webhook",
                new Dictionary<string, string?> { ["url"] = receiver.Url("hook").ToString(), ["secret"] = "bench-signing-secret" }, client.Id));
            await admin.CreateNotificationRuleAsync(new CreateNotificationRuleRequest("Every alert → bench receiver", new RuleConditions(),
                new RuleActions(Channels: [channel.Id]), client.Id));

            // Warm-up: a burst through the whole path (JIT, pools, the channel's decrypted secret), not reported.
            Log.Info($"[{provider}] notify: warm-up burst of {config.NotifyWarmupAlerts:N0} alerts");
            await BurstAsync(core, target, node, receiver, corpus, 0, config.NotifyWarmupAlerts);
            await SettleAsync(core);

            var throughput = new List<DeliveryThroughput>();
            for (var run = 1; run <= config.NotifyRuns; run++)
            {
                var r = run;
                var t = await Disturbance.RetryAsync(() => BurstAsync(core, target, node, receiver, corpus, r, config.NotifyAlerts),
                    x => (x.OtherCpuSeconds, x.MachineCpuSeconds), (x, n) => x with { Attempts = n });
                throughput.Add(t);
                Log.Info($"[{provider}] notify burst {run}: {t.Alerts:N0} alerts, {t.DeliveriesPerSecond:N0} deliveries/s first→last ({t.PerSecondFromIngest:N0}/s from the first ingest), " +
                    $"first after {t.FirstDeliveryMs:N0} ms; receiver limit {t.Limit.RequestsPerSecond:N0}/s; core CPU {t.CoreCpuSeconds:0.0} s, postgres {t.PostgresCpuSeconds:0.0} s, other {t.OtherCpuSeconds:0.0} s");
            }
            var latency = await Disturbance.RetryAsync(() => TrickleAsync(core, node, receiver, corpus),
                x => (x.OtherCpuSeconds, x.MachineCpuSeconds), (x, n) => x with { Attempts = n });
            Log.Info($"[{provider}] notify latency at {latency.AlertsPerSecond:0}/s: p50 {latency.P50Ms:0} ms, p95 {latency.P95Ms:0} ms, p99 {latency.P99Ms:0} ms, max {latency.MaxMs:0} ms");
            return new DeliveryResult(string.Join(", ", CoreEnvironment.Select(kv => $"{kv.Key}={kv.Value}")), config.NotifyWarmupAlerts, throughput, latency);
        }
        finally
        {
            if (pg is not null)
            {
                await pg.DropDatabaseAsync(db);
            }
            Scratch.DeleteDirectory(dir);
        }
    }

    /// <summary>
    /// Ingests <paramref name="count"/> alerts in batches of <see cref="BenchConfig.NotifyBatch"/> as fast as one node can,
    /// waits until every one has reached the receiver (and 1.5 s more, for repeats), checks each arrived exactly once,
    /// then measures the receiver's limit.
    /// </summary>
    private async Task<DeliveryThroughput> BurstAsync(CoreProcess core, CoreTarget target, SocmeClient node, Receiver receiver, IReadOnlyList<CorpusLine> corpus,
        int run, int count)
    {
        var batches = Bodies(corpus, count, config.NotifyBatch, out var alertTimes);
        var delivered0 = await CountDeliveriesAsync(target, DeliveryState.Delivered);
        var xact0 = await CommitsAsync(target);
        var all0 = await CountDeliveriesAsync(target, null);
        await CpuStat.WaitQuietAsync();
        receiver.Reset();
        var core0 = core.CpuTime;
        var bench0 = Process.GetCurrentProcess().TotalProcessorTime;
        var machine0 = CpuStat.Read();
        var started = Stopwatch.GetTimestamp();
        for (var b = 0; b < batches.Count; b++)
        {
            await PostAsync(node, batches[b].Body, $"notify-{run}-{b}-{batches[b].Times[0]}");
        }
        var ingested = Stopwatch.GetTimestamp();
        await receiver.WaitForAsync(count, TimeSpan.FromMinutes(5));
        var done = Stopwatch.GetTimestamp();
        var machine1 = CpuStat.Read();
        var coreCpu = (core.CpuTime - core0).TotalSeconds;
        var benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - bench0).TotalSeconds;
        await Task.Delay(1500);
        var arrivals = receiver.Arrivals();
        var ids = arrivals.Select(a => a.DeliveryId).Distinct().Count();
        var alerts = arrivals.Select(a => a.AlertTimeMs).Distinct().Count(alertTimes.Contains);
        var delivered = await CountDeliveriesAsync(target, DeliveryState.Delivered) - delivered0;
        var other = await CountDeliveriesAsync(target, null) - all0 - delivered;
        var commits = await CommitsAsync(target) - xact0;
        if (arrivals.Count != count || ids != count || alerts != count || delivered != count || other != 0)
        {
            throw new InvalidOperationException($"Burst {run}: {count} alerts sent, {arrivals.Count} requests received, {ids} distinct delivery ids, {alerts} distinct alerts; " +
                $"{delivered} deliveries delivered, {other} in another state. Every alert must arrive exactly once.");
        }
        var first = arrivals.Min(a => a.Timestamp);
        var last = arrivals.Max(a => a.Timestamp);
        var spread = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        var fromIngest = Stopwatch.GetElapsedTime(started, last).TotalSeconds;
        var pgCpu = CpuStat.PostgresSeconds(machine0, machine1);
        var limit = run == 0 ? new ReceiverLimit(0, 0, 0, 0, 0, 0, 0) : await receiver.LimitAsync(arrivals[0].Body, TimeSpan.FromSeconds(3));
        _ = done;
        return new DeliveryThroughput(run, count, config.NotifyBatch, Stopwatch.GetElapsedTime(started, ingested).TotalSeconds,
            Stopwatch.GetElapsedTime(started, first).TotalMilliseconds, spread, (count - 1) / spread, fromIngest, count / fromIngest,
            arrivals.Count, ids, alerts, delivered, other, coreCpu, pgCpu, benchCpu,
            Math.Max(0, CpuStat.ProcessSeconds(machine0, machine1) - coreCpu - benchCpu - pgCpu), CpuStat.Seconds(machine0, machine1),
            CpuStat.BusyPercent(machine0, machine1), limit, target.Provider == Provider.Postgres ? commits / (double)count : null);
    }

    /// <summary>PostgreSQL: transactions committed in the database so far (the statistics are flushed within a second).</summary>
    private static async Task<long> CommitsAsync(CoreTarget target) => target.Provider == Provider.Postgres
        ? await RawInsert.CountAsync(target, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        : 0;

    /// <summary>
    /// Batches of <see cref="BenchConfig.NotifyTrickleBatch"/> alerts on a fixed schedule at <see cref="BenchConfig.NotifyRate"/>
    /// alerts/s, one node sending them one after another; the first <see cref="BenchConfig.NotifyTrickleWarmupSeconds"/>
    /// seconds are not counted.
    /// </summary>
    private async Task<DeliveryLatency> TrickleAsync(CoreProcess core, SocmeClient node, Receiver receiver, IReadOnlyList<CorpusLine> corpus)
    {
        var perBatch = config.NotifyTrickleBatch;
        var interval = perBatch / (double)config.NotifyRate;
        var warmBatches = (int)Math.Ceiling(config.NotifyTrickleWarmupSeconds / interval);
        var timedBatches = (int)Math.Ceiling(config.NotifySeconds / interval);
        var batches = Bodies(corpus, (warmBatches + timedBatches) * perBatch, perBatch, out _);
        Log.Info($"[{provider}] notify latency: {config.NotifyRate} alerts/s in batches of {perBatch} for {config.NotifySeconds} s (+ {config.NotifyTrickleWarmupSeconds} s warm-up)");
        await CpuStat.WaitQuietAsync();
        receiver.Reset();
        var sendTimes = new long[batches.Count];
        var ingestMs = new List<double>(batches.Count);
        var start = Stopwatch.GetTimestamp();
        var tick = Stopwatch.Frequency * interval;
        CpuStat machine0 = default;
        var core0 = TimeSpan.Zero;
        var bench0 = TimeSpan.Zero;
        for (var b = 0; b < batches.Count; b++)
        {
            if (b == warmBatches)
            {
                machine0 = CpuStat.Read();
                core0 = core.CpuTime;
                bench0 = Process.GetCurrentProcess().TotalProcessorTime;
            }
            var due = start + (long)(b * tick);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
            }
            sendTimes[b] = Stopwatch.GetTimestamp();
            await PostAsync(node, batches[b].Body, $"notify-trickle-{b}-{batches[b].Times[0]}");
            if (b >= warmBatches)
            {
                ingestMs.Add(Stopwatch.GetElapsedTime(sendTimes[b]).TotalMilliseconds);
            }
        }
        await receiver.WaitForAsync(batches.Count * perBatch, TimeSpan.FromMinutes(2));
        var machine1 = CpuStat.Read();
        var coreCpu = (core.CpuTime - core0).TotalSeconds;
        var benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - bench0).TotalSeconds;
        await Task.Delay(1000);
        var batchOf = new Dictionary<long, int>();
        for (var b = 0; b < batches.Count; b++)
        {
            foreach (var t in batches[b].Times)
            {
                batchOf[t] = b;
            }
        }
        var arrivals = receiver.Arrivals();
        var ids = arrivals.Select(a => a.DeliveryId).Distinct().Count();
        if (arrivals.Count != batchOf.Count || ids != batchOf.Count || arrivals.Select(a => a.AlertTimeMs).Distinct().Count(batchOf.ContainsKey) != batchOf.Count)
        {
            throw new InvalidOperationException($"Latency run: {batchOf.Count} alerts sent, {arrivals.Count} requests received, {ids} distinct delivery ids.");
        }
        var latencies = arrivals.Where(a => batchOf[a.AlertTimeMs] >= warmBatches)
            .Select(a => Stopwatch.GetElapsedTime(sendTimes[batchOf[a.AlertTimeMs]], a.Timestamp).TotalMilliseconds).Order().ToList();
        ingestMs.Sort();
        var pgCpu = CpuStat.PostgresSeconds(machine0, machine1);
        return new DeliveryLatency(config.NotifyRate, perBatch, config.NotifySeconds, latencies.Count, warmBatches * perBatch,
            Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95), Stats.Percentile(latencies, 99), latencies[^1], latencies.Average(),
            Stats.Percentile(ingestMs, 50), Stats.Percentile(ingestMs, 99), arrivals.Count, ids, coreCpu, pgCpu,
            Math.Max(0, CpuStat.ProcessSeconds(machine0, machine1) - coreCpu - pgCpu - benchCpu), CpuStat.Seconds(machine0, machine1));
    }

    /// <summary>
    /// Waits (at most 20 s) until the core has used less than 3 % of a core for a second: after the warm-up burst its JIT
    /// still compiles optimised code for what the burst ran (tiered compilation), which would be counted in the first run.
    /// </summary>
    private static async Task SettleAsync(CoreProcess core)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            var before = core.CpuTime;
            await Task.Delay(1000);
            if ((core.CpuTime - before).TotalSeconds < 0.03)
            {
                break;
            }
        }
        Log.Info($"  the core settled after {sw.Elapsed.TotalSeconds:0} s");
    }

    private static async Task PostAsync(SocmeClient node, byte[] body, string idempotencyKey)
    {
        while (true)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            content.Headers.ContentEncoding.Add("gzip");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest/alerts") { Content = content };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            using var response = await node.Http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw await SocmeClient.ErrorAsync(response);
            }
            var r = await response.Content.ReadFromJsonAsync<IngestResult>(SocmeClient.JsonOptions) ?? throw new InvalidOperationException("Empty ingest answer.");
            if (r.Rejected.Count > 0 || r.Duplicates > 0)
            {
                throw new InvalidOperationException($"The core accepted {r.Accepted}, rejected {r.Rejected.Count}, saw {r.Duplicates} duplicate(s) of a batch of new alerts.");
            }
            return;
        }
    }

    private static Task<long> CountDeliveriesAsync(CoreTarget target, DeliveryState? state) =>
        RawInsert.CountAsync(target, "SELECT COUNT(*) FROM notification_deliveries" + (state is { } s ? $" WHERE state = {(int)s}" : ""));

    private sealed record Batch(byte[] Body, long[] Times);

    /// <summary>
    /// Corpus alerts, each with its own timestamp (a millisecond no other alert of the run has: the receiver tells the
    /// alerts apart by it) and Wazuh id, in gzip NDJSON batches as a node sends them.
    /// </summary>
    private List<Batch> Bodies(IReadOnlyList<CorpusLine> corpus, int count, int batchSize, out HashSet<long> times)
    {
        var result = new List<Batch>();
        times = [];
        var epoch = timeBase.ToUnixTimeSeconds();
        for (var done = 0; done < count; done += batchSize)
        {
            var n = Math.Min(batchSize, count - done);
            var sb = new StringBuilder(n * 1600);
            var batchTimes = new long[n];
            for (var j = 0; j < n; j++)
            {
                var g = nextAlert++;
                var template = corpus[(int)(g % corpus.Count)];
                var time = timeBase.AddMilliseconds(g);
                var line = IngestWorkload.Rewrite(template, time, template.Source == AlertSource.Wazuh ? $"{epoch}.{g}" : null);
                var bytes = Encoding.UTF8.GetBytes(line);
                var parsed = AlertParser.Parse(template.Source, bytes, ParseOptions);
                var alert = parsed.Alert ?? throw new InvalidOperationException($"A corpus line does not parse: {parsed.ErrorMessage}");
                batchTimes[j] = alert.Timestamp.ToUnixTimeMilliseconds();
                times.Add(batchTimes[j]);
                sb.Append(SocmeClient.EnvelopeLine(template.Source == AlertSource.Wazuh ? "wazuh" : "suricata", AlertParser.StableKey(template.Source, bytes), line)).Append('\n');
            }
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            {
                gz.Write(Encoding.UTF8.GetBytes(sb.ToString()));
            }
            result.Add(new Batch(ms.ToArray(), batchTimes));
        }
        return result;
    }
}

/// <summary>
/// A webhook receiver in the harness (Kestrel on 127.0.0.1): answers 200 at once, recording for each request its arrival
/// time (Stopwatch, the harness's clock), its <c>X-Socme-Delivery</c> id and the time of its alert.
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    internal sealed record Arrival(long Timestamp, string DeliveryId, long AlertTimeMs, byte[] Body);

    private readonly WebApplication app;
    private ConcurrentQueue<Arrival> hook = new();
    private long limitRequests;

    private Receiver(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri Url(string path) => new(BaseAddress, path);

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        Receiver? self = null;
        app.MapPost("/hook", async (HttpContext ctx) =>
        {
            var at = Stopwatch.GetTimestamp();
            var id = ctx.Request.Headers["X-Socme-Delivery"].ToString();
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            var body = ms.ToArray();
            using var doc = JsonDocument.Parse(body);
            var time = doc.RootElement.GetProperty("alerts")[0].GetProperty("time").GetDateTimeOffset().ToUnixTimeMilliseconds();
            self!.hook.Enqueue(new Arrival(at, id, time, body));
            return Results.Ok();
        });
        app.MapPost("/limit", async (HttpContext ctx) =>
        {
            _ = ctx.Request.Headers["X-Socme-Delivery"].ToString();
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            using var doc = JsonDocument.Parse(ms.ToArray());
            _ = doc.RootElement.GetProperty("alerts")[0].GetProperty("time").GetDateTimeOffset();
            Interlocked.Increment(ref self!.limitRequests);
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new Receiver(app, new Uri(address.TrimEnd('/') + "/"));
        return self;
    }

    public void Reset() => hook = new ConcurrentQueue<Arrival>();

    public List<Arrival> Arrivals() => hook.ToList();

    public async Task WaitForAsync(int count, TimeSpan stall)
    {
        var last = 0;
        var since = Stopwatch.StartNew();
        while (hook.Count < count)
        {
            await Task.Delay(20);
            if (hook.Count != last)
            {
                last = hook.Count;
                since.Restart();
            }
            else if (since.Elapsed > stall)
            {
                throw new InvalidOperationException($"The receiver got {hook.Count} of {count} deliveries and nothing more for {stall.TotalSeconds:0} s.");
            }
        }
    }

    /// <summary>16 clients (one connection pool each) posting <paramref name="body"/> as fast as the receiver answers.</summary>
    public async Task<ReceiverLimit> LimitAsync(byte[] body, TimeSpan duration)
    {
        const int Clients = 16;
        var clients = Enumerable.Range(0, Clients).Select(_ => new HttpClient(new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = BaseAddress }).ToList();
        using var dispose = new DisposeAll(clients);
        var times = new ConcurrentBag<double>();
        var counting = false;
        var stop = false;
        var n = 0L;
        async Task Loop(HttpClient http, int k)
        {
            var i = 0;
            while (!Volatile.Read(ref stop))
            {
                var t = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var request = new HttpRequestMessage(HttpMethod.Post, "limit") { Content = content };
                request.Headers.Add("X-Socme-Delivery", string.Create(CultureInfo.InvariantCulture, $"limit-{k}-{i++}"));
                request.Headers.Add("X-Socme-Timestamp", "1700000000");
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                if (Volatile.Read(ref counting))
                {
                    times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    Interlocked.Increment(ref n);
                }
            }
        }
        var loops = clients.Select((c, k) => Loop(c, k)).ToList();
        await Task.Delay(500);
        Volatile.Write(ref counting, true);
        var sw = Stopwatch.StartNew();
        await Task.Delay(duration);
        Volatile.Write(ref counting, false);
        var count = Interlocked.Read(ref n);
        var seconds = sw.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(loops);
        var sorted = times.Order().ToList();
        return new ReceiverLimit(Clients, (int)count, seconds, count / seconds, body.Length, Stats.Percentile(sorted, 50), Stats.Percentile(sorted, 99));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
