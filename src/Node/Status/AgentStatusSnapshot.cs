namespace Socme.Node.Status;

/// <summary>A position in a tailed file: the file's identity (device, inode) and a byte offset.</summary>
public readonly record struct FilePosition(ulong Device, ulong Inode, long Offset);

/// <summary>One source's counters and positions, as shown by <c>socme-node status</c>.</summary>
public sealed record SourceStatus(
    string Id,
    string Kind,
    string Path,
    FilePosition? Spooled,
    FilePosition? Acked,
    long LinesRead,
    long AlertsSpooled,
    long AlertsShipped,
    long Filtered,
    long Rejected,
    long DeadLettered);

/// <summary>The durable spool's state.</summary>
public sealed record SpoolStatus(long Records, long Bytes, double? OldestAgeSeconds, long MaxBytes, bool Full);

/// <summary>
/// What the running agent writes to <c>DataDir/status.json</c> (atomically, every few seconds) for
/// <c>socme-node status</c> and for the vitals (<c>fetch</c>, heartbeats).
/// </summary>
public sealed record AgentStatusSnapshot(
    DateTimeOffset WrittenAt,
    IReadOnlyList<SourceStatus> Sources,
    SpoolStatus Spool,
    DateTimeOffset? LastAckAt,
    DateTimeOffset? LastShipAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    bool ShippingPaused,
    string? PausedReason);
