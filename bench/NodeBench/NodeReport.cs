using System.Globalization;
using System.Text;

namespace Socme.NodeBench;

/// <summary>Writes the section between <c>&lt;!-- bench:node:start --&gt;</c> and <c>&lt;!-- bench:node:end --&gt;</c> of
/// docs/performance.md (appended at the end when the markers are absent); the rest of the file is kept as it is.</summary>
internal static class NodeReport
{
    public const string Start = "<!-- bench:node:start -->";
    public const string End = "<!-- bench:node:end -->";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(NodeBenchResults r, string docPath)
    {
        var section = Render(r);
        var doc = File.Exists(docPath) ? File.ReadAllText(docPath) : "# Performance\n";
        var s = doc.IndexOf(Start, StringComparison.Ordinal);
        var e = doc.IndexOf(End, StringComparison.Ordinal);
        string updated;
        if (s >= 0 && e > s)
        {
            updated = doc[..s] + section + doc[(e + End.Length)..];
        }
        else
        {
            updated = doc.TrimEnd('\n') + "\n\n" + section + "\n";
        }
        File.WriteAllText(docPath, updated);
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static string Met(bool met) => met ? "**met**" : "**not met**";

    private static string Mib(long? bytes) => bytes is { } b ? string.Create(Inv, $"{b / 1048576.0:0.0} MiB") : "–";

    internal static string Render(NodeBenchResults r)
    {
        var sb = new StringBuilder();
        void L(string line = "") => sb.Append(line).Append('\n');
        var m = r.Machine;
        var ms = r.Measurements;
        double Med(string file, string tool, Func<Measurement, double> f) => Median(ms.Where(x => x.File == file && x.Tool == tool).Select(f));
        string Label(string tool) => tool switch
        {
            Throughput.Agent when r.AgentBuild is { } b => $"socme-node ({b}) → fast sink",
            Throughput.AgentCompare => $"socme-node ({r.CompareBuild}) → fast sink",
            _ => tool,
        };

        L(Start);
        L("## Node agent: pipeline throughput and end-to-end latency");
        L();
        L(string.Create(Inv, $"_Written by `bench/node.sh` on {r.StartedAt} at commit `{m.Commit}` (the whole run took {r.Seconds / 60:0.0} min). The next run replaces everything between the `bench:node` markers._"));
        L();
        L("### How to run");
        L();
        L("```sh");
        L("bench/node.sh    # builds Release, generates the files, runs everything, rewrites this section");
        L("SOCME_NODEBENCH_LINES=200000 SOCME_NODEBENCH_RUNS=1 SOCME_NODEBENCH_CORE_RUN=0 SOCME_NODEBENCH_E2E_SECONDS=20 bench/node.sh    # a quick smoke run");
        L("```");
        L();
        L("Options (environment): `SOCME_NODEBENCH_LINES` lines per file (default 1,000,000), `SOCME_NODEBENCH_RUNS` timed runs of");
        L("each tool on each file, the median is reported (default 3), `SOCME_NODEBENCH_CORE_RUN` (default 1; 0 skips the runs against");
        L("the real core), `SOCME_NODEBENCH_E2E_RATE` alerts written per second (default 1,000) for `SOCME_NODEBENCH_E2E_SECONDS`");
        L("(default 60, after a 5 s warm-up), `SOCME_NODEBENCH_KEEP=1` keeps the work folder (logs, results JSON). The harness is");
        L("`bench/NodeBench` (assembly `Socme.NodeBench`); `dotnet bench/NodeBench/bin/Release/net10.0/Socme.NodeBench.dll stages FILE wazuh`");
        L("shows where the agent's time goes, stage by stage, in one process. A benchmark, not a test: a goal not met is reported, not failed.");
        L();
        L("### What is measured");
        L();
        L(string.Create(Inv, $"- **Files.** Two files of {r.Lines:N0} lines each, built from the shared corpus (read from `SOCME_CORPUS`, never copied into"));
        L("  the repository): the Wazuh `alerts.json` lines, and the Suricata EVE lines with the corpus's mix of event types, in file");
        L("  order, over and over, each line with a fresh `timestamp` and a unique Wazuh `id` / Suricata `flow_id` (as the demo's");
        L("  `CorpusReplayer` writes them; every other byte is the corpus line's).");
        L(r.AgentBuild == "native"
            ? "- **The agent** is the real deployable, the native executable (`dotnet publish src/Node -c Release -r linux-x64 -p:PublishAot=true`,"
            : "- **The agent** is the real deployable, `socme-node.dll` under the JIT (`dotnet socme-node.dll`,");
        L("  docs/node.md), `socme-node run --core URL --data DIR --wazuh|--suricata FILE --from-beginning`, started");
        L(string.Create(Inv, $"  with `taskset -c {r.MeasuredCpu}` (one core) on a fresh data folder on the same ext4 disk as the repository (real fsyncs). When it"));
        L("  is up (its status file written, then 1.5 s), the whole file appears at its path at once (a hard link) and the clock starts;");
        L("  it stops when the sink has accepted the file's last alert. So the time covers the whole pipeline as the agent runs it:");
        L("  tail → classify/filter → key, envelope, CRC frame → spool append + fsync → `spooled` checkpoint → read back, gzip, POST");
        L("  → `acked` checkpoint + spool cursor. The run fails unless the sink got exactly the file's alerts (no loss, no duplicate) and");
        L("  the `acked` checkpoint reaches the end of the file. **Peak RSS** is the agent's `VmHWM` from `/proc/PID/status`.");
        if (r.CompareBuild is { } cb)
        {
            L(string.Create(Inv, $"  The {cb} build of the same code (\"{Label(Throughput.AgentCompare)}\" below{(cb == "JIT" ? ", `dotnet socme-node.dll`, tiered compilation off" : "")}) runs the same way, right"));
            L("  after it, for comparison; the goals are the deployable's.");
        }
        L("- **The fast sink** (`FakeCore`, in the harness, on the other CPU) is a tiny Kestrel endpoint: it gunzips each batch, counts");
        L("  its lines and answers 200 `{\"accepted\":N,\"duplicates\":0,\"rejected\":[]}`. This measures the agent's own speed.");
        L("- **The bare pass** (the limit): one `Utf8JsonReader` over every token of every line, reading the file in 256 KiB blocks and");
        L("  cutting lines as the tailer does, in its own process pinned to the same CPU (start-up not timed).");
        L(string.Create(Inv, $"- **jq** ({r.JqVersion}), a tool users reach for: `jq -c '{Throughput.JqFilter("wazuh")}'` on the Wazuh file and"));
        L(string.Create(Inv, $"  `jq -c '{Throughput.JqFilter("suricata")}'` on the EVE file, output to /dev/null, pinned to the same CPU."));
        L("- Each run takes the three in turn on the same file (files in the page cache); the median of the runs is reported, and the");
        L("  ratios are those of the medians. MB = 10^6 bytes of input file.");
        L("- **The system** (`socme-node → socme-core`): the same agent, pinned alike, against the real core (`socme-core serve`, SQLite,");
        L("  fresh data folder, node enrolled with `socme-node enroll`) on the other CPU; the clock stops when the agent's `acked`");
        L("  checkpoint reaches the end of the file. Here the core's ingest is the bottleneck; one run per file.");
        L("- **End-to-end latency**: the real core (SQLite) and the real agent, not pinned; a writer appends Wazuh alerts (level ≥ 3,");
        L("  unique ids) to the agent's live file in 10 ms ticks at the stated rate and notes when each line was written; a poller");
        L("  reads `GET /api/v1/alerts?limit=500` (newest first; paging back until it meets alerts it has already seen) back to back");
        L("  (10 ms pause) and notes when each alert is first listed. Latency = first listed − written, one clock. The agent runs with");
        L("  its defaults: poll 100 ms, `BatchMaxDelay` 250 ms.");
        L("- **Caveats.** The machine is shared with other work (builds, tests, the core benchmark): before each timed part the harness");
        L("  waits (at most 60 s) until the measured CPU is less than 15 % busy; a measurement during which others used more than 10 % of");
        L("  the measured CPU is repeated (at most twice; the least disturbed attempt is kept, with its own number in \"attempts\"). \"others\" below is the measured CPU's busy time minus");
        L("  the measured process's CPU time, so it includes kernel work our own I/O causes (page cache, journal).");
        L();
        L("### Machine");
        L();
        L("| nproc | CPU | memory | OS | kernel | .NET | disk (data folders) | date | commit |");
        L("|---|---|---|---|---|---|---|---|---|");
        L($"| {m.Nproc} | {m.Cpu} | {m.Memory} | {m.Os} | {m.Kernel} | {m.DotNet} | {m.Disk} | {r.StartedAt} | `{m.Commit}` |");
        L();
        L("| file | lines | size | alerts shipped | lines by event type |");
        L("|---|---:|---:|---:|---|");
        foreach (var f in r.Files)
        {
            var types = string.Join(", ", f.EventTypes.OrderByDescending(kv => kv.Value).Select(kv => string.Create(Inv, $"{kv.Key} {kv.Value:N0}")));
            L(string.Create(Inv, $"| `{f.Path}` ({f.Kind}) | {f.Lines:N0} | {f.Bytes / 1e6:0.0} MB ({(double)f.Bytes / f.Lines:0} B/line) | {f.Alerts:N0} | {types} |"));
        }
        L();

        L("### Goals");
        L();
        L("| Goal | " + string.Join(" | ", r.Files.Select(f => f.Kind == "wazuh" ? "Wazuh alerts.json" : "Suricata EVE")) + " |");
        L("|---|" + string.Concat(r.Files.Select(_ => "---|")));
        string Row(Func<WorkloadFile, string> cell) => string.Join(" | ", r.Files.Select(cell));
        L("| ≥ 150,000 lines/s on one core (median) | " + Row(f =>
        {
            var v = Med(f.Kind, Throughput.Agent, x => x.LinesPerSecond);
            return string.Create(Inv, $"{v:N0} lines/s — {Met(v >= 150_000)}");
        }) + " |");
        L("| ≥ 10× jq | " + Row(f =>
        {
            var v = Med(f.Kind, Throughput.Agent, x => x.LinesPerSecond) / Med(f.Kind, Throughput.Jq, x => x.LinesPerSecond);
            return string.Create(Inv, $"{v:0.0}× — {Met(v >= 10)}");
        }) + " |");
        L("| ≥ 50 % of the bare pass | " + Row(f =>
        {
            var v = Med(f.Kind, Throughput.Agent, x => x.LinesPerSecond) / Med(f.Kind, Throughput.Bare, x => x.LinesPerSecond);
            return string.Create(Inv, $"{v:P0} — {Met(v >= 0.5)}");
        }) + " |");
        L("| peak RSS ≤ 80 MB (worst run) | " + Row(f =>
        {
            // The deployable's runs (against the fast sink and the real core), not the other build's.
            var v = ms.Where(x => x.File == f.Kind && x.PeakRssBytes is not null && x.Tool != Throughput.AgentCompare).Max(x => x.PeakRssBytes!.Value);
            return string.Create(Inv, $"{v / 1e6:0.0} MB ({Mib(v)}) — {Met(v <= 80_000_000)}");
        }) + " |");
        var lat = r.Latency;
        L(string.Create(Inv, $"| end-to-end p99 ≤ 1 s at {lat.Rate:N0} alerts/s (Wazuh) | p99 {lat.P99Ms:N0} ms (p50 {lat.P50Ms:N0} ms) — {Met(lat.P99Ms <= 1000 && lat.Missing == 0)} | |"));
        L();

        L("### Throughput (median of " + r.Runs.ToString(Inv) + " runs, one core)");
        L();
        L("| file | tool | lines/s | MB/s | agent ÷ tool | CPU s per 1M lines | peak RSS |");
        L("|---|---|---:|---:|---:|---:|---:|");
        foreach (var f in r.Files)
        {
            var agent = Med(f.Kind, Throughput.Agent, x => x.LinesPerSecond);
            foreach (var tool in new[] { Throughput.Agent, Throughput.AgentCompare, Throughput.Bare, Throughput.Jq, Throughput.AgentCore })
            {
                var runs = ms.Where(x => x.File == f.Kind && x.Tool == tool).ToList();
                if (runs.Count == 0)
                {
                    continue;
                }
                var lps = Median(runs.Select(x => x.LinesPerSecond));
                var ratio = tool == Throughput.Agent ? "–" : string.Create(Inv, $"{agent / lps:0.00}");
                var rss = runs.Any(x => x.PeakRssBytes is not null) ? Mib(runs.Max(x => x.PeakRssBytes)) : "–";
                var bold = tool == Throughput.Agent ? "**" : "";
                L(string.Create(Inv, $"| {f.Kind} | {Label(tool)}{(tool == Throughput.AgentCore ? " (1 run)" : "")} | {bold}{lps:N0}{bold} | {Median(runs.Select(x => x.MegabytesPerSecond)):0.0} | {ratio} | {Median(runs.Select(x => x.CpuSeconds / x.Lines * 1e6)):0.00} | {rss} |"));
            }
        }
        L();
        L("Every run (\"others\": CPU time others used on the measured CPU during the run, as a share of its wall time):");
        L();
        L("| file | tool | run | s | lines/s | MB/s | CPU s | others | peak RSS | attempts | note |");
        L("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var x in ms)
        {
            L(string.Create(Inv, $"| {x.File} | {Label(x.Tool)} | {x.Run} | {x.Seconds:0.00} | {x.LinesPerSecond:N0} | {x.MegabytesPerSecond:0.0} | {x.CpuSeconds:0.00} | {100 * x.OtherCpuFraction:0} % | {Mib(x.PeakRssBytes)} | {x.Attempts} | {x.Note ?? ""} |"));
        }
        L();
        L("### End-to-end latency (line written → alert listed by the API)");
        L();
        L("| rate | alerts measured | missing | p50 | p90 | p99 | max | poll round trip (mean) | agent CPU | core CPU | agent peak RSS |");
        L("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        L(string.Create(Inv, $"| {lat.AchievedRate:N0}/s for {lat.Seconds} s | {lat.Measured:N0} | {lat.Missing} | {lat.P50Ms:N0} ms | {lat.P90Ms:N0} ms | **{lat.P99Ms:N0} ms** | {lat.MaxMs:N0} ms | {lat.MeanPollMs:0.0} ms | {lat.AgentCpuSeconds:0.0} s | {lat.CoreCpuSeconds:0.0} s | {Mib(lat.AgentPeakRssBytes)} |"));
        L(End);
        return sb.ToString();
    }
}
