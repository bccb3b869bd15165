using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Socme.Alerts;
using Socme.Client;

namespace Socme.NodeBench;

/// <summary>End-to-end latency: from a line written to the live file to the alert listed by <c>GET /api/v1/alerts</c>.</summary>
internal sealed record LatencyResult(
    int Rate,
    int Seconds,
    int WarmupSeconds,
    long Written,
    long Measured,
    long Missing,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    double MeanPollMs,
    double AchievedRate,
    long? AgentPeakRssBytes,
    double AgentCpuSeconds,
    double CoreCpuSeconds);

/// <summary>
/// The real core (SQLite) and the real agent, unpinned; a writer appends Wazuh alerts (level ≥ 3, unique ids) to the
/// agent's live file at a steady rate, in 10 ms ticks, and remembers when each line was written; a poller reads the
/// newest alerts (<c>GET /api/v1/alerts?limit=500</c>, newest first, paging back until it meets alerts it has seen) back
/// to back and takes the time each new key is first listed. The latency of an alert is the time it is first listed
/// minus the time its line was written (one clock, one process). Alerts written during the warm-up are not counted.
/// </summary>
internal sealed class Latency(NodeBenchConfig config, Action<string> say)
{
    public async Task<LatencyResult> RunAsync(CancellationToken ct)
    {
        var dir = Path.Combine(config.WorkDir, "runs", "e2e");
        try
        {
            say("latency: starting socme-core (SQLite) and socme-node");
            await using var core = await RealCore.StartAsync(config, Path.Combine(dir, "core"), NodeBenchConfig.AllCpus, Path.Combine(config.WorkDir, "logs", "e2e"));
            var admin = core.Admin();
            var data = Path.Combine(dir, "node");
            await core.EnrollAsync(config, admin, "nodebench-latency", data, NodeBenchConfig.AllCpus);
            var live = Path.Combine(dir, "live", "alerts.json");
            Directory.CreateDirectory(Path.GetDirectoryName(live)!);
            await File.WriteAllBytesAsync(live, [], ct);
            await using var agent = await AgentProcess.StartAsync(config, NodeBenchConfig.AllCpus, core.Address, data, "wazuh", live, null, Path.Combine(config.WorkDir, "logs", "e2e-agent.log"));

            // Corpus lines the agent ships (level >= 3): every line written is an alert that must arrive.
            var templates = Workload.ReadCorpus(config.Corpus, "wazuh")
                .Where(l => AlertParser.Classify(AlertSource.Wazuh, l, out var level) == LineKind.Alert && level >= 3)
                .Select(l => Encoding.UTF8.GetString(l))
                .ToList();
            var written = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var firstSeen = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var warmupEnd = TimeSpan.FromSeconds(config.E2eWarmupSeconds);
            var total = TimeSpan.FromSeconds(config.E2eWarmupSeconds + config.E2eSeconds);
            var measured = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            long polls = 0;
            double pollMs = 0;
            var poller = Task.Run(async () =>
            {
                var reader = core.Admin();
                while (!stop.IsCancellationRequested)
                {
                    var started = Stopwatch.GetTimestamp();
                    string? cursor = null;
                    for (var page = 0; page < 20; page++)
                    {
                        AlertPage result;
                        try
                        {
                            result = await reader.ListAlertsAsync(null, 500, cursor, stop.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }
                        var now = Stopwatch.GetTimestamp();
                        var sawKnown = false;
                        foreach (var a in result.Items)
                        {
                            if (!firstSeen.TryAdd(a.Key, now))
                            {
                                sawKnown = true;
                            }
                        }
                        if (sawKnown || result.NextCursor is null || result.Items.Count == 0)
                        {
                            break;
                        }
                        cursor = result.NextCursor;
                    }
                    polls++;
                    pollMs += Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    await Task.Delay(10, CancellationToken.None);
                }
            }, CancellationToken.None);

            say(string.Create(CultureInfo.InvariantCulture, $"latency: writing {config.E2eRate} alerts/s for {config.E2eWarmupSeconds} + {config.E2eSeconds} s"));
            var cpuAgent0 = agent.CpuSeconds;
            var cpuCore0 = core.CpuSeconds;
            var epoch = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
            long n = 0;
            var t0 = Stopwatch.GetTimestamp();
            await using (var file = new FileStream(live, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0))
            {
                var sb = new StringBuilder();
                var tick = 0;
                while (true)
                {
                    var elapsed = Stopwatch.GetElapsedTime(t0);
                    if (elapsed >= total)
                    {
                        break;
                    }
                    var due = (long)(elapsed.TotalSeconds * config.E2eRate);
                    sb.Clear();
                    var keys = new List<string>();
                    var time = TimeProvider.System.GetUtcNow();
                    for (; n < due; n++)
                    {
                        var key = string.Create(CultureInfo.InvariantCulture, $"{epoch}.{n + 1}");
                        var line = templates[(int)(n % templates.Count)];
                        sb.Append(Rewrite(line, time, key)).Append('\n');
                        keys.Add(key);
                    }
                    if (keys.Count > 0)
                    {
                        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
                        var at = Stopwatch.GetTimestamp();
                        file.Write(bytes);
                        foreach (var k in keys)
                        {
                            written[k] = at;
                            if (elapsed >= warmupEnd)
                            {
                                measured[k] = true;
                            }
                        }
                    }
                    tick++;
                    var next = TimeSpan.FromMilliseconds(10 * tick) - Stopwatch.GetElapsedTime(t0);
                    if (next > TimeSpan.Zero)
                    {
                        await Task.Delay(next, ct);
                    }
                }
            }
            var writeSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            say(string.Create(CultureInfo.InvariantCulture, $"latency: {n} alerts written in {writeSeconds:0.0} s; waiting for the last ones"));
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < TimeSpan.FromSeconds(15) && measured.Keys.Any(k => !firstSeen.ContainsKey(k)))
            {
                await Task.Delay(100, ct);
            }
            await stop.CancelAsync();
            await poller;
            var cpuAgent = agent.CpuSeconds - cpuAgent0;
            var cpuCore = core.CpuSeconds - cpuCore0;
            var rss = agent.PeakRssBytes;

            var latencies = measured.Keys.Where(firstSeen.ContainsKey)
                .Select(k => Stopwatch.GetElapsedTime(written[k], firstSeen[k]).TotalMilliseconds)
                .Order().ToArray();
            var missing = measured.Count - latencies.Length;
            if (latencies.Length == 0)
            {
                throw new InvalidOperationException("no alert arrived");
            }
            return new LatencyResult(config.E2eRate, config.E2eSeconds, config.E2eWarmupSeconds, n, latencies.Length, missing,
                Percentile(latencies, 0.50), Percentile(latencies, 0.90), Percentile(latencies, 0.99), latencies[^1],
                polls == 0 ? 0 : pollMs / polls, n / writeSeconds, rss, cpuAgent, cpuCore);
        }
        finally
        {
            Throughput.TryDelete(dir);
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>The corpus line with a fresh timestamp and the given id (top-level values replaced; others kept).</summary>
    private static string Rewrite(string line, DateTimeOffset time, string id)
    {
        using var doc = JsonDocument.Parse(line);
        using var ms = new MemoryStream(line.Length + 64);
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            bool t = false, i = false;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.NameEquals("timestamp"))
                {
                    if (!t)
                    {
                        w.WriteString("timestamp", time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture));
                        t = true;
                    }
                }
                else if (p.NameEquals("id"))
                {
                    if (!i)
                    {
                        w.WriteString("id", id);
                        i = true;
                    }
                }
                else
                {
                    p.WriteTo(w);
                }
            }
            if (!t)
            {
                w.WriteString("timestamp", time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture));
            }
            if (!i)
            {
                w.WriteString("id", id);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }
}
