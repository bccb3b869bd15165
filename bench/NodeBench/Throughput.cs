using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Socme.NodeBench;

/// <summary>One timed pass of one tool over one file. <c>OtherCpuFraction</c>: CPU time others (not the measured
/// process) used on the measured CPU, as a fraction of the wall time: how disturbed the measurement was.</summary>
internal sealed record Measurement(
    string File,
    string Tool,
    int Run,
    long Lines,
    long Bytes,
    double Seconds,
    double CpuSeconds,
    double OtherCpuFraction,
    long? PeakRssBytes,
    int Attempts,
    string? Note = null)
{
    public double LinesPerSecond => Lines / Seconds;

    public double MegabytesPerSecond => Bytes / Seconds / 1e6;
}

/// <summary>
/// Lines/s and MB/s of the agent's pipeline, jq and a bare JSON pass on the same files, in the same run, each pinned to
/// the measured CPU while the harness (and the fake core) runs on the other.
/// </summary>
internal sealed class Throughput(NodeBenchConfig config, FakeCore sink, Action<string> say)
{
    public const string Bare = "bare Utf8JsonReader pass";
    public const string Jq = "jq";
    public const string Agent = "socme-node → fast sink";

    /// <summary>The other build of the agent (<see cref="NodeBenchConfig.CompareNodeDll"/>), for comparison only.</summary>
    public const string AgentCompare = "socme-node, other build → fast sink";
    public const string AgentCore = "socme-node → socme-core (SQLite)";

    private const double MaxOther = 0.10;
    private static readonly int MaxAttempts = int.TryParse(Environment.GetEnvironmentVariable("SOCME_NODEBENCH_ATTEMPTS"), out var a) && a > 0 ? a : 3;
    private string Cpu => config.MeasuredCpu.ToString(CultureInfo.InvariantCulture);

    public static string JqFilter(string kind) => kind == "wazuh" ? "select(.rule.level >= 3)" : "select(.event_type == \"alert\")";

    public async Task<Measurement> BareAsync(WorkloadFile file, int run) => await RetryAsync(async attempt =>
    {
        var before = Proc.CpuTimes(config.MeasuredCpu);
        var output = await Proc.RunAsync(Cpu, "dotnet", [config.SelfDll, "bare", file.Path], TimeSpan.FromMinutes(10));
        var after = Proc.CpuTimes(config.MeasuredCpu);
        var r = JsonSerializer.Deserialize<BarePass.Result>(output.Trim().Split('\n')[^1], Json.Options)!;
        if (r.Lines != file.Lines)
        {
            throw new InvalidOperationException($"the bare pass saw {r.Lines} lines, not {file.Lines}");
        }
        // The process's start-up is outside its own clock but inside the CPU window: count only its timed part.
        var other = Math.Max(0, (after.Busy - before.Busy) - r.CpuSeconds - 0.15) / r.Seconds;
        return new Measurement(file.Kind, Bare, run, r.Lines, r.Bytes, r.Seconds, r.CpuSeconds, other, null, attempt);
    });

    public async Task<Measurement> JqAsync(WorkloadFile file, int run) => await RetryAsync(async attempt =>
    {
        var before = Proc.CpuTimes(config.MeasuredCpu);
        var sw = Stopwatch.StartNew();
        // `times` prints the children's user and system time: jq's CPU time.
        var output = await Proc.RunAsync(Cpu, "bash", ["-c", $"jq -c '{JqFilter(file.Kind)}' '{file.Path}' > /dev/null; times"], TimeSpan.FromMinutes(30));
        sw.Stop();
        var after = Proc.CpuTimes(config.MeasuredCpu);
        var cpu = ParseTimes(output);
        var other = Math.Max(0, (after.Busy - before.Busy) - cpu) / sw.Elapsed.TotalSeconds;
        return new Measurement(file.Kind, Jq, run, file.Lines, file.Bytes, sw.Elapsed.TotalSeconds, cpu, other, null, attempt);
    });

    /// <summary>The real agent against the fast sink: the file appears at the agent's path at once (a hard link); the
    /// clock runs until the sink has accepted every alert of the file.</summary>
    public async Task<Measurement> AgentAsync(WorkloadFile file, int run, bool compare = false) => await RetryAsync(async attempt =>
    {
        var agentPath = compare ? config.CompareNodeDll! : config.NodeDll;
        var tool = compare ? AgentCompare : Agent;
        var dir = Path.Combine(config.WorkDir, "runs", $"{file.Kind}-agent-{run}-{attempt}");
        try
        {
            var live = Path.Combine(dir, "live", file.Kind == "wazuh" ? "alerts.json" : "eve.json");
            Directory.CreateDirectory(Path.GetDirectoryName(live)!);
            await using var agent = await AgentProcess.StartAsync(config, Cpu, sink.Address, Path.Combine(dir, "data"), file.Kind, live, "nodebench-token", Path.Combine(config.WorkDir, "logs", $"{file.Kind}-{(compare ? "compare" : "agent")}-{run}-{attempt}.log"), agentPath);
            // Past start-up (JIT of the idle loop, first heartbeat).
            await Task.Delay(1500);
            await Proc.WaitQuietAsync(config.MeasuredCpu, 0.15, TimeSpan.FromSeconds(30));
            var reached = sink.Expect(file.Alerts);
            var before = Proc.CpuTimes(config.MeasuredCpu);
            var cpu0 = agent.CpuSeconds;
            var t0 = Stopwatch.GetTimestamp();
            Proc.HardLink(file.Path, live);
            var t1 = await reached.WaitAsync(TimeSpan.FromMinutes(15));
            var seconds = Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
            var cpu = agent.CpuSeconds - cpu0;
            var after = Proc.CpuTimes(config.MeasuredCpu);
            var rss = agent.PeakRssBytes;
            var (anon, mapped) = (Proc.StatusBytes(agent.Pid, "RssAnon"), Proc.StatusBytes(agent.Pid, "RssFile"));
            // Every line acknowledged (also the filtered tail), and nothing sent twice.
            await agent.WaitAckedAsync(file.Bytes, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
            await Task.Delay(300);
            if (sink.Lines != file.Alerts)
            {
                throw new InvalidOperationException($"the sink got {sink.Lines} lines, expected {file.Alerts}");
            }
            var exit = await agent.StopAsync();
            if (exit != 0)
            {
                throw new InvalidOperationException($"socme-node exited with {exit}");
            }
            var other = Math.Max(0, (after.Busy - before.Busy) - cpu) / seconds;
            return new Measurement(file.Kind, tool, run, file.Lines, file.Bytes, seconds, cpu, other, rss, attempt,
                string.Create(CultureInfo.InvariantCulture, $"{sink.Requests} requests; the sink took {sink.Busy.TotalSeconds:0.0} s to answer them; RSS at the end {anon / 1048576.0:0} MiB anonymous + {mapped / 1048576.0:0} MiB files"));
        }
        finally
        {
            TryDelete(dir);
        }
    });

    /// <summary>The real agent against the real core (SQLite): the system's speed. Ends when the agent's checkpoint says
    /// every line is acknowledged.</summary>
    public async Task<Measurement> AgentWithCoreAsync(WorkloadFile file)
    {
        var dir = Path.Combine(config.WorkDir, "runs", $"{file.Kind}-core");
        try
        {
            say($"{file.Kind}: starting socme-core (SQLite) for the system run");
            await using var core = await RealCore.StartAsync(config, Path.Combine(dir, "core"), config.OtherCpus, Path.Combine(config.WorkDir, "logs", $"{file.Kind}-core"));
            var admin = core.Admin();
            var data = Path.Combine(dir, "node");
            await core.EnrollAsync(config, admin, $"nodebench-{file.Kind}", data, config.OtherCpus);
            var live = Path.Combine(dir, "live", file.Kind == "wazuh" ? "alerts.json" : "eve.json");
            Directory.CreateDirectory(Path.GetDirectoryName(live)!);
            await using var agent = await AgentProcess.StartAsync(config, Cpu, core.Address, data, file.Kind, live, null, Path.Combine(config.WorkDir, "logs", $"{file.Kind}-agent-core.log"));
            await Task.Delay(1500);
            await Proc.WaitQuietAsync(null, 0.15, TimeSpan.FromSeconds(30));
            var before = Proc.CpuTimes(null);
            var cpu0 = agent.CpuSeconds;
            var coreCpu0 = core.CpuSeconds;
            var t0 = Stopwatch.GetTimestamp();
            Proc.HardLink(file.Path, live);
            var t1 = await agent.WaitAckedAsync(file.Bytes, TimeSpan.FromMinutes(30), TimeSpan.FromMilliseconds(50));
            var seconds = Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
            var cpu = agent.CpuSeconds - cpu0;
            var coreCpu = core.CpuSeconds - coreCpu0;
            var after = Proc.CpuTimes(null);
            var rss = agent.PeakRssBytes;
            await Task.Delay(2500);
            string note;
            using (var status = agent.Status())
            {
                var s = status?.RootElement.GetProperty("sources")[0];
                var shipped = s?.GetProperty("alertsShipped").GetInt64() ?? -1;
                var rejected = s?.GetProperty("rejected").GetInt64() ?? -1;
                if (shipped != file.Alerts || rejected != 0)
                {
                    throw new InvalidOperationException($"the agent shipped {shipped} alerts ({rejected} rejected), expected {file.Alerts}");
                }
                note = string.Create(CultureInfo.InvariantCulture, $"core CPU {coreCpu:0.0} s; machine {100 * (after.Busy - before.Busy) / (after.Total - before.Total):0} % busy");
            }
            await agent.StopAsync();
            var other = Math.Max(0, (after.Busy - before.Busy) - cpu - coreCpu) / seconds;
            return new Measurement(file.Kind, AgentCore, 1, file.Lines, file.Bytes, seconds, cpu, other, rss, 1, note);
        }
        finally
        {
            TryDelete(dir);
        }
    }

    /// <summary>Measures until others used at most 10 % of the measured CPU, at most <see cref="MaxAttempts"/> times;
    /// keeps the least disturbed attempt (with the number of attempts made).</summary>
    private async Task<Measurement> RetryAsync(Func<int, Task<Measurement>> measure)
    {
        Measurement? best = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            await Proc.WaitQuietAsync(config.MeasuredCpu, 0.15, TimeSpan.FromSeconds(60));
            var m = await measure(attempt);
            say(string.Create(CultureInfo.InvariantCulture,
                $"{m.File} {m.Tool} run {m.Run}: {m.LinesPerSecond:N0} lines/s, {m.MegabytesPerSecond:0.0} MB/s, {m.Seconds:0.00} s, CPU {m.CpuSeconds:0.00} s, others on the CPU {100 * m.OtherCpuFraction:0} %{(m.PeakRssBytes is { } r ? $", peak RSS {r / 1048576.0:0.0} MiB" : "")}"));
            if (best is null || m.OtherCpuFraction < best.OtherCpuFraction)
            {
                best = m;
            }
            if (m.OtherCpuFraction <= MaxOther)
            {
                break;
            }
        }
        return best!;
    }

    private static double ParseTimes(string output)
    {
        // "0m0.001s 0m0.002s\n0m12.345s 0m0.678s": the second line is the children's user and system time.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parts = lines[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Sum(p =>
        {
            var m = p.IndexOf('m', StringComparison.Ordinal);
            return double.Parse(p[..m], CultureInfo.InvariantCulture) * 60 + double.Parse(p[(m + 1)..^1], CultureInfo.InvariantCulture);
        });
    }

    public static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover scratch folder is removed with the work folder.
        }
    }
}

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
