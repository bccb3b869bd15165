using System.Globalization;
using System.Text;
using System.Text.Json;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Features.Demo;
using Socme.Core.Tests.Infrastructure;
using Socme.Node.Checkpoints;
using Socme.Node.Status;
using Socme.Node.Tailing;
using Xunit.Abstractions;

namespace Socme.Core.Tests;

/// <summary>
/// The real <c>socme-node</c> process against the real <c>socme-core</c> process: 20,000 mixed Wazuh and Suricata lines
/// written with rotations (Wazuh re-link, Suricata rename and copy-truncate), malformed and partial lines, the agent
/// killed with SIGKILL three times at random moments and the core killed and down for a while. Afterwards the core
/// holds exactly the expected alerts (none missing, none twice) and nothing that is not an alert.
/// </summary>
/// <remarks>The schedule is random; the seed is printed and <c>SOCME_E2E_SEED</c> replays it.</remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeAgentEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Chunks = 100;
    private const int LinesPerChunk = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CoreOutage = TimeSpan.FromSeconds(4);

    private TestDatabase _db = null!;
    private string _root = null!;
    private readonly List<ChildProcess> _processes = [];

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _root = Directory.CreateTempSubdirectory("socme-e2e-").FullName;
    }

    public async Task DisposeAsync()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        await _db.DisposeAsync();
        if (Environment.GetEnvironmentVariable("SOCME_E2E_KEEP") == "1")
        {
            // For a post-mortem: every process's output beside the data folder, files and spool.
            for (var i = 0; i < _processes.Count; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(_root, $"{i:00}-{_processes[i].Name}.log"), _processes[i].Output);
            }
            output.WriteLine("kept " + _root);
            return;
        }
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task AgentKilledThrice_CoreDown_Rotations_EveryAlertExactlyOnce_AndNoOtherEvent()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SOCME_E2E_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with SOCME_E2E_SEED={seed})");
        var rng = new Random(seed);

        var port = ChildProcess.FreePort();
        var url = $"http://127.0.0.1:{port}";
        Assert.Equal(0, await RunToEndAsync("socme-core", ["migrate"], CoreEnv()));
        var adminJson = await RunForOutputAsync("socme-core", ["create-admin", "--email", "e2e@soc.example"], CoreEnv());
        var adminToken = JsonDocument.Parse(adminJson).RootElement.GetProperty("apiToken").GetString()!;
        var core = StartCore(port);
        using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
        await WaitHealthyAsync(http, core);
        var api = new SocmeClient(http).WithToken(adminToken);
        var client = await api.CreateClientAsync(new CreateClientRequest("E2E client"));
        var node = await api.CreateNodeAsync(client.Id, new CreateNodeRequest("e2e-node"));

        var data = Path.Combine(_root, "node");
        var noSsh = Directory.CreateDirectory(Path.Combine(_root, "no-ssh")).FullName;
        Assert.Equal(0, await RunToEndAsync("socme-node", ["enroll", "--core", url, "--code", node.EnrollmentCode, "--data", data, "--ssh-dir", noSsh], null));

        var replayer = CorpusReplayer.FromCorpus(Corpus.Root, TimeProvider.System);
        var wazuhDir = Path.Combine(_root, "ossec", "logs", "alerts");
        var wazuh = replayer.EnsureWazuhLayout(wazuhDir);
        var eve = Path.Combine(Directory.CreateDirectory(Path.Combine(_root, "suricata")).FullName, "eve.json");
        File.WriteAllBytes(eve, []);
        string[] agentArgs = ["run", "--core", url, "--data", data, "--wazuh", wazuh, "--suricata", eve, "--from-beginning"];
        var agent = StartAgent(agentArgs);
        // The agent's first start: files rotated away before it ever ran are outside its reach (it starts at the live
        // file), so the writers begin once it has taken its first checkpoints. Every later restart is a recovery.
        await WaitSpooledToEndAsync(data, "wazuh:" + wazuh, wazuh, agent);
        await WaitSpooledToEndAsync(data, "suricata:" + eve, eve, agent);

        // The schedule: rotations at fixed chunks, three kills at random chunks away from them, the core down 40–55.
        var rotations = new Dictionary<int, string> { [20] = "suricata-rename", [30] = "wazuh-relink", [60] = "suricata-copytruncate", [70] = "wazuh-relink", [80] = "suricata-rename" };
        var kills = Enumerable.Range(5, 90).Where(c => !rotations.ContainsKey(c) && !rotations.ContainsKey(c - 1)).OrderBy(_ => rng.Next()).Take(3).ToHashSet();
        output.WriteLine($"kills before chunks {string.Join(", ", kills.Order())}; core down from chunk 40 to 55");

        var expected = new HashSet<(string, string)>();
        var notAlerts = new HashSet<(string, string)>();
        var suricataGeneration = 0;
        var deadLettersExpected = 0;
        var coreKilledAt = 0L;
        for (var chunk = 0; chunk < Chunks; chunk++)
        {
            if (kills.Contains(chunk))
            {
                agent.KillHard();
                output.WriteLine($"chunk {chunk}: agent killed (SIGKILL)");
                agent = StartAgent(agentArgs);
            }
            if (chunk == 40)
            {
                core.KillHard();
                coreKilledAt = TimeProvider.System.GetTimestamp();
                output.WriteLine("chunk 40: core killed");
            }
            if (chunk == 55)
            {
                // Down for at least CoreOutage while the writers go on, so the agent spools and backs off.
                var down = TimeProvider.System.GetElapsedTime(coreKilledAt);
                if (down < CoreOutage)
                {
                    await Task.Delay(CoreOutage - down);
                }
                core = StartCore(port);
                output.WriteLine("chunk 55: core started again");
            }
            switch (rotations.GetValueOrDefault(chunk))
            {
                case "suricata-rename":
                    // A partial last line: the writer never finishes it; the agent dead-letters it as truncated.
                    AppendBytes(eve, "{\"event_type\":\"alert\",\"never\":\"finished"u8.ToArray());
                    deadLettersExpected++;
                    CorpusReplayer.RotateSuricataByRename(eve, ++suricataGeneration);
                    break;
                case "wazuh-relink":
                    replayer.RotateWazuh(wazuhDir);
                    break;
                case "suricata-copytruncate":
                    // copytruncate loses whatever the agent has not read when the file is truncated (as with any
                    // tailer); a careful operator's logrotate runs it with the agent caught up, and so does this test.
                    await WaitSpooledToEndAsync(data, "suricata:" + eve, eve, agent);
                    CorpusReplayer.RotateByCopyTruncate(eve, ++suricataGeneration);
                    break;
            }
            if (chunk == 10)
            {
                AppendBytes(wazuh, "{\"rule\":{\"level\":10},\"id\":\"cut-he\n"u8.ToArray());
                AppendBytes(eve, [0xFF, 0xFE, .. "{\"event_type\":\"alert\"}\n"u8.ToArray()]);
                AppendBytes(eve, "not json at all\n"u8.ToArray());
                deadLettersExpected += 3;
            }

            var wazuhLines = new List<string>();
            var eveLines = new List<string>();
            for (var i = 0; i < LinesPerChunk; i++)
            {
                var isWazuh = rng.Next(2) == 0;
                var line = isWazuh ? replayer.NextWazuh() : replayer.NextSuricata();
                var source = isWazuh ? AlertSource.Wazuh : AlertSource.Suricata;
                var bytes = Encoding.UTF8.GetBytes(line);
                var kind = AlertParser.Classify(source, bytes, out var level);
                var id = (isWazuh ? "wazuh" : "suricata", AlertParser.StableKey(source, bytes));
                var ships = kind == LineKind.Alert && (!isWazuh || level >= 3);
                (ships ? expected : notAlerts).Add(id);
                (isWazuh ? wazuhLines : eveLines).Add(line);
            }
            CorpusReplayer.Append(wazuh, wazuhLines);
            CorpusReplayer.Append(eve, eveLines);
            await Task.Delay(rng.Next(20, 80)); // the writers' pace (not synchronisation: nothing waits on it)
        }
        output.WriteLine($"written: {Chunks * LinesPerChunk} lines, {expected.Count} alerts to ship, {notAlerts.Count} to filter out");
        Assert.InRange(expected.Count, 2_000, 18_000);
        Assert.Contains(notAlerts, n => n.Item1 == "suricata");

        // Wait until the restarted core is up, then until it holds as many alerts as expected and the agent's spool
        // is empty.
        await WaitHealthyAsync(http, core);
        var stored = await WaitForAlertsAsync(api, node.Id, expected.Count, data, agent, core);

        var duplicates = stored.GroupBy(a => (a.Source, a.Key)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
        var storedSet = stored.Select(a => (a.Source, a.Key)).ToHashSet();
        var missing = expected.Except(storedSet).ToList();
        var extra = storedSet.Except(expected).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} alerts missing, e.g. {string.Join(", ", missing.Take(5))}\n{agent.Output[^Math.Min(4000, agent.Output.Length)..]}");
        Assert.True(extra.Count == 0, $"{extra.Count} unexpected alerts stored, e.g. {string.Join(", ", extra.Take(5))}");
        Assert.Empty(storedSet.Intersect(notAlerts));
        Assert.All(stored, a => Assert.True(a.Source == "suricata" || a.Level >= 3, $"{a.Key}: level {a.Level}"));

        // Malformed and partial lines are in the dead-letter file with their reasons, and none was refused by the
        // core (which would mean a non-alert or a broken envelope reached it).
        var deadLetters = File.ReadLines(Path.Combine(data, "dead-letters.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var codes = deadLetters.Select(d => d.GetProperty("code").GetString()).ToList();
        output.WriteLine("dead letters: " + string.Join(", ", codes));
        Assert.True(deadLetters.Select(d => (d.GetProperty("position").GetRawText(), d.GetProperty("code").GetString())).Distinct().Count() >= deadLettersExpected,
            $"expected {deadLettersExpected} dead letters, got: {string.Join(", ", codes)}");
        Assert.Contains("truncated", codes);
        Assert.Contains("invalid_json", codes);
        Assert.Contains("invalid_utf8", codes);
        Assert.DoesNotContain("refused_by_core", codes);
        Assert.All(deadLetters, d => Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("reason").GetString())));

        // The agent noticed the outage (and said so) instead of dropping anything.
        Assert.Contains("Cannot deliver alerts to the core", agent.Output + string.Join("", _processes.Select(p => p.Output)), StringComparison.Ordinal);

        // The heartbeat reached the core: the node is online with vitals.
        var seen = await api.GetNodeAsync(node.Id);
        Assert.Equal(NodeStatus.Online, seen.Status);
        Assert.NotNull(seen.Vitals);
        Assert.NotEmpty(await api.NodeHeartbeatsAsync(node.Id));
    }

    private ChildProcess StartCore(int port) =>
        Track(ChildProcess.Start("socme-core", ["serve", "--urls", $"http://127.0.0.1:{port}"], CoreEnv()));

    private ChildProcess StartAgent(string[] args) =>
        Track(ChildProcess.Start("socme-node", args, new Dictionary<string, string>
        {
            ["SOCME_NODE_HeartbeatInterval"] = "00:00:01",
            ["SOCME_NODE_RetryMinDelay"] = "00:00:00.100",
            ["SOCME_NODE_RetryMaxDelay"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Information",
        }));

    private ChildProcess Track(ChildProcess p)
    {
        _processes.Add(p);
        return p;
    }

    private Dictionary<string, string> CoreEnv() => new()
    {
        ["SOCME_DataDir"] = _db.DataDir,
        ["SOCME_Database__Provider"] = _db.Provider,
        ["SOCME_Database__ConnectionString"] = _db.ConnectionString,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private async Task<int> RunToEndAsync(string assembly, string[] args, Dictionary<string, string>? env)
    {
        using var p = ChildProcess.Start(assembly, args, env);
        var code = await p.WaitForExitAsync(TimeSpan.FromMinutes(2));
        if (code != 0)
        {
            output.WriteLine($"{assembly} {string.Join(' ', args)} → {code}\n{p.Output}");
        }
        return code;
    }

    private static async Task<string> RunForOutputAsync(string assembly, string[] args, Dictionary<string, string> env)
    {
        using var p = ChildProcess.Start(assembly, args, env);
        Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        return p.StandardOutput;
    }

    private static void AppendBytes(string path, byte[] bytes)
    {
        using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        fs.Write(bytes);
    }

    private static async Task WaitHealthyAsync(HttpClient http, ChildProcess core)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            Assert.False(core.HasExited, "the core exited:\n" + core.Output);
            try
            {
                using var r = await http.GetAsync("healthz");
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        Assert.Fail("the core did not become healthy:\n" + core.Output);
    }

    /// <summary>Waits until the agent has spooled the live file to its end (same inode, offset = size).</summary>
    private static async Task WaitSpooledToEndAsync(string data, string sourceId, string path, ChildProcess agent)
    {
        var store = new CheckpointStore(Path.Combine(data, "checkpoints"));
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            Assert.False(agent.HasExited, "the agent exited:\n" + agent.Output);
            if (FileIdentity.TryStat(path, out var stat) && store.Load(sourceId, out _)?.Spooled is { } p
                && p.Inode == stat.Inode && p.Device == stat.Device && p.Offset == stat.Size)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"the agent did not catch up with {path}:\n{agent.Output}");
    }

    private static async Task<List<AlertDto>> WaitForAlertsAsync(SocmeClient api, Guid nodeId, int expected, string data, ChildProcess agent, ChildProcess core)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        List<AlertDto> all = [];
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            Assert.False(agent.HasExited, "the agent exited:\n" + agent.Output);
            Assert.False(core.HasExited, "the core exited:\n" + core.Output);
            all = await ListAllAsync(api, nodeId);
            if (all.Count >= expected && StatusPrinter.TryRead(data, out _) is { Spool.Records: 0 } status
                && status.WrittenAt > TimeProvider.System.GetUtcNow().AddSeconds(-5))
            {
                return all;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"the core holds {all.Count} of {expected} alerts after {Patience}:\n{agent.Output[^Math.Min(6000, agent.Output.Length)..]}");
        return all;
    }

    /// <summary>
    /// The node's Wazuh and Suricata alerts: what the agent shipped. The core's own system alerts about the node (a full
    /// disk of the machine running the test, say) are not the agent's and are left out.
    /// </summary>
    private static async Task<List<AlertDto>> ListAllAsync(SocmeClient api, Guid nodeId)
    {
        var all = new List<AlertDto>();
        string? cursor = null;
        do
        {
            var page = await api.ListAlertsAsync(new AlertFilter { NodeId = nodeId }, 500, cursor);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all.Where(a => a.Source != "system").ToList();
    }
}
