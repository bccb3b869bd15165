using System.Globalization;

namespace Socme.NodeBench;

/// <summary>Settings of the harness, from <c>SOCME_NODEBENCH_*</c> environment variables (bench/node.sh sets them).</summary>
internal sealed record NodeBenchConfig
{
    /// <summary>Lines in each generated file.</summary>
    public long Lines { get; init; } = 1_000_000;

    /// <summary>Timed runs of each tool on each file; the median is reported.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Run the agent against the real core too (the system's speed; the core is the bottleneck).</summary>
    public bool CoreRun { get; init; } = true;

    /// <summary>End-to-end latency: alerts written per second, and for how long (a warm-up is added before).</summary>
    public int E2eRate { get; init; } = 1000;

    public int E2eSeconds { get; init; } = 60;

    public int E2eWarmupSeconds { get; init; } = 5;

    /// <summary>The CPU the measured process is pinned to ("on one core"); the harness, the fake core and the real core
    /// run on the other CPUs.</summary>
    public int MeasuredCpu { get; init; }

    public required string WorkDir { get; init; }

    /// <summary>The agent measured against the goals: <c>socme-node.dll</c> (run by <c>dotnet</c>) or the native executable
    /// (<c>dotnet publish -p:PublishAot=true</c>; bench/node.sh builds and passes it).</summary>
    public required string NodeDll { get; init; }

    /// <summary>A second agent build timed beside it on the same files (bench/node.sh: the JIT build), or null.</summary>
    public string? CompareNodeDll { get; init; }

    /// <summary>The program and arguments that run <paramref name="agent"/> (a .dll or an executable) with <paramref name="args"/>.</summary>
    public static (string File, string[] Args) Command(string agent, params string[] args) =>
        agent.EndsWith(".dll", StringComparison.Ordinal) ? ("dotnet", [agent, .. args]) : (agent, args);

    /// <summary>The program and arguments that run the measured agent with <paramref name="args"/>.</summary>
    public (string File, string[] Args) Node(params string[] args) => Command(NodeDll, args);

    /// <summary>How a build is named in the report.</summary>
    public static string BuildName(string agent) => agent.EndsWith(".dll", StringComparison.Ordinal) ? "JIT" : "native";

    public required string CoreDll { get; init; }

    public required string SelfDll { get; init; }

    public required string Corpus { get; init; }

    public required string Repo { get; init; }

    public string? Commit { get; init; }

    public static NodeBenchConfig FromEnvironment(string repo)
    {
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        static long Long(string name, long fallback) => Env(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new NodeBenchConfig
        {
            Lines = Long("SOCME_NODEBENCH_LINES", 1_000_000),
            Runs = (int)Long("SOCME_NODEBENCH_RUNS", 3),
            CoreRun = Env("SOCME_NODEBENCH_CORE_RUN") != "0",
            E2eRate = (int)Long("SOCME_NODEBENCH_E2E_RATE", 1000),
            E2eSeconds = (int)Long("SOCME_NODEBENCH_E2E_SECONDS", 60),
            WorkDir = Env("SOCME_NODEBENCH_WORK") ?? Path.Combine(Path.GetTempPath(), "socme-nodebench"),
            NodeDll = Env("SOCME_NODEBENCH_NODE_DLL") ?? Path.Combine(repo, "src", "Node", "bin", "Release", "net10.0", "socme-node.dll"),
            CompareNodeDll = Env("SOCME_NODEBENCH_COMPARE_NODE_DLL"),
            CoreDll = Env("SOCME_NODEBENCH_CORE_DLL") ?? Path.Combine(repo, "src", "Core", "bin", "Release", "net10.0", "socme-core.dll"),
            SelfDll = typeof(NodeBenchConfig).Assembly.Location,
            Corpus = Env("SOCME_CORPUS") ?? Path.GetFullPath(Path.Combine(repo, "..", "shared", "corpus")),
            Repo = repo,
            Commit = Env("SOCME_NODEBENCH_COMMIT"),
        };
    }

    /// <summary>The machine's CPUs. Not <see cref="Environment.ProcessorCount"/>: that counts the CPUs this process may
    /// run on, and bench/node.sh pins the harness to the others.</summary>
    public static int MachineCpus { get; } = Math.Max(1, File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal)));

    /// <summary>The CPUs of everything else: all but the measured one (all, on a one-CPU machine).</summary>
    public string OtherCpus => MachineCpus > 1
        ? string.Join(',', Enumerable.Range(0, MachineCpus).Where(c => c != MeasuredCpu))
        : "0";

    public static string AllCpus => $"0-{MachineCpus - 1}";
}
