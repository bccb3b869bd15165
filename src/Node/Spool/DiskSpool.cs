using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Socme.Node.Checkpoints;
using Socme.Node.Status;

namespace Socme.Node.Spool;

/// <summary>A place in the spool: a segment number and a byte offset in it.</summary>
internal readonly record struct SpoolLocation(long Segment, long Offset)
{
    public static bool operator <(SpoolLocation a, SpoolLocation b) => a.Segment < b.Segment || (a.Segment == b.Segment && a.Offset < b.Offset);
    public static bool operator >(SpoolLocation a, SpoolLocation b) => b < a;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Segment}:{Offset}");
}

/// <summary>Where the spool lives and how big it may grow.</summary>
internal sealed class SpoolSettings
{
    public required string Directory { get; init; }

    /// <summary>Bound on the unacknowledged records' bytes; when reached, appends wait.</summary>
    public long MaxBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>A segment is closed and a new one started past this size (0: MaxBytes / 8, within 64 KiB–64 MiB).</summary>
    public long SegmentMaxBytes { get; init; }

    public long EffectiveSegmentMaxBytes => SegmentMaxBytes > 0 ? SegmentMaxBytes : Math.Clamp(MaxBytes / 8, 64 * 1024, 64L * 1024 * 1024);
}

/// <summary>What <see cref="DiskSpool.Open"/> found.</summary>
/// <param name="Fresh">There was no cursor file: a new spool (or one that was wiped).</param>
/// <param name="TornBytes">Bytes cut from the end of the last segment: a write a crash interrupted.</param>
/// <param name="Records">Unacknowledged records found.</param>
/// <param name="Bytes">Their size in bytes (frames).</param>
/// <param name="CorruptSegments">Segments other than the last with a bad header or frame: their rest is lost.</param>
/// <param name="LostData">Records may have been lost (corruption, a missing segment); readers should resume from
/// their acknowledged checkpoints.</param>
/// <param name="PendingBySource">Unacknowledged records per source id.</param>
internal sealed record SpoolRecovery(
    bool Fresh,
    long Records,
    long Bytes,
    long TornBytes,
    int CorruptSegments,
    bool LostData,
    IReadOnlyDictionary<string, long> PendingBySource);

/// <summary>A record as the shipper reads it (the envelope is handed out separately, as a span).</summary>
internal readonly record struct SpoolRecordInfo(SpoolLocation Location, SpoolLocation Next, string SourceId, FilePosition Position, long SpooledAtUnixMs)
{
    public long FrameBytes => Next.Offset - Location.Offset;
}

/// <summary>The spool's counters for the status file.</summary>
internal readonly record struct SpoolStats(long Records, long Bytes, long? OldestUnixMs, long MaxBytes, bool Full);

/// <summary>
/// The durable spool: append-only segment files of framed, checksummed records (<see cref="SpoolFormat"/>), one
/// writer (group commit: many appends, one fsync) and one reader (the shipper), and a consumer cursor persisted
/// atomically at each <see cref="Ack"/>. Fully acknowledged segments are deleted.
/// </summary>
/// <remarks>
/// Records become visible to the reader only when <see cref="Publish"/> is called after <see cref="Commit"/>
/// (fsync), so nothing is shipped that a crash could still take back. At <see cref="Open"/>, a torn tail of the last
/// segment (a write cut by kill -9 or a power loss) is detected by its length or checksum and cut off.
/// <see cref="Ack"/> may run on another thread than <see cref="TryRead"/> (the shipper's write-behind of acknowledgements).
/// </remarks>
internal sealed class DiskSpool : IDisposable
{
    public const string CursorFileName = "cursor.json";
    public const string LockFileName = "lock";
    private const int ReadChunkBytes = 256 * 1024;

    private readonly Lock _lock = new();
    private readonly SpoolSettings _settings;
    private readonly ILogger _log;
    private readonly SafeFileHandle _lockFile;
    private readonly SortedDictionary<long, long> _segments = [];
    private readonly AsyncSignal _data = new();
    private readonly AsyncSignal _room = new();
    private readonly List<(byte[] Bytes, string Text)> _sourceIds = [];

    private SafeFileHandle _active;
    private long _activeSegment;
    private long _activeLength;
    private long _committedLength;
    private SpoolLocation _cursor;
    private SpoolLocation _published;
    private long _records;
    private long _bytes;
    private long? _oldestUnixMs;
    private bool _full;
    private bool _cursorWriteFailed;

    private SpoolLocation _read;
    private SafeFileHandle? _readHandle;
    private long _readHandleSegment = -1;
    private byte[] _readBuffer = new byte[ReadChunkBytes];
    private long _readBufferStart;
    private int _readBufferLength;

    private DiskSpool(SpoolSettings settings, ILogger log, SafeFileHandle lockFile, string spoolId)
    {
        _settings = settings;
        _log = log;
        _lockFile = lockFile;
        SpoolId = spoolId;
        _active = null!;
        Recovery = null!;
    }

    /// <summary>A random id of this spool, part of every Idempotency-Key.</summary>
    public string SpoolId { get; }

    public SpoolRecovery Recovery { get; private set; }

    public long MaxBytes => _settings.MaxBytes;

    /// <summary>Completes when records are published (take it before checking <see cref="HasUnread"/>).</summary>
    public Task DataPublished => _data.Task;

    /// <summary>Completes when acknowledged records free space (take it before checking <see cref="HasRoomFor"/>).</summary>
    public Task RoomFreed => _room.Task;

    /// <summary>Opens (or creates) the spool, recovers from a crash, and locks it against a second agent.</summary>
    /// <exception cref="InvalidOperationException">Another process holds the spool.</exception>
    public static DiskSpool Open(SpoolSettings settings, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        Directory.CreateDirectory(settings.Directory);
        SafeFileHandle lockFile;
        try
        {
            lockFile = File.OpenHandle(Path.Combine(settings.Directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"The spool {settings.Directory} is in use by another socme-node process (or cannot be locked: {e.Message}).", e);
        }

        try
        {
            foreach (var temp in Directory.EnumerateFiles(settings.Directory, "*.tmp"))
            {
                AtomicFile.TryDelete(temp);
            }
            var cursor = ReadCursor(settings.Directory, out var spoolId);
            var fresh = cursor is null;
            spoolId ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            var spool = new DiskSpool(settings, log, lockFile, spoolId);
            spool.Recover(cursor, fresh);
            return spool;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    private static SpoolLocation? ReadCursor(string directory, out string? spoolId)
    {
        spoolId = null;
        var path = Path.Combine(directory, CursorFileName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var c = JsonSerializer.Deserialize(File.ReadAllBytes(path), NodeJson.Default.CursorFile);
            if (c is null || c.Segment < 1 || c.Offset < SpoolFormat.SegmentHeaderBytes || string.IsNullOrEmpty(c.SpoolId))
            {
                return null;
            }
            spoolId = c.SpoolId;
            return new SpoolLocation(c.Segment, c.Offset);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Recover(SpoolLocation? savedCursor, bool fresh)
    {
        var dir = _settings.Directory;
        var found = Directory.EnumerateFiles(dir, "*" + SpoolFormat.SegmentExtension)
            .Select(f => SpoolFormat.TryParseSegmentFileName(Path.GetFileName(f), out var n) ? n : -1)
            .Where(n => n > 0)
            .Order()
            .ToList();
        var lost = false;
        SpoolLocation cursor;
        if (savedCursor is { } c)
        {
            cursor = c;
        }
        else
        {
            // No cursor: new spool, or a cursor that was removed. Keep (and re-send) whatever segments exist.
            cursor = new SpoolLocation(found.Count > 0 ? found[0] : 1, SpoolFormat.SegmentHeaderBytes);
        }
        foreach (var n in found.Where(n => n < cursor.Segment))
        {
            File.Delete(SegmentPath(n));
        }
        var remaining = found.Where(n => n >= cursor.Segment).ToList();
        if (remaining.Count == 0 || remaining[0] != cursor.Segment)
        {
            if (savedCursor is not null && (cursor.Offset > SpoolFormat.SegmentHeaderBytes || remaining.Count > 0))
            {
                _log.LogError("Spool segment {Segment} (the cursor's) is missing from {Directory}: unacknowledged alerts in it may be lost; the sources resume from their acknowledged checkpoints.", cursor.Segment, dir);
                lost = true;
            }
            cursor = new SpoolLocation(remaining.Count > 0 ? remaining[0] : cursor.Segment, SpoolFormat.SegmentHeaderBytes);
        }

        long records = 0, bytes = 0, torn = 0;
        var corrupt = 0;
        long? oldest = null;
        var pending = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < remaining.Count; i++)
        {
            var n = remaining[i];
            var isLast = i == remaining.Count - 1;
            var start = n == cursor.Segment ? cursor.Offset : SpoolFormat.SegmentHeaderBytes;
            var scan = ScanSegment(n, start, isLast, pending, ref oldest);
            records += scan.Records;
            bytes += scan.Bytes;
            if (scan.Deleted)
            {
                corrupt++;
                lost = true;
                continue;
            }
            if (scan.CutBytes > 0)
            {
                if (isLast)
                {
                    torn += scan.CutBytes;
                }
                else
                {
                    corrupt++;
                    lost = true;
                }
            }
            _segments[n] = scan.Length;
        }

        if (_segments.Count == 0)
        {
            var n = Math.Max(cursor.Segment, remaining.Count > 0 ? remaining[^1] + 1 : 1);
            CreateSegment(n);
            _segments[n] = SpoolFormat.SegmentHeaderBytes;
            cursor = new SpoolLocation(n, SpoolFormat.SegmentHeaderBytes);
        }
        else if (!_segments.ContainsKey(cursor.Segment))
        {
            cursor = new SpoolLocation(_segments.Keys.First(), SpoolFormat.SegmentHeaderBytes);
        }

        _activeSegment = _segments.Keys.Last();
        _activeLength = _committedLength = _segments[_activeSegment];
        _active = File.OpenHandle(SegmentPath(_activeSegment), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        _cursor = cursor;
        _read = cursor;
        _published = new SpoolLocation(_activeSegment, _activeLength);
        _records = records;
        _bytes = bytes;
        _oldestUnixMs = oldest;
        if (savedCursor != cursor || fresh)
        {
            WriteCursor(cursor);
        }
        Recovery = new SpoolRecovery(fresh, records, bytes, torn, corrupt, lost, pending);
        if (torn > 0)
        {
            _log.LogWarning("Spool: cut {Bytes} byte(s) of an interrupted write from the end of segment {Segment} (a crash during a write; those lines are read again from their files).", torn, _activeSegment);
        }
        if (corrupt > 0)
        {
            _log.LogError("Spool: {Count} damaged segment(s) in {Directory}; alerts in the damaged parts are lost from the spool and the sources resume from their acknowledged checkpoints.", corrupt, dir);
        }
    }

    private readonly record struct SegmentScan(long Records, long Bytes, long Length, long CutBytes, bool Deleted);

    private SegmentScan ScanSegment(long segment, long start, bool isLast, Dictionary<string, long> pending, ref long? oldest)
    {
        var path = SegmentPath(segment);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        Span<byte> header = stackalloc byte[SpoolFormat.SegmentHeaderBytes];
        if (length < SpoolFormat.SegmentHeaderBytes || RandomAccess.Read(handle, header, 0) < header.Length || !SpoolFormat.IsSegmentHeader(header, segment))
        {
            if (isLast)
            {
                // Torn while being created: give it a header again.
                RandomAccess.SetLength(handle, 0);
                var fresh = new byte[SpoolFormat.SegmentHeaderBytes];
                SpoolFormat.WriteSegmentHeader(fresh, segment);
                RandomAccess.Write(handle, fresh, 0);
                RandomAccess.FlushToDisk(handle);
                return new SegmentScan(0, 0, SpoolFormat.SegmentHeaderBytes, length, Deleted: false);
            }
            handle.Dispose();
            File.Delete(path);
            return new SegmentScan(0, 0, 0, length, Deleted: true);
        }

        start = Math.Clamp(start, SpoolFormat.SegmentHeaderBytes, length);
        var buffer = new byte[1024 * 1024];
        long bufferStart = start;
        var bufferLength = 0;
        var position = start;
        long records = 0, bytes = 0;
        while (true)
        {
            var available = bufferStart + bufferLength - position;
            var view = buffer.AsSpan((int)(position - bufferStart), (int)available);
            var status = SpoolFormat.TryParse(view, out var frameLength, out var record);
            if (status == FrameStatus.Ok)
            {
                records++;
                bytes += frameLength;
                var id = SourceIdText(record.SourceId);
                pending[id] = pending.GetValueOrDefault(id) + 1;
                oldest ??= record.SpooledAtUnixMs;
                position += frameLength;
                continue;
            }
            if (status == FrameStatus.NeedMore && bufferStart + bufferLength < length)
            {
                // Slide and refill; grow for a frame bigger than the buffer.
                var keep = (int)available;
                var need = Math.Max(frameLength, SpoolFormat.FrameHeaderBytes);
                if (need > buffer.Length)
                {
                    var bigger = new byte[need];
                    buffer.AsSpan((int)(position - bufferStart), keep).CopyTo(bigger);
                    buffer = bigger;
                }
                else
                {
                    buffer.AsSpan((int)(position - bufferStart), keep).CopyTo(buffer);
                }
                bufferStart = position;
                bufferLength = keep;
                var toRead = (int)Math.Min(buffer.Length - keep, length - (bufferStart + keep));
                var read = ReadFully(handle, buffer.AsSpan(keep, toRead), bufferStart + keep);
                bufferLength += read;
                if (read == 0)
                {
                    break;
                }
                continue;
            }
            break;
        }

        var cut = length - position;
        if (cut > 0)
        {
            RandomAccess.SetLength(handle, position);
            RandomAccess.FlushToDisk(handle);
        }
        return new SegmentScan(records, bytes, position, cut, Deleted: false);
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    private string SegmentPath(long segment) => Path.Combine(_settings.Directory, SpoolFormat.SegmentFileName(segment));

    private void CreateSegment(long segment)
    {
        var path = SegmentPath(segment);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            var header = new byte[SpoolFormat.SegmentHeaderBytes];
            SpoolFormat.WriteSegmentHeader(header, segment);
            RandomAccess.Write(handle, header, 0);
            RandomAccess.FlushToDisk(handle);
            AtomicFile.FsyncDirectory(_settings.Directory);
        }
        catch
        {
            AtomicFile.TryDelete(path);
            throw;
        }
    }

    private void WriteCursor(SpoolLocation cursor)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new CursorFile(1, SpoolId, cursor.Segment, cursor.Offset), NodeJson.Default.CursorFile);
        AtomicFile.Write(Path.Combine(_settings.Directory, CursorFileName), bytes);
    }

    private string SourceIdText(ReadOnlySpan<byte> bytes)
    {
        lock (_sourceIds)
        {
            foreach (var (b, t) in _sourceIds)
            {
                if (bytes.SequenceEqual(b))
                {
                    return t;
                }
            }
            var text = Encoding.UTF8.GetString(bytes);
            if (_sourceIds.Count < 256)
            {
                _sourceIds.Add((bytes.ToArray(), text));
            }
            return text;
        }
    }

    // ---------------------------------------------------------------- writer side (one writer)

    /// <summary>Whether <paramref name="bytes"/> more fit under the bound; an empty spool takes anything (so that a
    /// record bigger than the bound cannot block the pipeline).</summary>
    public bool HasRoomFor(long bytes)
    {
        lock (_lock)
        {
            var used = _bytes + (_activeLength - _committedLength);
            return used == 0 || used + bytes <= _settings.MaxBytes;
        }
    }

    /// <summary>Whether <paramref name="bytes"/> more fit under the bound, without the empty-spool exception.</summary>
    public bool Fits(long bytes)
    {
        lock (_lock)
        {
            return _bytes + (_activeLength - _committedLength) + bytes <= _settings.MaxBytes;
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> fit; the spool reports itself full meanwhile.</summary>
    public async Task WaitForRoomAsync(long bytes, CancellationToken ct)
    {
        while (true)
        {
            var freed = _room.Task;
            if (HasRoomFor(bytes))
            {
                lock (_lock)
                {
                    _full = false;
                }
                return;
            }
            lock (_lock)
            {
                _full = true;
            }
            await freed.WaitAsync(ct);
        }
    }

    /// <summary>Starts a write group: closes the active segment if it is big enough and opens the next one.</summary>
    public void BeginGroup()
    {
        if (_activeLength < _settings.EffectiveSegmentMaxBytes || _activeLength <= SpoolFormat.SegmentHeaderBytes)
        {
            return;
        }
        var next = _activeSegment + 1;
        CreateSegment(next);
        var handle = File.OpenHandle(SegmentPath(next), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var old = _active;
        lock (_lock)
        {
            _segments[next] = SpoolFormat.SegmentHeaderBytes;
            _active = handle;
            _activeSegment = next;
            _activeLength = _committedLength = SpoolFormat.SegmentHeaderBytes;
        }
        old.Dispose();
    }

    /// <summary>Appends framed records to the active segment (not durable until <see cref="Commit"/>).</summary>
    public void Append(ReadOnlySpan<byte> frames)
    {
        RandomAccess.Write(_active, frames, _activeLength);
        lock (_lock)
        {
            _activeLength += frames.Length;
            _segments[_activeSegment] = _activeLength;
        }
    }

    /// <summary>Makes the group's appends durable (one fsync) and counts them.</summary>
    public void Commit(long records, long frameBytes, long? firstSpooledAtUnixMs)
    {
        RandomAccess.FlushToDisk(_active);
        lock (_lock)
        {
            _committedLength = _activeLength;
            _records += records;
            _bytes += frameBytes;
            if (_oldestUnixMs is null && records > 0)
            {
                _oldestUnixMs = firstSpooledAtUnixMs;
            }
        }
    }

    /// <summary>Drops the group's uncommitted appends (after a failed write or fsync).</summary>
    public void Rollback()
    {
        lock (_lock)
        {
            _activeLength = _committedLength;
            _segments[_activeSegment] = _activeLength;
        }
        try
        {
            RandomAccess.SetLength(_active, _committedLength);
        }
        catch (IOException e)
        {
            // The bytes past the committed length are overwritten by the next append, or cut at the next start.
            _log.LogDebug(e, "Spool: could not cut the failed write back to {Length} bytes.", _committedLength);
        }
    }

    /// <summary>Lets the reader see every committed record.</summary>
    public void Publish()
    {
        lock (_lock)
        {
            _published = new SpoolLocation(_activeSegment, _committedLength);
        }
        _data.Set();
    }

    // ---------------------------------------------------------------- reader side (one reader: the shipper)

    /// <summary>Whether a published record has not been read yet.</summary>
    public bool HasUnread
    {
        get
        {
            lock (_lock)
            {
                return _read < _published;
            }
        }
    }

    /// <summary>Reads the next published record; the envelope span is valid until the next call.</summary>
    public bool TryRead(out SpoolRecordInfo record, out ReadOnlySpan<byte> envelope)
    {
        record = default;
        envelope = default;
        while (true)
        {
            long limit;
            long? nextSegment = null;
            lock (_lock)
            {
                if (!(_read < _published))
                {
                    return false;
                }
                if (_read.Segment == _published.Segment)
                {
                    limit = _published.Offset;
                }
                else
                {
                    limit = _segments.TryGetValue(_read.Segment, out var l) ? l : 0;
                    foreach (var k in _segments.Keys)
                    {
                        if (k > _read.Segment)
                        {
                            nextSegment = k;
                            break;
                        }
                    }
                }
            }
            if (_read.Offset >= limit)
            {
                if (nextSegment is { } ns)
                {
                    _read = new SpoolLocation(ns, SpoolFormat.SegmentHeaderBytes);
                    continue;
                }
                return false;
            }

            var status = ParseAt(_read, limit, out var frameLength, out var view);
            if (status != FrameStatus.Ok)
            {
                _log.LogError("Spool segment {Segment} is damaged at offset {Offset}; the rest of it is skipped (alerts in it are lost from the spool).", _read.Segment, _read.Offset);
                _read = new SpoolLocation(_read.Segment, limit);
                continue;
            }
            var location = _read;
            _read = new SpoolLocation(_read.Segment, _read.Offset + frameLength);
            record = new SpoolRecordInfo(location, _read, SourceIdText(view.SourceId), view.Position, view.SpooledAtUnixMs);
            envelope = view.Envelope;
            return true;
        }
    }

    private FrameStatus ParseAt(SpoolLocation at, long limit, out int frameLength, out SpoolRecordView view)
    {
        frameLength = 0;
        view = default;
        if (!Fill(at, SpoolFormat.FrameHeaderBytes, limit))
        {
            return FrameStatus.Corrupt;
        }
        var offsetInBuffer = (int)(at.Offset - _readBufferStart);
        var announced = SpoolFormat.AnnouncedFrameLength(_readBuffer.AsSpan(offsetInBuffer));
        if (announced < 0 || !Fill(at, announced, limit))
        {
            return FrameStatus.Corrupt;
        }
        offsetInBuffer = (int)(at.Offset - _readBufferStart);
        return SpoolFormat.TryParse(_readBuffer.AsSpan(offsetInBuffer, announced), out frameLength, out view);
    }

    /// <summary>Makes [at, at + count) of the segment available in the read buffer.</summary>
    private bool Fill(SpoolLocation at, int count, long limit)
    {
        if (at.Offset + count > limit)
        {
            return false;
        }
        if (_readHandleSegment == at.Segment && at.Offset >= _readBufferStart && at.Offset + count <= _readBufferStart + _readBufferLength)
        {
            return true;
        }
        if (_readHandleSegment != at.Segment)
        {
            _readHandle?.Dispose();
            _readHandle = null;
            _readHandleSegment = -1;
            try
            {
                _readHandle = File.OpenHandle(SegmentPath(at.Segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
                return false;
            }
            _readHandleSegment = at.Segment;
        }
        var want = (int)Math.Min(Math.Max(count, ReadChunkBytes), limit - at.Offset);
        if (want > _readBuffer.Length)
        {
            _readBuffer = new byte[want];
        }
        else if (_readBuffer.Length > 4 * ReadChunkBytes && want <= ReadChunkBytes)
        {
            _readBuffer = new byte[ReadChunkBytes];
        }
        _readBufferStart = at.Offset;
        _readBufferLength = ReadFully(_readHandle!, _readBuffer.AsSpan(0, want), at.Offset);
        return _readBufferLength >= count;
    }

    /// <summary>
    /// Acknowledges every record before <paramref name="next"/>: persists the cursor (atomically), deletes fully
    /// acknowledged segments, frees room for the writer.
    /// </summary>
    /// <returns>False when the cursor could not be written (the records are re-sent after a restart).</returns>
    public bool Ack(SpoolLocation next, long records, long frameBytes)
    {
        List<long> deletable;
        lock (_lock)
        {
            if (next.Segment < _activeSegment && _segments.TryGetValue(next.Segment, out var length) && next.Offset >= length)
            {
                foreach (var k in _segments.Keys)
                {
                    if (k > next.Segment)
                    {
                        next = new SpoolLocation(k, SpoolFormat.SegmentHeaderBytes);
                        break;
                    }
                }
            }
            _cursor = next;
            _records = Math.Max(0, _records - records);
            _bytes = Math.Max(0, _bytes - frameBytes);
            if (_records == 0)
            {
                _oldestUnixMs = null;
            }
            deletable = [.. _segments.Keys.Where(k => k < next.Segment)];
        }

        var persisted = TryWriteCursor(next, out var error);
        if (!persisted && deletable.Count > 0)
        {
            // A full disk has no room for the cursor's temp file: free the acknowledged segments first, then retry.
            // Should the agent die in between, the cursor names a deleted segment; Open then reports lost data and
            // the sources resume from their `acked` checkpoints: alerts are read again, none is lost.
            DeleteSegments(deletable);
            deletable.Clear();
            persisted = TryWriteCursor(next, out error);
        }
        if (persisted)
        {
            DeleteSegments(deletable);
            if (_cursorWriteFailed)
            {
                _cursorWriteFailed = false;
                _log.LogInformation("Spool: the cursor is written again.");
            }
        }
        else if (!_cursorWriteFailed)
        {
            _cursorWriteFailed = true;
            _log.LogError("Spool: cannot write the cursor in {Directory} ({Message}); acknowledged alerts will be sent again after a restart (the core ignores duplicates).", _settings.Directory, error);
        }

        if (Stats().Records > 0)
        {
            RefreshOldest(next);
        }
        _room.Set();
        return persisted;
    }

    private bool TryWriteCursor(SpoolLocation cursor, out string? error)
    {
        try
        {
            WriteCursor(cursor);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
    }

    /// <remarks>Called by whoever acknowledges, maybe while the reader reads: the reader's handle is left alone (an
    /// unlinked file stays readable; the reader closes it when it moves to the next segment).</remarks>
    private void DeleteSegments(List<long> segments)
    {
        foreach (var n in segments)
        {
            lock (_lock)
            {
                _segments.Remove(n);
            }
            AtomicFile.TryDelete(SegmentPath(n));
        }
    }

    private void RefreshOldest(SpoolLocation at)
    {
        long limit;
        lock (_lock)
        {
            limit = at.Segment == _activeSegment ? _committedLength : _segments.GetValueOrDefault(at.Segment);
        }
        try
        {
            using var handle = File.OpenHandle(SegmentPath(at.Segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> head = stackalloc byte[SpoolFormat.FrameHeaderBytes + 9];
            if (at.Offset + head.Length <= limit && ReadFully(handle, head, at.Offset) == head.Length)
            {
                var t = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(head[(SpoolFormat.FrameHeaderBytes + 1)..]);
                lock (_lock)
                {
                    _oldestUnixMs = t;
                }
            }
        }
        catch (IOException)
        {
            // Only the status's "oldest" age depends on it.
        }
    }

    public SpoolStats Stats()
    {
        lock (_lock)
        {
            return new SpoolStats(_records, _bytes, _oldestUnixMs, _settings.MaxBytes, _full);
        }
    }

    /// <summary>The persisted consumer cursor (everything before it is acknowledged).</summary>
    public SpoolLocation Cursor
    {
        get
        {
            lock (_lock)
            {
                return _cursor;
            }
        }
    }

    /// <summary>Segment numbers on disk (for tests and diagnostics).</summary>
    public IReadOnlyList<long> Segments
    {
        get
        {
            lock (_lock)
            {
                return [.. _segments.Keys];
            }
        }
    }

    public void Dispose()
    {
        _readHandle?.Dispose();
        _active?.Dispose();
        _lockFile.Dispose();
    }

    internal sealed record CursorFile(int Version, string SpoolId, long Segment, long Offset);
}
