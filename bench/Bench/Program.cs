using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Socme.Bench;

// The SOCme core benchmark harness. Normally started by bench/run.sh:
//   Socme.Bench run --provider sqlite|postgres --out RESULT.json [--only ingest,list,inbox,notify]
//   Socme.Bench report --results DIR --doc docs/performance.md
var verb = args.Length > 0 ? args[0] : "help";
var options = ParseOptions(args.Skip(1).ToArray());
try
{
    return verb switch
    {
        "run" => await RunAsync(options),
        "report" => Report(options),
        _ => Usage(),
    };
}
catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or Socme.Client.SocmeApiException or Npgsql.NpgsqlException or SqliteException)
{
    await Console.Error.WriteLineAsync($"Socme.Bench {verb}: {e}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("""
        Usage: Socme.Bench run --provider sqlite|postgres --out RESULT.json [--only ingest,list,inbox,notify]
               Socme.Bench report --results DIR --doc docs/performance.md
        Environment: SOCME_BENCH_ALERTS, SOCME_BENCH_RUNS, SOCME_BENCH_LIST_ROWS, SOCME_BENCH_WORK, SOCME_BENCH_PG
        (an Npgsql connection string of a server where the user may create databases), SOCME_BENCH_CORE_DLL, SOCME_CORPUS.
        """);
    return 2;
}

static Dictionary<string, string> ParseOptions(string[] args)
{
    var d = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
        {
            throw new ArgumentException($"Unexpected argument '{args[i]}'.");
        }
        d[args[i][2..]] = args[++i];
    }
    return d;
}

static async Task<int> RunAsync(Dictionary<string, string> options)
{
    var provider = options.GetValueOrDefault("provider") switch
    {
        "sqlite" => Provider.Sqlite,
        "postgres" => Provider.Postgres,
        var p => throw new InvalidOperationException($"--provider must be sqlite or postgres, not '{p}'."),
    };
    var output = options.GetValueOrDefault("out") ?? throw new InvalidOperationException("--out is required.");
    var parts = (options.GetValueOrDefault("only") ?? "ingest,list,inbox,notify").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    if (parts.Length == 0 || parts.Any(p => p is not ("ingest" or "list" or "inbox" or "notify")))
    {
        throw new InvalidOperationException("--only takes a comma list of ingest, list, inbox and notify.");
    }
    var repo = RepoRoot();
    var config = BenchConfig.FromEnvironment(repo);
    Directory.CreateDirectory(config.WorkDir);
    if (!File.Exists(config.CoreDll))
    {
        throw new InvalidOperationException($"{config.CoreDll} does not exist; build src/Core in Release first (bench/run.sh does).");
    }
    PostgresServer? pg = null;
    string dbDescription;
    if (provider == Provider.Postgres)
    {
        pg = new PostgresServer(config.PostgresAdmin ?? throw new InvalidOperationException("SOCME_BENCH_PG is required for --provider postgres."));
        if (Environment.GetEnvironmentVariable("SOCME_BENCH_PG_SET_DURABLE") == "1")
        {
            await pg.MakeDurableAsync();
        }
        dbDescription = "PostgreSQL " + await pg.DescribeAsync();
    }
    else
    {
        await using var mem = new SqliteConnection("Data Source=:memory:");
        await mem.OpenAsync();
        await using var cmd = mem.CreateCommand();
        cmd.CommandText = "SELECT sqlite_version()";
        dbDescription = $"SQLite {await cmd.ExecuteScalarAsync()} (the core's e_sqlite3), journal_mode=WAL, synchronous=NORMAL, wal_autocheckpoint={Socme.Core.Infrastructure.Database.SqlitePragmas.WalAutocheckpointPages}";
    }
    Log.Info($"[{provider}] {dbDescription}");
    var started = TimeProvider.System.GetUtcNow();
    var sw = Stopwatch.StartNew();

    var corpus = CorpusFiles.Load(config.Corpus);
    WorkloadInfo? workloadInfo = null;
    List<IngestRunResult>? ingest = null;
    ListResult? list = null;
    InboxResult? inbox = null;
    NotifyBenchResult? notify = null;
    if (parts.Contains("ingest"))
    {
        Log.Info($"[{provider}] building {config.TimedAlerts + config.WarmupAlerts:N0} alerts ({config.Nodes} nodes x {config.TimedBatchesPerNode} timed + {config.WarmupBatches} warm-up batches of {config.BatchSize}) from {corpus.Count} corpus lines");
        var workload = IngestWorkload.Build(config, corpus);
        workloadInfo = new WorkloadInfo(config.Nodes, config.BatchSize, workload.TimedAlertCount, workload.WarmupAlertCount, workload.WazuhCount,
            workload.SuricataCount, workload.UncompressedBytes, workload.CompressedBytes, corpus.Count);
        Log.Info($"[{provider}] bodies ready: {workload.UncompressedBytes / 1048576.0:N0} MiB NDJSON, {workload.CompressedBytes / 1048576.0:N0} MiB gzip; Wazuh {workload.WazuhCount:N0}, Suricata {workload.SuricataCount:N0}");
        ingest = await new IngestBench(config, provider, pg).RunAsync(workload);
        workload = null;
        GC.Collect();
    }
    if (parts.Contains("list"))
    {
        list = await new ListBench(config, provider, pg).RunAsync(corpus);
    }
    if (parts.Contains("inbox"))
    {
        inbox = await new InboxBench(config, provider, pg).RunAsync(corpus);
    }
    if (parts.Contains("notify"))
    {
        // SOCME_BENCH_NOTIFY_DELIVERIES=0 runs only the rule evaluation (in process, no database).
        var rules = await RuleBench.RunAsync(corpus, config.RuleAlerts, provider.ToString());
        var deliveries = Environment.GetEnvironmentVariable("SOCME_BENCH_NOTIFY_DELIVERIES") == "0"
            ? null
            : await new NotifyBench(config, provider, pg).RunAsync(corpus);
        notify = new NotifyBenchResult(rules, deliveries);
    }
    var result = new ProviderResults(provider.ToString(), dbDescription, started.ToString("u", CultureInfo.InvariantCulture), sw.Elapsed.TotalSeconds,
        config.Runs, workloadInfo, ingest, list, inbox, Machine.Describe(repo), notify);
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, ResultJson.Options));
    Log.Info($"[{provider}] done in {sw.Elapsed.TotalMinutes:0.0} min; results in {output}");
    return 0;
}

static int Report(Dictionary<string, string> options)
{
    var dir = options.GetValueOrDefault("results") ?? throw new InvalidOperationException("--results is required.");
    var doc = options.GetValueOrDefault("doc") ?? throw new InvalidOperationException("--doc is required.");
    var results = Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal)
        .Select(f => JsonSerializer.Deserialize<ProviderResults>(File.ReadAllText(f), ResultJson.Options)!)
        .OrderBy(r => r.Provider == "Sqlite" ? 0 : 1)
        .ToList();
    if (results.Count == 0)
    {
        throw new InvalidOperationException($"No result file in {dir}.");
    }
    var total = options.GetValueOrDefault("total-seconds");
    if (results.Any(r => r.Ingest is { Count: > 0 } || r.List is not null))
    {
        PerformanceReport.WriteSection(doc, PerformanceReport.Render(results, total));
        Console.Error.WriteLine($"Wrote the core benchmark section of {doc}.");
    }
    if (results.Any(r => r.Inbox is not null))
    {
        PerformanceReport.WriteSection(doc, InboxReport.Render(results, total), InboxReport.Start, InboxReport.End);
        Console.Error.WriteLine($"Wrote the inbox benchmark section of {doc}.");
    }
    if (results.Any(r => r.Notify is not null))
    {
        PerformanceReport.WriteSection(doc, NotifyReport.Render(results, total), NotifyReport.Start, NotifyReport.End);
        Console.Error.WriteLine($"Wrote the notification benchmark section of {doc}.");
    }
    return 0;
}

static string RepoRoot()
{
    var env = Environment.GetEnvironmentVariable("SOCME_BENCH_REPO");
    if (!string.IsNullOrEmpty(env))
    {
        return Path.GetFullPath(env);
    }
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "SOCme.slnx")))
            {
                return d.FullName;
            }
        }
    }
    throw new InvalidOperationException("The repository root (SOCme.slnx) was not found; set SOCME_BENCH_REPO.");
}

namespace Socme.Bench
{
    internal sealed record WorkloadInfo(int Nodes, int BatchSize, int TimedAlerts, int WarmupAlerts, int Wazuh, int Suricata, long UncompressedBytes, long CompressedBytes, int CorpusLines);

    internal sealed record MachineInfo(int Nproc, string Cpu, string Memory, string Os, string Kernel, string DotNet, string Commit, string Date);

    internal sealed record ProviderResults(string Provider, string Database, string StartedAt, double Seconds, int Runs, WorkloadInfo? Workload,
        List<IngestRunResult>? Ingest, ListResult? List, InboxResult? Inbox, MachineInfo Machine, NotifyBenchResult? Notify = null);

    internal static class ResultJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    }

    internal static class Machine
    {
        public static MachineInfo Describe(string repo)
        {
            var cpu = ProcLine("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
            var memKb = ProcLine("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            var mem = memKb is not null && long.TryParse(memKb, CultureInfo.InvariantCulture, out var kb) ? $"{kb / 1048576.0:0.0} GiB" : "?";
            var os = File.Exists("/etc/os-release")
                ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux"
                : RuntimeInformation.OSDescription;
            var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription;
            var commit = Environment.GetEnvironmentVariable("SOCME_BENCH_COMMIT") ?? Git(repo, "rev-parse --short HEAD") ?? "?";
            return new MachineInfo(Environment.ProcessorCount, cpu, mem, os, kernel, RuntimeInformation.FrameworkDescription, commit,
                TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        }

        private static string? ProcLine(string file, string key)
        {
            if (!File.Exists(file))
            {
                return null;
            }
            var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim();
        }

        private static string? Git(string repo, string args)
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo("git", args) { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
                if (p is null)
                {
                    return null;
                }
                var output = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                return p.ExitCode == 0 ? output : null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
        }
    }
}
