using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Socme.Client;

namespace Socme.Bench;

internal sealed record HttpIngestResult(
    int Sent, int Accepted, int Duplicates, int Rejected, int Retries429, double Seconds, double AlertsPerSecond,
    double BatchP50Ms, double BatchP99Ms, double CoreCpuSeconds, double BenchCpuSeconds, double PostgresCpuSeconds,
    double MachineCpuSeconds, double ProcessCpuSeconds, double MachineBusyPercent, double BackgroundBusyPercent, long StoredRows, int Attempts = 1)
{
    /// <summary>CPU used during the timed part by other user processes (not the core, PostgreSQL, the harness or the kernel).</summary>
    public double OtherCpuSeconds => Math.Max(0, ProcessCpuSeconds - CoreCpuSeconds - BenchCpuSeconds - PostgresCpuSeconds);
}

internal sealed record RawResult(string Method, int Rows, double Seconds, double AlertsPerSecond, long StoredRows, double PostgresCpuSeconds = 0,
    double OtherCpuSeconds = 0, double MachineCpuSeconds = 0, int Attempts = 1);

/// <summary>One run: HTTP ingest, the limit it is compared with, and every raw method measured (the limit among them).</summary>
internal sealed record IngestRunResult(int Run, HttpIngestResult Http, RawResult Limit, List<RawResult> RawMethods);

/// <summary>
/// Ingest through the real HTTP endpoint (8 node clients, 500-alert gzip NDJSON batches) beside the same rows
/// inserted by the database's fastest raw method, on a fresh database each time.
/// </summary>
internal sealed class IngestBench(BenchConfig config, Provider provider, PostgresServer? pg)
{
    public async Task<List<IngestRunResult>> RunAsync(IngestWorkload workload)
    {
        var results = new List<IngestRunResult>();
        for (var run = 1; run <= config.Runs; run++)
        {
            Log.Info($"[{provider}] ingest run {run}/{config.Runs}: HTTP");
            var http = await Disturbance.RetryAsync(() => HttpRunAsync(workload, run), h => (h.OtherCpuSeconds, h.MachineCpuSeconds), (h, n) => h with { Attempts = n });
            Log.Info($"[{provider}]   HTTP: {http.Accepted:N0} accepted in {http.Seconds:0.00} s = {http.AlertsPerSecond:N0} alerts/s " +
                $"(batch p50 {http.BatchP50Ms:0} ms, p99 {http.BatchP99Ms:0} ms; CPU s: core {http.CoreCpuSeconds:0.0}, bench {http.BenchCpuSeconds:0.0}, postgres {http.PostgresCpuSeconds:0.0}, other {http.OtherCpuSeconds:0.0}; machine busy {http.MachineBusyPercent:0} %, {http.BackgroundBusyPercent:0} % just before)");
            List<RawResult> methods;
            RawResult limit;
            // The limit: the fastest raw method. SQLite: one transaction for every row (the core commits several batches
            // at once, group commit); one transaction per 500 rows, a commit per batch, is shown beside it. PostgreSQL: the
            // faster of one binary COPY stream and two in parallel (one per core).
            methods = provider == Provider.Sqlite
                ? [await RawAsync(workload, run, "sqlite-tx500", config.BatchSize), await RawAsync(workload, run, "sqlite-tx1", 0)]
                : [await RawAsync(workload, run, "pg-copy", 1), await RawAsync(workload, run, "pg-copy-x2", 2)];
            limit = methods.MaxBy(m => m.AlertsPerSecond)!;
            foreach (var m in methods)
            {
                Log.Info($"[{provider}]   raw {m.Method}: {m.Rows:N0} rows in {m.Seconds:0.00} s = {m.AlertsPerSecond:N0} rows/s" +
                    $"{(provider == Provider.Postgres ? $" (postgres CPU {m.PostgresCpuSeconds:0.0} s)" : "")}{(m == limit ? $"; the limit, HTTP/raw {http.AlertsPerSecond / m.AlertsPerSecond:P0}" : "")}");
            }
            results.Add(new IngestRunResult(run, http, limit, methods));
        }
        return results;
    }

    private Task<RawResult> RawAsync(IngestWorkload w, int run, string method, int parameter) =>
        Disturbance.RetryAsync(() => RawRunAsync(w, run, method, parameter), r => (r.OtherCpuSeconds, r.MachineCpuSeconds), (r, n) => r with { Attempts = n });

    private async Task<(CoreTarget Target, Func<Task> Cleanup)> FreshTargetAsync(string name)
    {
        var dir = Path.Combine(config.WorkDir, "data", $"{provider.ToString().ToLowerInvariant()}-{name}");
        Scratch.DeleteDirectory(dir);
        Directory.CreateDirectory(dir);
        if (provider == Provider.Sqlite)
        {
            return (new CoreTarget(provider, dir, null), () => { Scratch.DeleteDirectory(dir); return Task.CompletedTask; });
        }
        var db = "socme_bench_" + name.Replace('-', '_');
        var cs = await pg!.CreateDatabaseAsync(db);
        return (new CoreTarget(provider, dir, cs), async () =>
        {
            await pg.DropDatabaseAsync(db);
            Scratch.DeleteDirectory(dir);
        });
    }

    private async Task<HttpIngestResult> HttpRunAsync(IngestWorkload w, int run)
    {
        var (target, cleanup) = await FreshTargetAsync($"http-r{run}");
        try
        {
            var logName = $"{provider.ToString().ToLowerInvariant()}-ingest-r{run}";
            await CoreProcess.MigrateAsync(config, target, logName + ".migrate");
            var adminToken = await CoreProcess.CreateAdminAsync(config, target, logName + ".create-admin");
            HttpIngestResult result;
            await using (var core = await CoreProcess.StartAsync(config, target, logName))
            {
                using var admin = core.Client(adminToken).Http;
                using var anonymous = core.Client(null).Http;
                var client = await new SocmeClient(admin).CreateClientAsync(new CreateClientRequest($"Bench client r{run}", "ingest benchmark"));
                var nodes = new List<SocmeClient>();
                for (var k = 0; k < config.Nodes; k++)
                {
                    var node = await new SocmeClient(admin).CreateNodeAsync(client.Id, new CreateNodeRequest($"bench-node-{k + 1}"));
                    var enrolled = await new SocmeClient(anonymous).EnrollAsync(new EnrollRequest(node.EnrollmentCode, $"bench-node-{k + 1}", [], "bench"));
                    nodes.Add(core.Client(enrolled.Token));
                }
                using var disposeNodes = new DisposeAll(nodes.Select(n => n.Http));

                // Warm-up: every node sends its first batches (not timed, not counted).
                await Task.WhenAll(Enumerable.Range(0, config.Nodes).Select(k => PostBatchesAsync(nodes[k], w, k, 0, w.WarmupBatches, null)));

                var latencies = new List<double>[config.Nodes];
                var totals = new Totals[config.Nodes];
                var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var tasks = Enumerable.Range(0, config.Nodes).Select(async k =>
                {
                    latencies[k] = new List<double>(w.Bodies[k].Length);
                    await go.Task;
                    totals[k] = await PostBatchesAsync(nodes[k], w, k, w.WarmupBatches, w.Bodies[k].Length, latencies[k]);
                }).ToList();
                // The machine is shared: wait (bounded) until what else runs on it is quiet, and record how busy it was.
                var background = await CpuStat.WaitQuietAsync();
                var cpuCore0 = core.CpuTime;
                var cpuBench0 = Process.GetCurrentProcess().TotalProcessorTime;
                var machine0 = CpuStat.Read();
                var sw = Stopwatch.StartNew();
                go.SetResult();
                await Task.WhenAll(tasks);
                sw.Stop();
                var machine1 = CpuStat.Read();
                var cpuCore = core.CpuTime - cpuCore0;
                var cpuBench = Process.GetCurrentProcess().TotalProcessorTime - cpuBench0;
                var cpuPg = CpuStat.PostgresSeconds(machine0, machine1);

                var sent = w.TimedAlertCount;
                var accepted = totals.Sum(t => t.Accepted);
                var all = latencies.SelectMany(l => l).Order().ToList();
                result = new HttpIngestResult(sent, accepted, totals.Sum(t => t.Duplicates), totals.Sum(t => t.Rejected), totals.Sum(t => t.Retries),
                    sw.Elapsed.TotalSeconds, accepted / sw.Elapsed.TotalSeconds, Stats.Percentile(all, 50), Stats.Percentile(all, 99),
                    cpuCore.TotalSeconds, cpuBench.TotalSeconds, cpuPg, CpuStat.Seconds(machine0, machine1), CpuStat.ProcessSeconds(machine0, machine1),
                    CpuStat.BusyPercent(machine0, machine1), background, 0);
                if (accepted != sent)
                {
                    throw new InvalidOperationException($"HTTP ingest accepted {accepted} of {sent} alerts (duplicates {result.Duplicates}, rejected {result.Rejected}).");
                }
            }
            var stored = await RawInsert.CountAsync(target);
            var expected = w.TimedAlertCount + w.WarmupAlertCount;
            if (stored != expected)
            {
                throw new InvalidOperationException($"The database holds {stored} alerts after HTTP ingest; expected {expected}.");
            }
            return result with { StoredRows = stored };
        }
        finally
        {
            await cleanup();
        }
    }

    private sealed record Totals(int Accepted, int Duplicates, int Rejected, int Retries);

    private static async Task<Totals> PostBatchesAsync(SocmeClient node, IngestWorkload w, int k, int from, int to, List<double>? latencies)
    {
        int accepted = 0, duplicates = 0, rejected = 0, retries = 0;
        for (var b = from; b < to; b++)
        {
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(w.Bodies[k][b]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                content.Headers.ContentEncoding.Add("gzip");
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/ingest/alerts") { Content = content };
                request.Headers.Add("Idempotency-Key", string.Create(CultureInfo.InvariantCulture, $"bench-{k}-{b}"));
                using var response = await node.Http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    retries++;
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw await SocmeClient.ErrorAsync(response);
                }
                var r = await response.Content.ReadFromJsonAsync<IngestResult>(SocmeClient.JsonOptions)
                    ?? throw new InvalidOperationException("Empty ingest answer.");
                latencies?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                accepted += r.Accepted;
                duplicates += r.Duplicates;
                rejected += r.Rejected.Count;
                if (r.Rejected.Count > 0)
                {
                    throw new InvalidOperationException($"The core rejected {r.Rejected.Count} line(s): {r.Rejected[0].Code} {r.Rejected[0].Reason}");
                }
                break;
            }
        }
        return new Totals(accepted, duplicates, rejected, retries);
    }

    private async Task<RawResult> RawRunAsync(IngestWorkload w, int run, string method, int rowsPerTx)
    {
        var (target, cleanup) = await FreshTargetAsync($"raw-r{run}-{method}");
        try
        {
            await CoreProcess.MigrateAsync(config, target, $"{provider.ToString().ToLowerInvariant()}-raw-r{run}-{method}.migrate");
            var clientId = Guid.NewGuid();
            var nodeIds = Enumerable.Range(0, config.Nodes).Select(_ => Guid.NewGuid()).ToList();
            await RawInsert.SeedTenantsAsync(target, [(clientId, nodeIds)]);
            var received = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            await CpuStat.WaitQuietAsync();
            IEnumerable<StoredAlert> Rows(bool warmup) =>
                w.RowBatches(warmup).SelectMany(x => x.Batch.Select(r => new StoredAlert(clientId, nodeIds[x.Node], r, received, 0, null)));
            TimeSpan elapsed;
            var pgCpu = 0.0;
            var machine0 = CpuStat.Read();
            var bench0 = Process.GetCurrentProcess().TotalProcessorTime;
            if (provider == Provider.Sqlite)
            {
                RawInsert.Sqlite(target, Rows(warmup: true), config.BatchSize);
                elapsed = RawInsert.Sqlite(target, Rows(warmup: false), rowsPerTx);
            }
            else
            {
                // rowsPerTx is the number of parallel COPY streams here (the nodes split between them).
                await RawInsert.PostgresAsync(target, Rows(warmup: true));
                machine0 = CpuStat.Read();
                bench0 = Process.GetCurrentProcess().TotalProcessorTime;
                if (rowsPerTx <= 1)
                {
                    elapsed = await RawInsert.PostgresAsync(target, Rows(warmup: false));
                }
                else
                {
                    var streams = rowsPerTx;
                    var parts = Enumerable.Range(0, streams)
                        .Select(s => w.RowBatches(warmup: false).Where(x => x.Node % streams == s)
                            .SelectMany(x => x.Batch.Select(r => new StoredAlert(clientId, nodeIds[x.Node], r, received, 0, null))))
                        .ToList();
                    var sw = Stopwatch.StartNew();
                    await Task.WhenAll(parts.Select(p => Task.Run(() => RawInsert.PostgresAsync(target, p))));
                    elapsed = sw.Elapsed;
                }
            }
            var machine1 = CpuStat.Read();
            pgCpu = CpuStat.PostgresSeconds(machine0, machine1);
            var machineCpu = CpuStat.Seconds(machine0, machine1);
            var other = CpuStat.ProcessSeconds(machine0, machine1) - (Process.GetCurrentProcess().TotalProcessorTime - bench0).TotalSeconds - pgCpu;
            var stored = await RawInsert.CountAsync(target);
            var expected = w.TimedAlertCount + w.WarmupAlertCount;
            if (stored != expected)
            {
                throw new InvalidOperationException($"The raw insert left {stored} rows; expected {expected}.");
            }
            return new RawResult(method, w.TimedAlertCount, elapsed.TotalSeconds, w.TimedAlertCount / elapsed.TotalSeconds, stored, pgCpu,
                Math.Max(0, other), machineCpu);
        }
        finally
        {
            await cleanup();
        }
    }
}

/// <summary>
/// CPU counters (clock ticks of 1/100 s, the Linux USER_HZ): the machine from /proc/stat, and from /proc/PID/stat every
/// <c>postgres</c> process and every kernel thread (children of kthreadd), so that the work of other user processes can be
/// told apart from ours and from the kernel's (I/O writeback, interrupts) that our own writes cause.
/// </summary>
internal readonly record struct CpuStat(long Busy, long Total, long Tasks, long Postgres, long Kernel)
{
    public static CpuStat Read()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Take(8).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var (postgres, kernel) = ScanProcesses();
            return new CpuStat(f.Sum() - f[3] - f[4], f.Sum(), f[0] + f[1] + f[2], postgres, kernel);
        }
        catch (IOException)
        {
            return default;
        }
    }

    /// <summary>Busy CPU-seconds of the whole machine (interrupts and steal included).</summary>
    public static double Seconds(CpuStat a, CpuStat b) => (b.Busy - a.Busy) / 100.0;

    public static double BusyPercent(CpuStat a, CpuStat b) =>
        b.Total == a.Total ? 0 : 100.0 * (b.Busy - a.Busy) / (b.Total - a.Total);

    public static double PostgresSeconds(CpuStat a, CpuStat b) => (b.Postgres - a.Postgres) / 100.0;

    /// <summary>CPU-seconds of user processes (ours included): user + system time minus kernel threads.</summary>
    public static double ProcessSeconds(CpuStat a, CpuStat b) => Math.Max(0, (b.Tasks - a.Tasks) - (b.Kernel - a.Kernel)) / 100.0;

    /// <summary>
    /// Samples the machine for a second at a time until it is below <paramref name="thresholdPercent"/> busy (other
    /// sessions may share it), at most <paramref name="maxWaitSeconds"/> and the harness's waiting budget; returns the
    /// last sample.
    /// </summary>
    public static async Task<double> WaitQuietAsync(double thresholdPercent = 15, int maxWaitSeconds = 60)
    {
        var limit = Math.Min(maxWaitSeconds, Disturbance.RemainingSeconds);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var a = Read();
            await Task.Delay(1000);
            var busy = BusyPercent(a, Read());
            if (busy < thresholdPercent || waited.Elapsed.TotalSeconds >= limit)
            {
                if (waited.Elapsed.TotalSeconds > 1.5)
                {
                    Disturbance.Charge(waited.Elapsed);
                }
                if (busy >= thresholdPercent)
                {
                    Log.Info($"  the machine is {busy:0} % busy (other work) after {waited.Elapsed.TotalSeconds:0} s of waiting; measuring anyway");
                }
                return busy;
            }
        }
    }

    private static (long Postgres, long Kernel) ScanProcesses()
    {
        long postgres = 0, kernel = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                if (open < 0 || close < open)
                {
                    continue;
                }
                // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
                var f = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
                if (stat[(open + 1)..close] == "postgres")
                {
                    // cutime/cstime: backends that have exited (a closed connection) are added to the postmaster's.
                    postgres += ticks + long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture);
                }
                else if (f[1] == "2" || name == "2")
                {
                    kernel += ticks;
                }
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                // not ours to read
            }
        }
        return (postgres, kernel);
    }
}

/// <summary>
/// The machine may be shared with other work. A measurement during which something else used more than 10 % of the
/// CPU time is repeated, at most twice; the last attempt is kept either way and the attempts are reported.
/// </summary>
internal static class Disturbance
{
    public const double MaxOtherShare = 0.10;
    public const int MaxAttempts = 3;

    /// <summary>Seconds the whole harness may spend waiting for quiet and repeating measurements (SOCME_BENCH_WAIT_BUDGET, default 300).</summary>
    private static readonly double Budget =
        double.TryParse(Environment.GetEnvironmentVariable("SOCME_BENCH_WAIT_BUDGET"), NumberStyles.Float, CultureInfo.InvariantCulture, out var b) ? b : 300;

    private static double spent;

    public static bool BudgetLeft => spent < Budget;

    public static double RemainingSeconds => Math.Max(0, Budget - spent);

    public static void Charge(TimeSpan t) => spent += t.TotalSeconds;

    public static async Task<T> RetryAsync<T>(Func<Task<T>> measure, Func<T, (double Other, double Machine)> cpu, Func<T, int, T> withAttempts)
    {
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await measure();
            var (other, machine) = cpu(result);
            var disturbed = other > MaxOtherShare * Math.Max(machine, 0.01);
            if (!disturbed || attempt == MaxAttempts || !BudgetLeft)
            {
                if (disturbed)
                {
                    Log.Info($"  other work used {other:0.0} of {machine:0.0} CPU-seconds during the measurement; kept (attempt {attempt}{(BudgetLeft ? "" : "; the waiting budget is spent")})");
                }
                return withAttempts(result, attempt);
            }
            Log.Info($"  other work used {other:0.0} of {machine:0.0} CPU-seconds during the measurement; repeating it (attempt {attempt + 1} of {MaxAttempts})");
            // The discarded attempt counts against the budget.
            Charge(Stopwatch.GetElapsedTime(started));
            await CpuStat.WaitQuietAsync();
        }
    }
}

internal static class Stats
{
    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToList();
        if (s.Count == 0)
        {
            return double.NaN;
        }
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}

internal sealed class DisposeAll(IEnumerable<IDisposable> items) : IDisposable
{
    private readonly List<IDisposable> items = items.ToList();

    public void Dispose()
    {
        foreach (var i in items)
        {
            i.Dispose();
        }
    }
}

internal static class Scratch
{
    public static void DeleteDirectory(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

internal static class Log
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Info(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Clock.Elapsed:mm\\:ss}] {message}"));
}
