using System.Globalization;

namespace Socme.Bench;

/// <summary>The database a run targets.</summary>
internal enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>Settings of the harness, from <c>SOCME_BENCH_*</c> environment variables (bench/run.sh sets them).</summary>
internal sealed record BenchConfig
{
    /// <summary>Alerts per timed ingest run (rounded up to whole batches for every node).</summary>
    public int Alerts { get; init; } = 200_000;

    /// <summary>Ingest runs per database; the report gives the median.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Alerts stored for the list query.</summary>
    public int ListRows { get; init; } = 1_000_000;

    /// <summary>Concurrent node clients.</summary>
    public int Nodes { get; init; } = 8;

    /// <summary>Alerts per ingest request.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Untimed batches each node sends first (JIT, connection pools, caches).</summary>
    public int WarmupBatches { get; init; } = 2;

    /// <summary>Timed list requests per query, after <see cref="ListWarmup"/> untimed ones.</summary>
    public int ListRequests { get; init; } = 300;

    public int ListWarmup { get; init; } = 30;

    /// <summary>Timed requests per inbox query (flat, grouped, overview), after <see cref="InboxWarmup"/> untimed ones.</summary>
    public int InboxRequests { get; init; } = 200;

    public int InboxWarmup { get; init; } = 20;

    /// <summary>Alerts the rule evaluation runs over (corpus alerts, over and over).</summary>
    public int RuleAlerts { get; init; } = 12_000;

    /// <summary>Alerts per delivery burst (throughput), and bursts per database.</summary>
    public int NotifyAlerts { get; init; } = 5_000;

    public int NotifyRuns { get; init; } = 3;

    /// <summary>Alerts per ingest request of a burst.</summary>
    public int NotifyBatch { get; init; } = 500;

    /// <summary>Alerts of the untimed first burst.</summary>
    public int NotifyWarmupAlerts { get; init; } = 3_000;

    /// <summary>The latency run: alerts per second, alerts per request, timed seconds after the warm-up seconds.</summary>
    public int NotifyRate { get; init; } = 40;

    public int NotifyTrickleBatch { get; init; } = 4;

    public int NotifySeconds { get; init; } = 45;

    public int NotifyTrickleWarmupSeconds { get; init; } = 5;

    /// <summary>Scratch folder for data folders, logs and results.</summary>
    public required string WorkDir { get; init; }

    /// <summary>socme-core.dll of the Release build.</summary>
    public required string CoreDll { get; init; }

    /// <summary>The shared corpus folder (../shared/corpus).</summary>
    public required string Corpus { get; init; }

    /// <summary>Npgsql connection string of a server where the user may create databases (Postgres runs only).</summary>
    public string? PostgresAdmin { get; init; }

    public static BenchConfig FromEnvironment(string repoRoot)
    {
        var work = Env("SOCME_BENCH_WORK") ?? Path.Combine(Path.GetTempPath(), "socme-bench");
        var corpus = Env("SOCME_CORPUS") ?? Path.GetFullPath(Path.Combine(repoRoot, "..", "shared", "corpus"));
        var dll = Env("SOCME_BENCH_CORE_DLL") ?? Path.Combine(repoRoot, "src", "Core", "bin", "Release", "net10.0", "socme-core.dll");
        return new BenchConfig
        {
            Alerts = Int("SOCME_BENCH_ALERTS", 200_000, 1),
            Runs = Int("SOCME_BENCH_RUNS", 3, 1),
            ListRows = Int("SOCME_BENCH_LIST_ROWS", 1_000_000, 1_000),
            Nodes = Int("SOCME_BENCH_NODES", 8, 1),
            BatchSize = Int("SOCME_BENCH_BATCH", 500, 1),
            WarmupBatches = Int("SOCME_BENCH_WARMUP_BATCHES", 2, 0),
            ListRequests = Int("SOCME_BENCH_LIST_REQUESTS", 300, 10),
            ListWarmup = Int("SOCME_BENCH_LIST_WARMUP", 30, 0),
            InboxRequests = Int("SOCME_BENCH_INBOX_REQUESTS", 200, 10),
            InboxWarmup = Int("SOCME_BENCH_INBOX_WARMUP", 20, 0),
            RuleAlerts = Int("SOCME_BENCH_RULE_ALERTS", 12_000, 100),
            NotifyAlerts = Int("SOCME_BENCH_NOTIFY_ALERTS", 5_000, 10),
            NotifyRuns = Int("SOCME_BENCH_NOTIFY_RUNS", 3, 1),
            NotifyBatch = Int("SOCME_BENCH_NOTIFY_BATCH", 500, 1),
            NotifyWarmupAlerts = Int("SOCME_BENCH_NOTIFY_WARMUP", 3_000, 1),
            NotifyRate = Int("SOCME_BENCH_NOTIFY_RATE", 40, 1),
            NotifyTrickleBatch = Int("SOCME_BENCH_NOTIFY_TRICKLE_BATCH", 4, 1),
            NotifySeconds = Int("SOCME_BENCH_NOTIFY_SECONDS", 45, 5),
            NotifyTrickleWarmupSeconds = Int("SOCME_BENCH_NOTIFY_TRICKLE_WARMUP", 5, 0),
            WorkDir = Path.GetFullPath(work),
            CoreDll = Path.GetFullPath(dll),
            Corpus = Path.GetFullPath(corpus),
            PostgresAdmin = Env("SOCME_BENCH_PG"),
        };
    }

    /// <summary>Timed batches per node: the alerts spread over the nodes in whole batches.</summary>
    public int TimedBatchesPerNode => (int)Math.Ceiling(Alerts / (double)(Nodes * BatchSize));

    public int TimedAlerts => TimedBatchesPerNode * Nodes * BatchSize;

    public int WarmupAlerts => WarmupBatches * Nodes * BatchSize;

    private static string? Env(string name)
    {
        var v = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(v) ? null : v.Trim();
    }

    private static int Int(string name, int fallback, int min)
    {
        var v = Env(name);
        if (v is null)
        {
            return fallback;
        }
        if (!int.TryParse(v.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min)
        {
            throw new InvalidOperationException($"{name}={v} is not a whole number >= {min}.");
        }
        return n;
    }
}
