using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.DeadLetters;
using Socme.Node.Enrollment;
using Socme.Node.Spool;
using Socme.Node.Status;
using Socme.Node.Tailing;

namespace Socme.Node.Pipeline;

/// <summary>
/// The node agent's pipeline as one hosted service: a reader per source → bounded channel → the spool writer (group
/// commit, <c>spooled</c> checkpoints) → the durable spool → the shipper (ack, <c>acked</c> checkpoints), plus
/// <c>DataDir/status.json</c> rewritten every few seconds. See <c>src/Node/Pipeline/README.md</c>.
/// </summary>
/// <remarks>
/// Expected failures (an unreachable core, a refused token, a full disk, an unreadable file) are handled inside the
/// stages and shown in the status. An unexpected exception in a stage stops the agent (and the host) with a critical
/// log, so that the service manager restarts it from its checkpoints.
/// </remarks>
public sealed class NodeAgent : BackgroundService
{
    private readonly PipelineSettings _settings;
    private readonly HttpClient _http;
    private readonly TokenStore _tokens;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly PipelineStatus _status;
    private IReadOnlyList<SourceState> _sources = [];
    private DiskSpool? _spool;

    public NodeAgent(IOptions<NodeOptions> options, IHttpClientFactory httpClients, TokenStore tokens, TimeProvider time, ILoggerFactory loggers)
        : this(new PipelineSettings { Node = (options ?? throw new ArgumentNullException(nameof(options))).Value },
            (httpClients ?? throw new ArgumentNullException(nameof(httpClients))).CreateClient(NodePipelineServiceCollectionExtensions.CoreHttpClientName),
            tokens, time, loggers)
    {
    }

    internal NodeAgent(PipelineSettings settings, HttpClient http, TokenStore tokens, TimeProvider time, ILoggerFactory loggers)
    {
        _settings = settings;
        _http = http;
        _tokens = tokens;
        _time = time;
        _loggers = loggers;
        _log = loggers.CreateLogger<NodeAgent>();
        _status = new PipelineStatus(time);
    }

    /// <summary>Completes when the pipeline is open (spool recovered, checkpoints loaded) and running.</summary>
    internal Task Started => _started.Task;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal NodeShipper? Shipper { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var node = _settings.Node;
        if (_http.BaseAddress is null)
        {
            throw new InvalidOperationException("No core URL: set Core (or enrol with socme-node enroll) before running the agent.");
        }
        Directory.CreateDirectory(node.DataDir);
        using var spool = DiskSpool.Open(new SpoolSettings
        {
            Directory = Path.Combine(node.DataDir, "spool"),
            MaxBytes = node.SpoolMaxBytes,
            SegmentMaxBytes = _settings.SegmentMaxBytes,
        }, _loggers.CreateLogger<DiskSpool>());
        _spool = spool;
        using var deadLetters = new DeadLetterWriter(node.DataDir, _settings.DeadLetterLineBytes);
        var store = new CheckpointStore(Path.Combine(node.DataDir, "checkpoints"));
        AtomicFile.FsyncDirectory(node.DataDir);
        var recovery = spool.Recovery;
        // A wiped or damaged spool may have lost records between `acked` and `spooled`: read them again.
        var resumeFromAcked = recovery.Fresh || recovery.LostData;

        var sources = new List<SourceState>();
        var starts = new List<TailStart>();
        foreach (var o in node.Sources)
        {
            var checkpoint = store.Load(o.EffectiveId, out var problem);
            if (problem is not null)
            {
                _log.LogError("Checkpoint of source {Source}: {Problem}; reading {Path} from its start (the core ignores alerts it already has).", o.EffectiveId, problem, o.Path);
            }
            if (checkpoint is not null && checkpoint.Path != o.Path)
            {
                _log.LogInformation("Source {Source} now reads {Path} (was {Old}): starting it as a new source.", o.EffectiveId, o.Path, checkpoint.Path);
                checkpoint = null;
            }
            var state = new SourceState(o, store, checkpoint, recovery.PendingBySource.GetValueOrDefault(o.EffectiveId));
            sources.Add(state);
            starts.Add(StartOf(o, checkpoint, problem is not null, resumeFromAcked));
        }
        _sources = sources;
        var byId = sources.ToDictionary(s => s.Id, StringComparer.Ordinal);

        var channel = Channel.CreateBounded<SpoolChunk>(new BoundedChannelOptions(_settings.ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        using var shipper = new NodeShipper(spool, byId, deadLetters, _tokens, _http, _status, _settings, _time, _loggers.CreateLogger<NodeShipper>());
        Shipper = shipper;
        var writer = new SpoolWriterLoop(spool, deadLetters, _status, _settings, _time, _loggers.CreateLogger<SpoolWriterLoop>());
        var tailLog = _loggers.CreateLogger<FileTailer>();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var readers = sources.Select((s, i) => Task.Run(() => new SourceReader(s, starts[i], _settings, _status, _time, tailLog).RunAsync(channel.Writer, stop.Token), CancellationToken.None)).ToList();
        var writing = Task.Run(() => writer.RunAsync(channel.Reader, stop.Token), CancellationToken.None);
        var shipping = Task.Run(() => shipper.RunAsync(stop.Token), CancellationToken.None);
        var statusLoop = Task.Run(() => StatusLoopAsync(stop.Token), CancellationToken.None);
        _log.LogInformation("Node agent running: {Count} source(s), spool {Records} alert(s) ({Bytes} bytes) waiting, core {Core}.",
            sources.Count, recovery.Records, recovery.Bytes, _http.BaseAddress);
        _started.TrySetResult();

        var all = readers.Append(writing).Append(shipping).Append(statusLoop).ToList();
        Exception? failure = null;
        try
        {
            var first = await Task.WhenAny(all.Append(Task.Delay(Timeout.Infinite, stoppingToken)));
            if (first.IsFaulted && all.Contains(first))
            {
                failure = first.Exception!.GetBaseException();
                _log.LogCritical(failure, "The node agent stops: a pipeline stage failed unexpectedly.");
            }
        }
        finally
        {
            // Readers first, then let the writer commit what they handed over, then the rest.
            await stop.CancelAsync();
            await Quietly(Task.WhenAll(readers));
            channel.Writer.TryComplete();
            await Quietly(Task.WhenAll(writing, shipping, statusLoop));
            WriteStatus();
            _spool = null;
        }
        if (failure is not null)
        {
            throw new InvalidOperationException("A node agent pipeline stage failed: " + failure.Message, failure);
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // Already logged by the failing stage or by ExecuteAsync.
        }
    }

    private static TailStart StartOf(SourceOptions o, SourceCheckpoint? checkpoint, bool damaged, bool resumeFromAcked)
    {
        if (damaged)
        {
            return TailStart.Beginning;
        }
        if (resumeFromAcked && checkpoint?.Acked is { } acked)
        {
            return TailStart.At(acked, null, checkpoint.File);
        }
        if (checkpoint?.Spooled is { } spooled)
        {
            return TailStart.At(spooled, checkpoint.SpooledHead, checkpoint.File);
        }
        return o.FromBeginning ? TailStart.Beginning : TailStart.End;
    }

    private async Task StatusLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_settings.StatusInterval, _time);
        try
        {
            do
            {
                WriteStatus();
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping; ExecuteAsync writes a last status.
        }
    }

    /// <summary>The current status (what <c>status.json</c> holds).</summary>
    internal AgentStatusSnapshot Snapshot()
    {
        var now = _time.GetUtcNow();
        var stats = _spool?.Stats() ?? new SpoolStats(0, 0, null, _settings.Node.SpoolMaxBytes, false);
        var s = _status.Read();
        double? oldest = stats.OldestUnixMs is { } ms ? Math.Max(0, (now - DateTimeOffset.FromUnixTimeMilliseconds(ms)).TotalSeconds) : null;
        return new AgentStatusSnapshot(
            now,
            [.. _sources.Select(x => x.ToStatus())],
            new SpoolStatus(stats.Records, stats.Bytes, oldest, stats.MaxBytes, stats.Full),
            s.LastAckAt,
            s.LastShipAt,
            s.LastError,
            s.LastErrorAt,
            s.Paused,
            s.PausedReason);
    }

    private void WriteStatus()
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(Snapshot(), NodeJson.Default.AgentStatusSnapshot);
            AtomicFile.Write(Path.Combine(_settings.Node.DataDir, StatusPrinter.FileName), bytes, durable: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogDebug(e, "Cannot write the status file.");
        }
    }
}
