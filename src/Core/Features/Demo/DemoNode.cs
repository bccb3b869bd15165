using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using Socme.Alerts;
using Socme.Node;
using Socme.Node.Configuration;
using Socme.Node.Pipeline;
using Socme.Node.Status;
using Socme.Node.Tailing;

namespace Socme.Core.Features.Demo;

/// <summary>The rotations a demo node goes through, in turn.</summary>
internal enum DemoRotation
{
    /// <summary>Wazuh at midnight: <c>alerts.json</c> re-linked to a new dated file.</summary>
    WazuhRelink,
    /// <summary>Suricata: <c>eve.json</c> renamed, a new one started (as after a SIGHUP).</summary>
    SuricataRename,
    /// <summary>logrotate's <c>copytruncate</c> on <c>eve.json</c>.</summary>
    SuricataCopyTruncate,
}

/// <summary>Lines and alerts a demo node wrote into one of its files (alerts as the core should count them).</summary>
internal sealed class DemoWritten
{
    private long _lines;
    private long _alerts;

    public long Lines => Interlocked.Read(ref _lines);
    public long Alerts => Interlocked.Read(ref _alerts);

    public void Add(long lines, long alerts)
    {
        Interlocked.Add(ref _lines, lines);
        Interlocked.Add(ref _alerts, alerts);
    }
}

/// <summary>
/// One demo node: its Wazuh and/or Suricata files, the <see cref="CorpusReplayer"/> that fills them, and the real node
/// agent (<see cref="NodeCommands.BuildAgentHost"/>) that tails them, spools and ships to the core, in this process.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class DemoNode : IDisposable
{
    public const string WazuhSourceId = "wazuh";
    public const string SuricataSourceId = "suricata";

    /// <summary>How many rotated files of each kind are kept; older ones are deleted so that a long demo stays small.</summary>
    private const int KeepRotated = 3;

    /// <summary>How long a rotation waits for the agent to have read (or, for copy-truncate, spooled) the whole file.</summary>
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(5);

    private readonly CorpusReplayer _replayer;
    private readonly TimeProvider _time;
    private readonly double _wazuhShare;
    private readonly DemoRotation[] _rotations;
    private readonly Queue<string> _rotatedFiles = new();
    private int _rotationCount;
    private int _suricataGeneration;
    private IHost? _host;
    private NodeAgent? _agent;

    /// <summary>A node with Wazuh and/or Suricata; <paramref name="wazuhShare"/> of its lines go to Wazuh when it has both.</summary>
    public DemoNode(string name, Guid id, string root, bool wazuh, bool suricata, double wazuhShare, CorpusReplayer replayer, TimeProvider time)
    {
        if (!wazuh && !suricata)
        {
            throw new ArgumentException("A demo node needs a source.", nameof(suricata));
        }
        Name = name;
        Id = id;
        Root = root;
        _wazuhShare = wazuh ? (suricata ? wazuhShare : 1) : 0;
        _replayer = replayer;
        _time = time;
        WazuhDir = wazuh ? Path.Combine(root, "wazuh") : null;
        EvePath = suricata ? Path.Combine(root, "suricata", "eve.json") : null;
        _rotations = (wazuh, suricata) switch
        {
            (true, true) => [DemoRotation.WazuhRelink, DemoRotation.SuricataRename, DemoRotation.WazuhRelink, DemoRotation.SuricataCopyTruncate],
            (true, false) => [DemoRotation.WazuhRelink],
            _ => [DemoRotation.SuricataRename, DemoRotation.SuricataRename, DemoRotation.SuricataCopyTruncate],
        };
    }

    public string Name { get; }
    public Guid Id { get; }
    public string Root { get; }
    public string AgentDir => Path.Combine(Root, "agent");

    /// <summary>Wazuh's <c>logs/alerts</c> folder (<c>alerts.json</c> and the dated archives), when the node has Wazuh.</summary>
    public string? WazuhDir { get; }
    public string? WazuhLive => WazuhDir is null ? null : Path.Combine(WazuhDir, "alerts.json");
    public string? EvePath { get; }

    public DemoWritten Wazuh { get; } = new();
    public DemoWritten Suricata { get; } = new();

    /// <summary>What the node runs, e.g. "Wazuh + Suricata".</summary>
    public string Describe() => string.Join(" + ", new[] { WazuhDir is null ? null : "Wazuh", EvePath is null ? null : "Suricata" }.OfType<string>());

    /// <summary>Signalled when the agent's host stops (on its own: a failed pipeline stage; or when stopped).</summary>
    public CancellationToken AgentStopping => (_host ?? throw new InvalidOperationException("The agent is not started.")).Services
        .GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

    /// <summary>Creates the empty live files: Wazuh's layout (a hard link to today's dated file) and <c>eve.json</c>.</summary>
    public void CreateFiles()
    {
        Directory.CreateDirectory(AgentDir);
        if (WazuhDir is not null)
        {
            Directory.CreateDirectory(WazuhDir);
            _replayer.EnsureWazuhLayout(WazuhDir);
        }
        if (EvePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(EvePath)!);
            File.WriteAllBytes(EvePath, []);
        }
    }

    /// <summary>The agent's settings: this node's files, read from their beginning (they are new), heartbeats every 10 s.</summary>
    public NodeOptions AgentOptions(Uri core)
    {
        ArgumentNullException.ThrowIfNull(core);
        var options = new NodeOptions
        {
            Core = core.ToString(),
            DataDir = AgentDir,
            HeartbeatInterval = TimeSpan.FromSeconds(10),
            SpoolMaxBytes = 256L * 1024 * 1024,
        };
        if (WazuhLive is not null)
        {
            options.Sources.Add(new SourceOptions { Id = WazuhSourceId, Kind = SourceKind.Wazuh, Path = WazuhLive, MinLevel = 3, FromBeginning = true });
        }
        if (EvePath is not null)
        {
            options.Sources.Add(new SourceOptions { Id = SuricataSourceId, Kind = SourceKind.Suricata, Path = EvePath, FromBeginning = true });
        }
        return options;
    }

    /// <summary>Starts the real agent host (pipeline, heartbeats, vitals) with the demo's lifetime and console.</summary>
    public async Task StartAgentAsync(Uri core, TextWriter output, CancellationToken ct)
    {
        var options = AgentOptions(core);
        var problems = NodeConfig.Validate(options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{Name}: " + string.Join(" ", problems));
        }
        _host = NodeCommands.BuildAgentHost(options, services =>
        {
            // The demo stops the agents itself, after the replayer and before the core (see DemoRunner).
            services.AddSingleton<IHostLifetime, DemoLifetime>();
            services.AddLogging(b =>
            {
                b.ClearProviders();
                b.AddProvider(new DemoLogProvider(Name + " agent", Root, output, _time));
                b.AddFilter<DemoLogProvider>(null, LogLevel.Warning);
                b.AddFilter<DemoLogProvider>("Socme", LogLevel.Information);
            });
        });
        _agent = _host.Services.GetServices<IHostedService>().OfType<NodeAgent>().Single();
        await _host.StartAsync(ct);
        await _agent.Started.WaitAsync(TimeSpan.FromSeconds(30), _time, ct);
    }

    /// <summary>The agent's status (what <c>socme-node status</c> shows), or null before it started.</summary>
    public AgentStatusSnapshot? AgentStatus() => _agent?.Snapshot();

    /// <summary>Appends <paramref name="lines"/> fresh corpus lines, shared between the node's files.</summary>
    public void Write(int lines, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (lines <= 0)
        {
            return;
        }
        var wazuh = new List<string>();
        var suricata = new List<string>();
        for (var i = 0; i < lines; i++)
        {
            if (_wazuhShare >= 1 || (_wazuhShare > 0 && random.NextDouble() < _wazuhShare))
            {
                wazuh.Add(_replayer.NextWazuh());
            }
            else
            {
                suricata.Add(_replayer.NextSuricata());
            }
        }
        if (wazuh.Count > 0)
        {
            CorpusReplayer.Append(WazuhLive!, wazuh);
            Wazuh.Add(wazuh.Count, wazuh.Count(IsShippedWazuh));
        }
        if (suricata.Count > 0)
        {
            CorpusReplayer.Append(EvePath!, suricata);
            Suricata.Add(suricata.Count, suricata.Count(IsShippedSuricata));
        }
    }

    /// <summary>What the agent ships and the core keeps: Wazuh alerts at level 3 or more.</summary>
    private static bool IsShippedWazuh(string line) => AlertParser.ParseWazuh(Encoding.UTF8.GetBytes(line)).Alert is { Level: >= 3 };

    /// <summary>What the agent ships and the core keeps: Suricata <c>event_type: alert</c> (not anomaly, not the rest).</summary>
    private static bool IsShippedSuricata(string line) => AlertParser.ParseSuricata(Encoding.UTF8.GetBytes(line)).IsAlert;

    /// <summary>
    /// Rotates the next file in turn, as Wazuh, Suricata or logrotate would, once the agent has read what was written
    /// (for copy-truncate: spooled it, since truncating loses whatever is not read yet, as with the real logrotate).
    /// Nothing is written meanwhile: the caller is the only writer. Returns what happened, in words.
    /// </summary>
    public async Task<string> RotateAsync(CancellationToken ct)
    {
        var kind = _rotations[_rotationCount % _rotations.Length];
        var (sourceId, written, live) = kind == DemoRotation.WazuhRelink
            ? (WazuhSourceId, Wazuh, WazuhLive!)
            : (SuricataSourceId, Suricata, EvePath!);
        if (!await WaitCaughtUpAsync(sourceId, written, live, spooledToEnd: kind == DemoRotation.SuricataCopyTruncate, ct))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"rotation of {Relative(live)} put off: the agent has not caught up with it within {CatchUpWait.TotalSeconds:0} s.");
        }
        _rotationCount++;
        string said;
        string rotated;
        switch (kind)
        {
            case DemoRotation.WazuhRelink:
                rotated = _replayer.RotateWazuh(WazuhDir!);
                said = $"Wazuh rotation: alerts.json re-linked to a new dated file; the previous day stays as {Relative(rotated)}.";
                break;
            case DemoRotation.SuricataRename:
                rotated = CorpusReplayer.RotateSuricataByRename(EvePath!, ++_suricataGeneration);
                said = $"Suricata rotation: eve.json renamed to {Path.GetFileName(rotated)}, a new eve.json started.";
                break;
            default:
                rotated = CorpusReplayer.RotateByCopyTruncate(EvePath!, ++_suricataGeneration);
                said = $"logrotate copytruncate: eve.json copied to {Path.GetFileName(rotated)} and emptied in place.";
                break;
        }
        Prune(rotated);
        return said;
    }

    private async Task<bool> WaitCaughtUpAsync(string sourceId, DemoWritten written, string live, bool spooledToEnd, CancellationToken ct)
    {
        var deadline = _time.GetTimestamp() + (long)(CatchUpWait.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            if (CaughtUp(sourceId, written, live, spooledToEnd))
            {
                return true;
            }
            if (_time.GetTimestamp() >= deadline)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct);
        }
    }

    private bool CaughtUp(string sourceId, DemoWritten written, string live, bool spooledToEnd)
    {
        var source = AgentStatus()?.Sources.FirstOrDefault(s => s.Id == sourceId);
        if (source is null || source.LinesRead < written.Lines)
        {
            return false;
        }
        return !spooledToEnd
            || (FileIdentity.TryStat(live, out var stat) && source.Spooled is { } p
                && p.Device == stat.Device && p.Inode == stat.Inode && p.Offset == stat.Size);
    }

    /// <summary>True when the agent has read every line written and the core has acknowledged every alert.</summary>
    public bool Drained()
    {
        var status = AgentStatus();
        if (status is null || status.Spool.Records > 0)
        {
            return false;
        }
        foreach (var (id, written) in new[] { (WazuhSourceId, Wazuh), (SuricataSourceId, Suricata) })
        {
            if (written.Lines == 0)
            {
                continue;
            }
            var s = status.Sources.FirstOrDefault(x => x.Id == id);
            if (s is null || s.LinesRead < written.Lines || s.AlertsShipped + s.Rejected < written.Alerts)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Stops the agent: readers, spool writer, shipper and heartbeats, as on SIGTERM.</summary>
    public async Task StopAgentAsync(TimeSpan timeout)
    {
        if (_host is null)
        {
            return;
        }
        using var cts = new CancellationTokenSource(timeout, _time);
        await _host.StopAsync(cts.Token);
    }

    public void Dispose() => _host?.Dispose();

    /// <summary>Keeps the last few rotated files (the agent finished them before the rotation that follows).</summary>
    private void Prune(string rotated)
    {
        _rotatedFiles.Enqueue(rotated);
        while (_rotatedFiles.Count > KeepRotated * _rotations.Distinct().Count())
        {
            File.Delete(_rotatedFiles.Dequeue());
        }
    }

    private string Relative(string path) => Path.GetRelativePath(Root, path);
}
