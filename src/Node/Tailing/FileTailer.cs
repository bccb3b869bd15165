using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Socme.Node.Checkpoints;
using Socme.Node.DeadLetters;
using Socme.Node.Spool;
using Socme.Node.Status;

namespace Socme.Node.Tailing;

/// <summary>What one <see cref="FileTailer.Poll"/> did.</summary>
internal enum TailStatus
{
    /// <summary>Bytes were read (or the file changed): poll again at once.</summary>
    Read,
    /// <summary>At the end of the file, nothing new: wait before polling again.</summary>
    Idle,
    /// <summary>The file does not exist (yet).</summary>
    Missing,
}

internal enum TailStartKind
{
    End,
    Beginning,
    Checkpoint,
}

/// <summary>Where a tailer starts: the end or the beginning of the live file (first start), or a checkpoint.</summary>
internal sealed record TailStart(TailStartKind Kind, FilePosition? Position = null, FileHead? Head = null, string? FileHint = null)
{
    public static TailStart End { get; } = new(TailStartKind.End);
    public static TailStart Beginning { get; } = new(TailStartKind.Beginning);

    public static TailStart At(FilePosition position, FileHead? head, string? fileHint) => new(TailStartKind.Checkpoint, position, head, fileHint);
}

/// <summary>Receives what a <see cref="FileTailer"/> reads.</summary>
internal interface ILineSink
{
    /// <summary>A complete line, without its <c>\n</c>; <paramref name="after"/> is the position just after the newline.</summary>
    void Line(ReadOnlySpan<byte> line, FilePosition after);

    /// <summary>A line that is not passed whole (too long; or cut by rotation or truncation); <paramref name="head"/>
    /// is its beginning, <paramref name="length"/> its full length.</summary>
    void BadLine(string code, string reason, ReadOnlySpan<byte> head, long length, FilePosition after);

    /// <summary>True when the sink wants the poll to end after the current line (its chunk is full).</summary>
    bool Paused { get; }
}

/// <summary>Limits and timings of a <see cref="FileTailer"/>.</summary>
internal sealed class TailerSettings
{
    /// <summary>Longer lines are reported as <see cref="DeadLetterCodes.TooLong"/> without being buffered whole.</summary>
    public int MaxLineBytes { get; init; } = 1024 * 1024;

    /// <summary>After the path moved to another file, how long the old file may stay silent before it is closed
    /// (when the new file is still empty). A writer that has not reopened yet keeps writing to the old file.</summary>
    public TimeSpan RotateWait { get; init; } = TimeSpan.FromSeconds(5);

    public int ReadBufferBytes { get; init; } = 256 * 1024;

    /// <summary>How much of a bad line is kept for its dead letter.</summary>
    public int KeepHeadBytes { get; init; } = 64 * 1024;
}

/// <summary>
/// Follows one file by path, by inode: reads complete lines, waits for a partial last line's newline, follows rename
/// rotation (finishing the old inode first), copy-truncate (same inode, size below the offset: start again at 0) and
/// Wazuh's midnight re-link of <c>alerts.json</c> to <c>logs/alerts/YYYY/Mon/ossec-alerts-DD.json</c>. Resuming from
/// a checkpoint whose inode is no longer at the path, it looks for that inode beside the path and in Wazuh's dated
/// folders, finishes it, then goes on with the live file.
/// </summary>
/// <remarks>Synchronous and single-threaded: the caller polls it and waits between idle polls.</remarks>
internal sealed class FileTailer : IDisposable
{
    private readonly TailerSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _keptReasonTooLong;
    private TailStart _start;

    private SafeFileHandle? _handle;
    private FileStat _id;
    private long _readOffset;
    private byte[] _buffer;
    private int _count;
    private long _bufferOffset;
    private long _consumed;
    private bool _skipFragment;
    private bool _unprocessed;
    private bool _idle;

    private bool _discarding;
    private long _discardStart;
    private long _discardLength;
    private byte[] _discardHead = [];

    private long? _rotationSeenAt;
    private long _lastDataAt;

    private readonly byte[] _headCache = new byte[FileHead.MaxLength];
    private int _headCacheLength = -1;

    public FileTailer(string path, TailStart start, TailerSettings settings, TimeProvider time, ILogger log)
    {
        Path = path;
        _start = start;
        _settings = settings;
        _time = time;
        _log = log;
        _buffer = new byte[Math.Max(4096, settings.ReadBufferBytes)];
        _keptReasonTooLong = string.Create(CultureInfo.InvariantCulture, $"The line is longer than the limit of {settings.MaxLineBytes} bytes (MaxLineBytes).");
    }

    /// <summary>The live path.</summary>
    public string Path { get; }

    /// <summary>Where the current file was opened (the live path, or an archive while finishing it after a restart).</summary>
    public string? OpenedPath { get; private set; }

    /// <summary>Just after the last line handed out (or skipped); null before the file was first opened.</summary>
    public FilePosition? Position => _handle is null ? null : new FilePosition(_id.Device, _id.Inode, _consumed);

    /// <summary>Fingerprint of the current file's first bytes up to <see cref="Position"/> (at most <see cref="FileHead.MaxLength"/>).</summary>
    public FileHead Head()
    {
        if (_handle is null)
        {
            return default;
        }
        var length = (int)Math.Min(_consumed, FileHead.MaxLength);
        if (length == 0)
        {
            return default;
        }
        if (_headCacheLength < length)
        {
            _headCacheLength = RandomAccess.Read(_handle, _headCache, 0);
            if (_headCacheLength < length)
            {
                return default;
            }
        }
        return new FileHead(length, Crc32C.Compute(_headCache.AsSpan(0, length)));
    }

    /// <summary>Reads what is there (at most one buffer), hands complete lines to <paramref name="sink"/>, and
    /// handles truncation and rotation at the end of the file.</summary>
    public TailStatus Poll(ILineSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_handle is null && !TryOpen())
        {
            return TailStatus.Missing;
        }
        if (_unprocessed)
        {
            // The sink paused the previous poll: finish the lines already read first.
            Process(sink);
            return TailStatus.Read;
        }
        if (_idle && Truncated(sink))
        {
            // Checked before reading what came after a pause: bytes past the old offset may belong to new content.
            return TailStatus.Read;
        }
        if (ReadMore(sink))
        {
            _idle = false;
            return TailStatus.Read;
        }
        var status = AtEndOfFile(sink);
        _idle = status == TailStatus.Idle;
        return status;
    }

    /// <summary>Copy-truncate: the same inode emptied and written again; its first bytes tell it even when the new
    /// content has already grown past the old offset. Starts the file again from 0.</summary>
    private bool Truncated(ILineSink sink)
    {
        var stat = FileIdentity.Stat(_handle!);
        if (stat.Size >= _readOffset && !HeadChanged(stat.Size))
        {
            return false;
        }
        _log.LogInformation("{Path}: truncated (copy-truncate rotation; {New} bytes now, {Old} read); reading it again from its start.", Path, stat.Size, _readOffset);
        FlushPartial(sink, "The file was truncated (copy-truncate) before this line got its newline.");
        Reset(0);
        return true;
    }

    private bool ReadMore(ILineSink sink)
    {
        var n = RandomAccess.Read(_handle!, _buffer.AsSpan(_count), _readOffset);
        if (n <= 0)
        {
            return false;
        }
        _readOffset += n;
        _count += n;
        _lastDataAt = _time.GetTimestamp();
        Process(sink);
        return true;
    }

    private void Process(ILineSink sink)
    {
        _unprocessed = false;
        var start = 0;
        while (start < _count)
        {
            var rest = _buffer.AsSpan(start, _count - start);
            var nl = rest.IndexOf((byte)'\n');
            if (_discarding)
            {
                if (nl < 0)
                {
                    _discardLength += rest.Length;
                    start = _count;
                    break;
                }
                _discardLength += nl;
                var end = _bufferOffset + start + nl + 1;
                _discarding = false;
                _consumed = end;
                if (_skipFragment)
                {
                    _skipFragment = false;
                }
                else
                {
                    sink.BadLine(DeadLetterCodes.TooLong, _keptReasonTooLong, _discardHead, _discardLength, Pos(end));
                }
                _discardHead = [];
                start += nl + 1;
                continue;
            }
            if (nl < 0)
            {
                if (rest.Length > _settings.MaxLineBytes + 1)
                {
                    _discarding = true;
                    _discardStart = _consumed;
                    _discardLength = rest.Length;
                    _discardHead = rest[..Math.Min(rest.Length, _settings.KeepHeadBytes)].ToArray();
                    start = _count;
                }
                break;
            }
            var line = rest[..nl];
            var after = _bufferOffset + start + nl + 1;
            _consumed = after;
            if (_skipFragment)
            {
                _skipFragment = false;
            }
            else if (line.Length > _settings.MaxLineBytes + 1)
            {
                sink.BadLine(DeadLetterCodes.TooLong, _keptReasonTooLong, line[..Math.Min(line.Length, _settings.KeepHeadBytes)], line.Length, Pos(after));
            }
            else
            {
                sink.Line(line, Pos(after));
            }
            start += nl + 1;
            if (sink.Paused && start < _count)
            {
                _unprocessed = true;
                break;
            }
        }

        if (start > 0)
        {
            _buffer.AsSpan(start, _count - start).CopyTo(_buffer);
            _count -= start;
            _bufferOffset += start;
        }
        if (_count == _buffer.Length)
        {
            // A partial line fills the buffer: grow it (a line up to MaxLineBytes is kept whole).
            var bigger = new byte[(int)Math.Min((long)_buffer.Length * 2, _settings.MaxLineBytes + 2L)];
            _buffer.AsSpan(0, _count).CopyTo(bigger);
            _buffer = bigger;
        }
    }

    private FilePosition Pos(long offset) => new(_id.Device, _id.Inode, offset);

    private TailStatus AtEndOfFile(ILineSink sink)
    {
        if (Truncated(sink))
        {
            return TailStatus.Read;
        }

        var now = _time.GetTimestamp();
        var exists = FileIdentity.TryStat(Path, out var live);
        if (exists && live.SameFile(_id))
        {
            _rotationSeenAt = null;
            return TailStatus.Idle;
        }
        _rotationSeenAt ??= now;
        if (!exists)
        {
            // Renamed away and not re-created yet: the writer may still be writing to it.
            return TailStatus.Idle;
        }
        var quiet = _time.GetElapsedTime(Math.Max(_rotationSeenAt.Value, _lastDataAt), now) >= _settings.RotateWait;
        if (live.Size == 0 && !quiet)
        {
            return TailStatus.Idle;
        }
        // The new file has data (its writer has moved on) or the old one has been quiet long enough: finish the
        // old one, then switch.
        if (ReadMore(sink))
        {
            return TailStatus.Read;
        }
        FlushPartial(sink, "The file was rotated before this line got its newline.");
        var finished = Position;
        if (NextGeneration(live) is { } between && TryOpenAt(between, 0))
        {
            // Rotated more than once while this file was being finished (the agent was stopped or behind): read the
            // generations in between, oldest first, before the live file.
            _log.LogInformation("{Path}: finished the previous file (inode {Inode}) at offset {Offset}; the file after it was rotated away too, reading {Between} (inode {NewInode}) before the live file.",
                Path, finished?.Inode, finished?.Offset, between, _id.Inode);
            return TailStatus.Read;
        }
        if (!TryOpenAt(Path, 0))
        {
            return TailStatus.Idle;
        }
        _log.LogInformation("{Path}: rotated. Finished the previous file (device {Device}, inode {Inode}) at offset {Offset}; now reading the new one (inode {NewInode}).",
            Path, finished?.Device, finished?.Inode, finished?.Offset, _id.Inode);
        return TailStatus.Read;
    }

    /// <summary>Whether the file's first bytes differ from those seen before (remembered at the first check).</summary>
    private bool HeadChanged(long size)
    {
        if (_headCacheLength < 0)
        {
            _headCacheLength = RandomAccess.Read(_handle!, _headCache, 0);
            return false;
        }
        if (_headCacheLength == 0)
        {
            return false;
        }
        Span<byte> now = stackalloc byte[FileHead.MaxLength];
        var length = (int)Math.Min(_headCacheLength, size);
        var read = RandomAccess.Read(_handle!, now[..length], 0);
        return read < _headCacheLength || !now[..read].SequenceEqual(_headCache.AsSpan(0, _headCacheLength));
    }

    /// <summary>Reports a partial last line that can never be completed, and moves past it.</summary>
    private void FlushPartial(ILineSink sink, string reason)
    {
        if (_discarding)
        {
            if (!_skipFragment)
            {
                sink.BadLine(DeadLetterCodes.Truncated, reason, _discardHead, _discardLength, Pos(_discardStart + _discardLength));
            }
        }
        else if (_count > 0 && !_skipFragment)
        {
            sink.BadLine(DeadLetterCodes.Truncated, reason, _buffer.AsSpan(0, Math.Min(_count, _settings.KeepHeadBytes)), _count, Pos(_bufferOffset + _count));
        }
        _skipFragment = false;
        _discarding = false;
        _discardHead = [];
        _bufferOffset += _count;
        _count = 0;
        _consumed = _readOffset;
    }

    private void Reset(long offset)
    {
        _readOffset = _bufferOffset = _consumed = offset;
        _count = 0;
        _discarding = false;
        _discardHead = [];
        _skipFragment = false;
        _unprocessed = false;
        _idle = false;
        _headCacheLength = -1;
        _rotationSeenAt = null;
        _lastDataAt = _time.GetTimestamp();
    }

    private bool TryOpen()
    {
        switch (_start.Kind)
        {
            case TailStartKind.Checkpoint:
                return OpenFromCheckpoint();
            case TailStartKind.End:
                if (OpenLiveAtEnd())
                {
                    return true;
                }
                // Whatever appears at the path later is new: read it whole.
                _start = TailStart.Beginning;
                return false;
            default:
                return TryOpenAt(Path, 0);
        }
    }

    private bool TryOpenAt(string path, long offset)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        Use(handle, FileIdentity.Stat(handle), path, offset);
        return true;
    }

    private void Use(SafeFileHandle handle, FileStat stat, string openedPath, long offset)
    {
        _handle?.Dispose();
        _handle = handle;
        _id = stat;
        OpenedPath = openedPath;
        Reset(offset);
    }

    private bool OpenLiveAtEnd()
    {
        if (!TryOpenAt(Path, 0))
        {
            return false;
        }
        // Start after the last complete line, so that a line being written when the agent starts is read whole.
        var size = FileIdentity.Stat(_handle!).Size;
        var block = new byte[64 * 1024];
        var end = size;
        long scanned = 0;
        while (end > 0 && scanned < _settings.MaxLineBytes + 2L)
        {
            var length = (int)Math.Min(block.Length, end);
            var read = RandomAccess.Read(_handle!, block.AsSpan(0, length), end - length);
            var nl = block.AsSpan(0, read).LastIndexOf((byte)'\n');
            if (nl >= 0)
            {
                Reset(end - length + nl + 1);
                return true;
            }
            end -= length;
            scanned += length;
        }
        Reset(end == 0 ? 0 : size);
        // No newline within a line's length of the end: the tail is a too-long line; skip it silently.
        _skipFragment = end != 0;
        return true;
    }

    private bool OpenFromCheckpoint()
    {
        var position = _start.Position!.Value;
        var head = _start.Head;
        if (TryOpenMatching(Path, position, head))
        {
            return true;
        }
        foreach (var candidate in Candidates())
        {
            if (TryOpenMatching(candidate, position, head))
            {
                _log.LogInformation("{Path}: the checkpointed file (inode {Inode}) was rotated to {Archive}; finishing it from offset {Offset} before the live file.",
                    Path, position.Inode, candidate, _consumed);
                return true;
            }
        }
        _log.LogWarning("{Path}: the checkpointed file (device {Device}, inode {Inode}, offset {Offset}) is gone (rotated and removed?); reading the live file from its start.",
            Path, position.Device, position.Inode, position.Offset);
        _start = TailStart.Beginning;
        return TryOpenAt(Path, 0);
    }

    /// <summary>Opens <paramref name="path"/> when it is the checkpointed inode: at the checkpoint's offset, or at 0
    /// when its content changed meanwhile (copy-truncate while the agent was stopped, or the inode reused by a newer
    /// file). Either way its lines were not read: reading them (again) can only duplicate, never lose.</summary>
    private bool TryOpenMatching(string path, FilePosition position, FileHead? head)
    {
        if (!FileIdentity.TryStat(path, out var stat) || stat.Device != position.Device || stat.Inode != position.Inode)
        {
            return false;
        }
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        var opened = FileIdentity.Stat(handle);
        if (!opened.SameFile(stat))
        {
            handle.Dispose();
            return false;
        }
        var offset = position.Offset;
        if (head is { Length: > 0 } h)
        {
            var bytes = new byte[h.Length];
            if (RandomAccess.Read(handle, bytes, 0) < h.Length || Crc32C.Compute(bytes) != h.Crc)
            {
                _log.LogWarning("{File}: its first bytes differ from the checkpoint's (copy-truncated while the agent was stopped, or inode {Inode} reused by a newer file); reading it from its start.", path, position.Inode);
                offset = 0;
            }
        }
        if (opened.Size < offset)
        {
            _log.LogWarning("{File}: shorter ({Size} bytes) than the checkpoint ({Offset}): truncated while the agent was stopped; reading it from its start.", path, opened.Size, offset);
            offset = 0;
        }
        Use(handle, opened, path, offset);
        return true;
    }

    /// <summary>Where a rotated file may be: the checkpoint's hint, siblings named like the live file
    /// (<c>eve.json.1</c>, <c>eve.json-20240101</c>), and Wazuh's <c>YYYY/Mon/*.json</c> archives (newest first).</summary>
    private IEnumerable<string> Candidates()
    {
        if (_start.FileHint is { } hint && hint != Path)
        {
            yield return hint;
        }
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (dir is null)
        {
            yield break;
        }
        var stem = System.IO.Path.GetFileNameWithoutExtension(Path);
        foreach (var f in SafeFiles(dir).Where(f => f != Path && System.IO.Path.GetFileName(f).StartsWith(stem, StringComparison.Ordinal)).OrderDescending(StringComparer.Ordinal))
        {
            yield return f;
        }
        foreach (var year in SafeDirectories(dir).Where(d => System.IO.Path.GetFileName(d) is { Length: 4 } y && y.All(char.IsAsciiDigit)).OrderDescending(StringComparer.Ordinal))
        {
            foreach (var month in SafeDirectories(year).OrderByDescending(Directory.GetLastWriteTimeUtc))
            {
                foreach (var f in SafeFiles(month).OrderDescending(StringComparer.Ordinal))
                {
                    yield return f;
                }
            }
        }
    }

    /// <summary>
    /// The oldest rotated generation written after the current (finished) file and other than the live one: a sibling
    /// named like the live file plus a suffix (<c>eve.json.1</c>, <c>eve.json-20240101</c>) or a Wazuh dated archive with
    /// the same extension, not compressed, last written after the current file. Null when there is none.
    /// </summary>
    /// <remarks>Ordering by last write time: an archive touched later by another tool is read again (duplicates, which
    /// the core absorbs), never skipped.</remarks>
    private string? NextGeneration(in FileStat live)
    {
        DateTime finishedAt;
        try
        {
            finishedAt = File.GetLastWriteTimeUtc(_handle!);
        }
        catch (IOException)
        {
            return null;
        }
        var name = System.IO.Path.GetFileName(Path);
        var extension = System.IO.Path.GetExtension(Path);
        string? best = null;
        var bestAt = DateTime.MaxValue;
        foreach (var f in Candidates())
        {
            var file = System.IO.Path.GetFileName(f);
            var generation = file.Length > name.Length && file.StartsWith(name, StringComparison.Ordinal) && file[name.Length] is '.' or '-' or '_'
                || (extension.Length > 0 && file.EndsWith(extension, StringComparison.Ordinal) && System.IO.Path.GetDirectoryName(f) != System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)));
            if (!generation || Compressed(file) || !FileIdentity.TryStat(f, out var stat) || stat.SameFile(_id) || stat.SameFile(live))
            {
                continue;
            }
            var at = File.GetLastWriteTimeUtc(f);
            if (at > finishedAt && at < bestAt)
            {
                best = f;
                bestAt = at;
            }
        }
        return best;
    }

    private static bool Compressed(string file) =>
        file.EndsWith(".gz", StringComparison.Ordinal) || file.EndsWith(".bz2", StringComparison.Ordinal) || file.EndsWith(".xz", StringComparison.Ordinal)
        || file.EndsWith(".zst", StringComparison.Ordinal) || file.EndsWith(".zip", StringComparison.Ordinal) || file.EndsWith(".sum", StringComparison.Ordinal);

    private static string[] SafeFiles(string dir)
    {
        try
        {
            return Directory.GetFiles(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string[] SafeDirectories(string dir)
    {
        try
        {
            return Directory.GetDirectories(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _handle = null;
    }
}
