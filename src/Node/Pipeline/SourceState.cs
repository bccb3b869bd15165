using System.Text;
using Socme.Alerts;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.Status;

namespace Socme.Node.Pipeline;

/// <summary>
/// One source's counters and checkpoint state, shared by its reader, the spool writer (<see cref="AdvanceSpooled"/>)
/// and the shipper (<see cref="AdvanceAcked"/>).
/// </summary>
/// <remarks>
/// <see cref="Pending"/> counts this source's records that are durably spooled but not acknowledged. The writer adds
/// to it before the records become visible to the shipper, so when it is zero every line before
/// <c>Spooled</c> has been acknowledged, filtered out or dead-lettered, and <c>Acked</c> may catch up with <c>Spooled</c>.
/// </remarks>
internal sealed class SourceState
{
    private readonly Lock _gate = new();
    private readonly CheckpointStore _store;
    private FilePosition? _spooled;
    private FileHead? _spooledHead;
    private string? _file;
    private FilePosition? _acked;
    private long _pending;

    public long LinesRead;
    public long Filtered;
    public long AlertsSpooled;
    public long AlertsShipped;
    public long Rejected;
    public long DeadLettered;

    public SourceState(SourceOptions options, CheckpointStore store, SourceCheckpoint? checkpoint, long pending)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Id = options.EffectiveId;
        IdBytes = Encoding.UTF8.GetBytes(Id);
        if (IdBytes.Length > MaxIdBytes)
        {
            throw new ArgumentException($"The source id '{Id[..40]}…' is {IdBytes.Length} bytes long; at most {MaxIdBytes} are allowed.", nameof(options));
        }
        Source = options.Kind == SourceKind.Wazuh ? AlertSource.Wazuh : AlertSource.Suricata;
        _store = store;
        Checkpoint = checkpoint;
        _spooled = checkpoint?.Spooled;
        _spooledHead = checkpoint?.SpooledHead;
        _file = checkpoint?.File;
        _acked = checkpoint?.Acked;
        _pending = pending;
    }

    /// <summary>Longest source id (UTF-8 bytes): it is stored in every spool record.</summary>
    public const int MaxIdBytes = 1024;

    public SourceOptions Options { get; }
    public string Id { get; }
    public byte[] IdBytes { get; }
    public AlertSource Source { get; }

    /// <summary>The checkpoint found at start (null on a first start).</summary>
    public SourceCheckpoint? Checkpoint { get; }

    public long Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    public FilePosition? Spooled
    {
        get
        {
            lock (_gate)
            {
                return _spooled;
            }
        }
    }

    public FilePosition? Acked
    {
        get
        {
            lock (_gate)
            {
                return _acked;
            }
        }
    }

    /// <summary>After a group commit: <paramref name="records"/> more are spooled and every line before
    /// <paramref name="position"/> is handled. Saves the checkpoint.</summary>
    /// <exception cref="IOException">The checkpoint could not be written; the state in memory has moved anyway and
    /// the next save writes it.</exception>
    public void AdvanceSpooled(FilePosition? position, FileHead head, string? file, long records, DateTimeOffset now)
    {
        lock (_gate)
        {
            _pending += records;
            if (position is { } p)
            {
                _spooled = p;
                _spooledHead = head;
                _file = file;
            }
            if (_pending == 0)
            {
                _acked = _spooled;
            }
            Interlocked.Add(ref AlertsSpooled, records);
            _store.Save(Snapshot(now));
        }
    }

    /// <summary>After the core's ack of <paramref name="records"/> of this source, the last one ending at
    /// <paramref name="lastPosition"/>. Saves the checkpoint.</summary>
    /// <exception cref="IOException">The checkpoint could not be written (see <see cref="AdvanceSpooled"/>).</exception>
    public void AdvanceAcked(FilePosition lastPosition, long records, DateTimeOffset now)
    {
        lock (_gate)
        {
            _pending = Math.Max(0, _pending - records);
            _acked = _pending == 0 && _spooled is not null ? _spooled : lastPosition;
            _store.Save(Snapshot(now));
        }
    }

    private SourceCheckpoint Snapshot(DateTimeOffset now) => new()
    {
        SourceId = Id,
        Path = Options.Path,
        File = _file,
        Spooled = _spooled,
        SpooledHead = _spooledHead,
        Acked = _acked,
        UpdatedAt = now,
    };

    public SourceStatus ToStatus()
    {
        lock (_gate)
        {
            return new SourceStatus(
                Id,
                Options.Kind.ToString().ToLowerInvariant(),
                Options.Path,
                _spooled,
                _acked,
                Interlocked.Read(ref LinesRead),
                Interlocked.Read(ref AlertsSpooled),
                Interlocked.Read(ref AlertsShipped),
                Interlocked.Read(ref Filtered),
                Interlocked.Read(ref Rejected),
                Interlocked.Read(ref DeadLettered));
        }
    }
}
