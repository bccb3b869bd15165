using System.Text;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.DeadLetters;
using Socme.Node.Enrollment;
using Socme.Node.Pipeline;
using Socme.Node.Spool;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>
/// A <see cref="NodeShipper"/> wired to a real spool, checkpoints, dead-letter file and token file in a temp folder,
/// an HttpClient on a fake core's address, and a manual clock. <see cref="Spool(string[])"/> puts Wazuh lines in
/// the spool the way the spool writer does.
/// </summary>
internal sealed class ShipperRig : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private long _offset;

    public ShipperRig(Uri core, Action<NodeOptions>? configure = null, string token = "tok-1")
    {
        var node = new NodeOptions
        {
            DataDir = Dir.Path,
            Core = core.ToString(),
            BatchMaxCount = 500,
            BatchMaxDelay = TimeSpan.Zero,
            RetryMinDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = TimeSpan.FromSeconds(60),
            Sources = [new SourceOptions { Kind = SourceKind.Wazuh, Path = Dir["alerts.json"], Id = "wazuh" }],
        };
        configure?.Invoke(node);
        Settings = new PipelineSettings { Node = node, TokenPollInterval = TimeSpan.FromSeconds(2), Random = new Random(1234) };
        Spooler = DiskSpool.Open(new SpoolSettings { Directory = Dir["spool"], MaxBytes = node.SpoolMaxBytes }, Log.Factory().CreateLogger("spool"));
        Source = new SourceState(node.Sources[0], new CheckpointStore(Dir["checkpoints"]), null, 0);
        DeadLetters = new DeadLetterWriter(Dir.Path);
        Tokens = new TokenStore(Dir.Path);
        Tokens.Write(token);
        Http = new HttpClient { BaseAddress = core };
        Status = new PipelineStatus(Clock);
        Shipper = new NodeShipper(Spooler, new Dictionary<string, SourceState> { [Source.Id] = Source }, DeadLetters, Tokens, Http, Status, Settings, Clock,
            Log.Factory().CreateLogger("shipper"));
    }

    public TempDir Dir { get; } = new();
    public ManualTimeProvider Clock { get; } = new();
    public TestLog Log { get; } = new();
    public PipelineSettings Settings { get; }
    public DiskSpool Spooler { get; }
    public SourceState Source { get; }
    public DeadLetterWriter DeadLetters { get; }
    public TokenStore Tokens { get; }
    public HttpClient Http { get; }
    public PipelineStatus Status { get; }
    public NodeShipper Shipper { get; }

    public void Start() => _running = Task.Run(() => Shipper.RunAsync(_stop.Token));

    /// <summary>Spools lines (as one group commit) and returns their keys.</summary>
    public IReadOnlyList<string> Spool(params string[] lines)
    {
        var processor = new LineProcessor(Source, Settings, Clock);
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            _offset += bytes.Length + 1;
            processor.Line(bytes, new Status.FilePosition(1, 2, _offset));
        }
        var chunk = processor.TakeChunk()!;
        Spooler.BeginGroup();
        Spooler.Append(chunk.Buffer.AsSpan(0, chunk.Length));
        Spooler.Commit(chunk.Records, chunk.Length, chunk.FirstSpooledAtUnixMs);
        Source.AdvanceSpooled(new Status.FilePosition(1, 2, _offset), default, null, chunk.Records, Clock.GetUtcNow());
        Spooler.Publish();
        chunk.Release();
        return [.. lines.Select(l => Lines.KeyOf(Alerts.AlertSource.Wazuh, l))];
    }

    /// <summary>Waits until the spool is empty (every record acknowledged), with a real-time guard.</summary>
    public async Task DrainedAsync(TimeSpan? guard = null)
    {
        using var cts = new CancellationTokenSource(guard ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var freed = Spooler.RoomFreed;
            if (Spooler.Stats().Records == 0)
            {
                return;
            }
            try
            {
                await freed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The spool still holds {Spooler.Stats().Records} record(s).");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }
        Shipper.Dispose();
        Http.Dispose();
        DeadLetters.Dispose();
        Spooler.Dispose();
        _stop.Dispose();
        Dir.Dispose();
    }
}
