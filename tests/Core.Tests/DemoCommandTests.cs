using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>
/// <c>socme-core demo</c>, the real process: the core on SQLite, two enrolled nodes whose real agents tail files the
/// replayer fills and rotates, only alerts arriving in the core from both, nodes online, and a clean stop on SIGINT
/// after which the core holds exactly the alerts that were written (no loss, no duplicate across rotations).
/// </summary>
public sealed partial class DemoCommandTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("socme-demo-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Demo_ShowsOnlyAlertsFromBothNodesLive_ThroughRotations_AndStopsCleanlyOnSigint()
    {
        var data = Path.Combine(_dir, "demo");
        using var demo = DemoProcess.Start(data);
        try
        {
            var token = (await demo.WaitForAsync(ApiTokenLine(), StartTimeout)).Groups[1].Value;
            var core = (await demo.WaitForAsync(CoreLine(), StartTimeout)).Groups[1].Value;
            using var http = new HttpClient { BaseAddress = new Uri(core + "/"), Timeout = TimeSpan.FromSeconds(30) };
            var api = new SocmeClient(http).WithToken(token);

            // Alerts from both nodes, and every kind of rotation on each, all within a bounded wait.
            var nodes = await WaitUntilAsync(demo, async () =>
            {
                var list = await api.ListNodesAsync();
                if (list.Count != 2)
                {
                    return null;
                }
                foreach (var n in list)
                {
                    if ((await api.ListAlertsAsync(new AlertFilter { NodeId = n.Id }, limit: 1)).Items.Count == 0)
                    {
                        return null;
                    }
                }
                string[] rotations =
                [
                    "demo-node-1: Wazuh rotation", "demo-node-1: Suricata rotation", "demo-node-1: logrotate copytruncate",
                    "demo-node-2: Suricata rotation", "demo-node-2: logrotate copytruncate",
                ];
                return rotations.All(demo.Output.Contains) ? list : null;
            });

            Assert.Equal("demo-node-1,demo-node-2", string.Join(',', nodes.Select(n => n.Name).Order(StringComparer.Ordinal)));
            foreach (var node in nodes)
            {
                Assert.Equal(NodeStatus.Online, node.Status);
                Assert.NotNull(node.LastSeenAt);
                Assert.NotEmpty(await api.NodeHeartbeatsAsync(node.Id));
            }
            var listed = await AllAlertsAsync(api);
            Assert.All(listed, a => Assert.True(
                a.Source == "wazuh" ? a.Level >= 3 : a.Source == "suricata" && a.Signature is not null,
                $"alert {a.Id} ({a.Source}, level {a.Level}, signature {a.Signature}) is not an alert the agent should ship"));

            Assert.True(demo.Interrupt(), "SIGINT could not be sent");
            Assert.True(await demo.WaitForExitAsync(StopTimeout), "the demo did not stop within " + StopTimeout + "\n" + demo.Output);
            Assert.True(demo.ExitCode == 0, $"exit code {demo.ExitCode}\n{demo.Output}");

            // What the replayer wrote equals what the core holds, per node: nothing lost or doubled by the rotations.
            var tally = TallyLine().Matches(demo.Output).ToDictionary(m => m.Groups[1].Value, m => (Written: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), InCore: long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
            Assert.Equal(2, tally.Count);
            foreach (var (name, (written, inCore)) in tally)
            {
                Assert.True(written > 0, $"{name} wrote no alert");
                Assert.True(written == inCore, $"{name}: {written} alerts written, {inCore} in the core\n{demo.Output}");
            }

            // Every stored alert, read from the database the demo left: only Wazuh level >= 3 and Suricata event_type alert.
            var stored = ReadStoredAlerts(Path.Combine(data, "socme.db"));
            Assert.Equal(tally.Values.Sum(t => t.InCore), stored.Count);
            Assert.Equal(nodes.Select(n => n.Id).Order(), stored.Select(s => s.NodeId).Distinct().Order());
            Assert.All(stored, s => Assert.True(IsShippable(s.Source, s.Raw), $"stored alert of source {s.Source} is not an alert: {s.Raw[..Math.Min(300, s.Raw.Length)]}"));
        }
        finally
        {
            demo.KillIfRunning();
        }
    }

    private static async Task<T> WaitUntilAsync<T>(DemoProcess demo, Func<Task<T?>> probe)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(demo.HasExited, "the demo exited early\n" + demo.Output);
            if (await probe() is { } result)
            {
                return result;
            }
            Assert.True(deadline.Elapsed < LiveTimeout, $"not live within {LiveTimeout}\n{demo.Output}");
            await Task.Delay(250);
        }
    }

    private static async Task<List<AlertDto>> AllAlertsAsync(SocmeClient api)
    {
        var all = new List<AlertDto>();
        string? cursor = null;
        do
        {
            var page = await api.ListAlertsAsync(limit: 500, cursor: cursor);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    private static bool IsShippable(long source, string raw)
    {
        using var doc = JsonDocument.Parse(raw);
        var root = doc.RootElement;
        return source switch
        {
            1 => root.TryGetProperty("rule", out var rule) && rule.TryGetProperty("level", out var level)
                && (level.ValueKind == JsonValueKind.Number ? level.GetInt32() : int.Parse(level.GetString()!, CultureInfo.InvariantCulture)) >= 3,
            2 => root.TryGetProperty("event_type", out var type) && type.GetString() == "alert",
            _ => false,
        };
    }

    private static List<(Guid NodeId, long Source, string Raw)> ReadStoredAlerts(string database)
    {
        var rows = new List<(Guid, long, string)>();
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT node_id, source, raw FROM alerts";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            rows.Add((Guid.Parse(reader.GetString(0)), reader.GetInt64(1), reader.GetString(2)));
        }
        return rows;
    }

    [GeneratedRegex(@"API token\s+(socme_pat_\S+)")]
    private static partial Regex ApiTokenLine();

    [GeneratedRegex(@"Core\s+(http://\S+)")]
    private static partial Regex CoreLine();

    [GeneratedRegex(@"(demo-node-\d): \d+ lines written, (\d+) of them alerts; (\d+) alerts in the core")]
    private static partial Regex TallyLine();

    /// <summary>The <c>socme-core demo</c> process, its output collected as it comes.</summary>
    private sealed class DemoProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private DemoProcess(Process process) => _process = process;

        public static DemoProcess Start(string dataDir)
        {
            // A shell that starts a job in the background without job control makes it ignore SIGINT, and the
            // ignored disposition is inherited; .NET then leaves SIGINT ignored. A user's Ctrl-C reaches a process
            // whose SIGINT is at its default, so the demo starts that way here too (env execs: same pid).
            var psi = new ProcessStartInfo("env")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
            {
                "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "socme-core.dll"), "demo",
                "--urls", "http://127.0.0.1:0", "--data", dataDir, "--rotate-every", "2",
            })
            {
                psi.ArgumentList.Add(a);
            }
            psi.Environment["SOCME_CORPUS"] = Corpus.Root;
            // The demo is always SQLite in its own folder, whatever the environment says.
            psi.Environment["SOCME_Database__Provider"] = "Postgres";
            psi.Environment["SOCME_Database__ConnectionString"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=not-used-by-the-demo";
            psi.Environment["SOCME_DataDir"] = Path.Combine(Path.GetDirectoryName(dataDir)!, "not-the-demo-folder");
            var demo = new DemoProcess(new Process { StartInfo = psi });
            demo._process.OutputDataReceived += (_, e) => demo.Append(e.Data);
            demo._process.ErrorDataReceived += (_, e) => demo.Append(e.Data);
            demo._process.Start();
            demo._process.BeginOutputReadLine();
            demo._process.BeginErrorReadLine();
            return demo;
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public bool HasExited => _process.HasExited;

        public int ExitCode => _process.ExitCode;

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.Append(line).Append('\n');
                }
            }
        }

        public async Task<Match> WaitForAsync(Regex pattern, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (pattern.Match(Output) is { Success: true } match)
                {
                    return match;
                }
                Assert.False(_process.HasExited, $"the demo exited ({(_process.HasExited ? _process.ExitCode : 0)}) before printing {pattern}\n{Output}");
                Assert.True(clock.Elapsed < timeout, $"no {pattern} within {timeout}\n{Output}");
                await Task.Delay(100);
            }
        }

        /// <summary>Ctrl-C: SIGINT to the process (the <c>dotnet</c> host runs the app in its own process).</summary>
        public bool Interrupt()
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            kill.WaitForExit();
            return kill.ExitCode == 0;
        }

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void KillIfRunning()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose() => _process.Dispose();
    }
}
