using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Socme.NodeBench;

/// <summary>
/// The node agent benchmark harness, normally started by bench/node.sh:
/// <c>run --out RESULT.json --doc docs/performance.md</c> (everything), <c>report --results RESULT.json --doc …</c>,
/// <c>bare FILE</c> (the bare JSON pass, in its own pinned process), <c>stages FILE wazuh|suricata</c> (where the agent's
/// time goes, in process), <c>micro</c> (BenchmarkDotNet microbenchmarks of the line processor).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var verb = args.Length > 0 ? args[0] : "help";
        try
        {
            switch (verb)
            {
                case "bare":
                    Console.WriteLine(JsonSerializer.Serialize(BarePass.Run(args[1]), Json.Options).ReplaceLineEndings(" "));
                    return 0;
                case "generate":
                    var built = Workload.Build(NodeBenchConfig.FromEnvironment(RepoRoot()).Corpus, args[1], long.Parse(args[2], CultureInfo.InvariantCulture), args[3], TimeProvider.System.GetUtcNow());
                    Console.WriteLine(JsonSerializer.Serialize(built, Json.Options));
                    return 0;
                case "agent":
                    return await AgentOnceAsync(args[1], args[2]);
                case "stages":
                    return Stages.Run(args[1], args[2], args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3);
                case "micro":
                    return Micro.Run(args[1..]);
                case "run":
                    return await RunAsync(Options(args[1..]));
                case "report":
                    var o = Options(args[1..]);
                    var results = JsonSerializer.Deserialize<NodeBenchResults>(await File.ReadAllBytesAsync(o["results"]), Json.Options)!;
                    NodeReport.Write(results, o["doc"]);
                    return 0;
                default:
                    await Console.Error.WriteLineAsync("Usage: Socme.NodeBench run --out RESULT.json --doc docs/performance.md | report --results RESULT.json --doc FILE | bare FILE | generate wazuh|suricata LINES FILE | agent FILE wazuh|suricata | stages FILE wazuh|suricata [runs] | micro [--filter * --inProcess] (BenchmarkDotNet)");
                    return 2;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or Socme.Client.SocmeApiException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"Socme.NodeBench {verb}: {e}");
            return 1;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            d[args[i].TrimStart('-')] = args[i + 1];
        }
        return d;
    }

    private static void Say(string message) =>
        Console.Error.WriteLine($"==> [{TimeProvider.System.GetLocalNow():HH:mm:ss}] {message}");

    /// <summary>One timed run of the agent against the fast sink on an existing file (for working on the agent).</summary>
    private static async Task<int> AgentOnceAsync(string path, string kind)
    {
        var config = NodeBenchConfig.FromEnvironment(RepoRoot());
        Directory.CreateDirectory(config.WorkDir);
        var info = Workload.Describe(path, kind);
        await using var sink = await FakeCore.StartAsync();
        var m = await new Throughput(config, sink, Say).AgentAsync(info, 1);
        Console.WriteLine(JsonSerializer.Serialize(m, Json.Options));
        return 0;
    }

    private static async Task<int> RunAsync(Dictionary<string, string> options)
    {
        var started = Stopwatch.StartNew();
        var repo = RepoRoot();
        var config = NodeBenchConfig.FromEnvironment(repo);
        foreach (var f in new[] { config.NodeDll, config.CoreDll })
        {
            if (!File.Exists(f))
            {
                throw new InvalidOperationException($"{f} does not exist: build Release first (bench/node.sh does).");
            }
        }
        Directory.CreateDirectory(config.WorkDir);
        Proc.PidFile = Path.Combine(config.WorkDir, "children.pids");
        var startedAt = TimeProvider.System.GetUtcNow();

        Say($"generating {config.Lines:N0}-line files from {config.Corpus}");
        var files = new List<WorkloadFile>();
        foreach (var kind in new[] { "wazuh", "suricata" })
        {
            var path = Path.Combine(config.WorkDir, kind == "wazuh" ? "alerts.json" : "eve.json");
            var f = Workload.Build(config.Corpus, kind, config.Lines, path, startedAt.AddHours(-1));
            Say(string.Create(CultureInfo.InvariantCulture, $"{kind}: {f.Lines:N0} lines, {f.Bytes / 1e6:0.0} MB, {f.Alerts:N0} alerts to ship"));
            files.Add(f);
        }
        var jqVersion = (await Proc.RunAsync(null, "jq", ["--version"], TimeSpan.FromSeconds(10))).Trim();

        var measurements = new List<Measurement>();
        await using (var sink = await FakeCore.StartAsync())
        {
            var t = new Throughput(config, sink, Say);
            foreach (var file in files)
            {
                for (var run = 1; run <= config.Runs; run++)
                {
                    measurements.Add(await t.AgentAsync(file, run));
                    if (config.CompareNodeDll is not null)
                    {
                        measurements.Add(await t.AgentAsync(file, run, compare: true));
                    }
                    measurements.Add(await t.BareAsync(file, run));
                    measurements.Add(await t.JqAsync(file, run));
                }
            }
            if (config.CoreRun)
            {
                foreach (var file in files)
                {
                    measurements.Add(await t.AgentWithCoreAsync(file));
                }
            }
        }

        var latency = await new Latency(config, Say).RunAsync(CancellationToken.None);
        Say(string.Create(CultureInfo.InvariantCulture, $"latency at {latency.Rate} alerts/s: p50 {latency.P50Ms:0} ms, p99 {latency.P99Ms:0} ms, {latency.Missing} missing"));

        foreach (var f in files)
        {
            File.Delete(f.Path);
        }
        var results = new NodeBenchResults(
            Machine.Describe(repo, config.Commit),
            startedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            started.Elapsed.TotalSeconds,
            config.Lines,
            config.Runs,
            config.MeasuredCpu,
            jqVersion,
            files.Select(f => f with { Path = Path.GetFileName(f.Path) }).ToList(),
            measurements,
            latency,
            NodeBenchConfig.BuildName(config.NodeDll),
            config.CompareNodeDll is { } other ? NodeBenchConfig.BuildName(other) : null);
        if (options.TryGetValue("out", out var output))
        {
            await File.WriteAllBytesAsync(output, JsonSerializer.SerializeToUtf8Bytes(results, Json.Options));
        }
        if (options.TryGetValue("doc", out var doc))
        {
            NodeReport.Write(results, doc);
            Say($"wrote {doc}");
        }
        return 0;
    }

    private static string RepoRoot()
    {
        if (Environment.GetEnvironmentVariable("SOCME_NODEBENCH_REPO") is { Length: > 0 } r)
        {
            return r;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SOCme.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (SOCme.slnx); set SOCME_NODEBENCH_REPO.");
    }
}

internal sealed record MachineInfo(int Nproc, string Cpu, string Memory, string Os, string Kernel, string DotNet, string Commit, string Disk);

internal sealed record NodeBenchResults(
    MachineInfo Machine,
    string StartedAt,
    double Seconds,
    long Lines,
    int Runs,
    int MeasuredCpu,
    string JqVersion,
    List<WorkloadFile> Files,
    List<Measurement> Measurements,
    LatencyResult Latency,
    string? AgentBuild = null,
    string? CompareBuild = null);

internal static class Machine
{
    public static MachineInfo Describe(string repo, string? commit)
    {
        var cpu = Line("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = Line("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var memory = memKb is null ? "?" : string.Create(CultureInfo.InvariantCulture, $"{long.Parse(memKb, CultureInfo.InvariantCulture) / 1048576.0:0.0} GiB");
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "Linux"
            : RuntimeInformation.OSDescription;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "?";
        var disk = "?";
        try
        {
            var dev = File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).Where(p => p.Length > 2 && repo.StartsWith(p[1], StringComparison.Ordinal))
                .OrderByDescending(p => p[1].Length).FirstOrDefault();
            disk = dev is null ? "?" : $"{dev[2]} on {dev[0]}";
        }
        catch (IOException)
        {
            // Only descriptive.
        }
        return new MachineInfo(NodeBenchConfig.MachineCpus, cpu, memory, os, kernel, RuntimeInformation.FrameworkDescription, commit ?? "?", disk);
    }

    private static string? Line(string file, string key) =>
        File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
}
