using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;
using Socme.Node.Checkpoints;
using Socme.Node.Status;

namespace Socme.Node.DeadLetters;

/// <summary>Reason codes of dead letters written by the node itself (the core's line codes are used as they are).</summary>
internal static class DeadLetterCodes
{
    /// <summary>Longer than <c>MaxLineBytes</c>.</summary>
    public const string TooLong = "too_long";

    /// <summary>A last line without its newline when the file was rotated or truncated: it can never complete.</summary>
    public const string Truncated = "truncated";

    /// <summary>The core refused even a one-line batch as too large (413).</summary>
    public const string PayloadTooLarge = "payload_too_large";

    /// <summary>The core refused even a one-line batch as malformed (400/422).</summary>
    public const string RefusedByCore = "refused_by_core";
}

/// <summary>A line that is not shipped, with why. <c>Position</c> is the line's file and the byte offset just after
/// it; <c>Line</c> holds at most the writer's bound of it and <c>LineLength</c> is the whole line's size.</summary>
internal sealed record DeadLetter(DateTimeOffset Time, string SourceId, FilePosition Position, string Code, string Reason, byte[] Line, long LineLength)
{
    /// <summary>Copies at most <paramref name="bound"/> bytes of the line.</summary>
    public static DeadLetter Create(DateTimeOffset time, string sourceId, FilePosition position, string code, string reason, ReadOnlySpan<byte> line, long fullLength, int bound) =>
        new(time, sourceId, position, code, reason, line[..Math.Min(line.Length, bound)].ToArray(), fullLength);
}

/// <summary>
/// Appends dead letters to <c>DataDir/dead-letters.jsonl</c>, one JSON object per line, fsynced before the caller
/// moves a checkpoint past them. The file is renamed to <c>dead-letters.1.jsonl</c> (replacing the previous one)
/// when it passes its size bound.
/// </summary>
/// <remarks>
/// Entry: <c>{"time","source","position":{"device","inode","offset"},"code","reason","length","truncated",
/// "line"|"lineBase64"}</c>. <c>line</c> is the text when it is valid UTF-8, else <c>lineBase64</c> holds the bytes;
/// either holds at most the first <see cref="MaxStoredLineBytes"/> bytes (<c>truncated</c> says whether it was cut;
/// <c>length</c> is the whole line's size).
/// </remarks>
internal sealed class DeadLetterWriter : IDisposable
{
    public const string FileName = "dead-letters.jsonl";
    public const string PreviousFileName = "dead-letters.1.jsonl";

    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly string _previousPath;
    private readonly long _maxFileBytes;
    private SafeFileHandle? _handle;
    private long _length;
    private long _count;

    public DeadLetterWriter(string dataDir, int maxStoredLineBytes = 64 * 1024, long maxFileBytes = 64L * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        Directory.CreateDirectory(dataDir);
        _path = Path.Combine(dataDir, FileName);
        _previousPath = Path.Combine(dataDir, PreviousFileName);
        MaxStoredLineBytes = maxStoredLineBytes;
        _maxFileBytes = maxFileBytes;
    }

    public string FilePath => _path;

    /// <summary>At most this many bytes of a line are kept.</summary>
    public int MaxStoredLineBytes { get; }

    /// <summary>Dead letters written since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Appends and fsyncs the letters.</summary>
    /// <exception cref="IOException">The write failed (e.g. a full disk); nothing of it stays in the file.</exception>
    public void Write(IReadOnlyList<DeadLetter> letters)
    {
        ArgumentNullException.ThrowIfNull(letters);
        if (letters.Count == 0)
        {
            return;
        }
        var buffer = new ArrayBufferWriter<byte>(1024 + letters.Sum(l => l.Line.Length * 2));
        using (var json = new Utf8JsonWriter(buffer))
        {
            foreach (var letter in letters)
            {
                WriteEntry(json, letter);
                json.Flush();
                json.Reset();
                buffer.Write("\n"u8);
            }
        }

        lock (_lock)
        {
            if (_handle is null || _length > _maxFileBytes)
            {
                Reopen();
            }
            try
            {
                RandomAccess.Write(_handle!, buffer.WrittenSpan, _length);
                RandomAccess.FlushToDisk(_handle!);
            }
            catch (IOException)
            {
                try
                {
                    RandomAccess.SetLength(_handle!, _length);
                }
                catch (IOException)
                {
                    // The next write starts at the old length anyway and overwrites the partial entry.
                }
                throw;
            }
            _length += buffer.WrittenCount;
            _count += letters.Count;
        }
    }

    private void Reopen()
    {
        _handle?.Dispose();
        _handle = null;
        var existed = File.Exists(_path);
        if (existed && new FileInfo(_path).Length > _maxFileBytes)
        {
            File.Move(_path, _previousPath, overwrite: true);
            existed = false;
        }
        _handle = File.OpenHandle(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read | FileShare.Delete);
        _length = RandomAccess.GetLength(_handle);
        if (!existed)
        {
            // The new file's name must survive a power loss as well as its content.
            AtomicFile.FsyncDirectory(Path.GetDirectoryName(_path)!);
        }
    }

    private void WriteEntry(Utf8JsonWriter json, DeadLetter letter)
    {
        var line = letter.Line.AsSpan(0, Math.Min(letter.Line.Length, MaxStoredLineBytes));
        var truncated = line.Length < letter.LineLength;
        json.WriteStartObject();
        json.WriteString("time"u8, letter.Time);
        json.WriteString("source"u8, letter.SourceId);
        json.WriteStartObject("position"u8);
        json.WriteNumber("device"u8, letter.Position.Device);
        json.WriteNumber("inode"u8, letter.Position.Inode);
        json.WriteNumber("offset"u8, letter.Position.Offset);
        json.WriteEndObject();
        json.WriteString("code"u8, letter.Code);
        json.WriteString("reason"u8, letter.Reason);
        json.WriteNumber("length"u8, letter.LineLength);
        json.WriteBoolean("truncated"u8, truncated);
        var text = truncated ? CutAtCharBoundary(line) : line;
        if (Utf8.IsValid(text))
        {
            json.WriteString("line"u8, text);
        }
        else
        {
            json.WriteBase64String("lineBase64"u8, line);
        }
        json.WriteEndObject();
    }

    /// <summary>Drops a UTF-8 sequence cut in the middle at the end of a truncated line.</summary>
    private static ReadOnlySpan<byte> CutAtCharBoundary(ReadOnlySpan<byte> line)
    {
        var i = line.Length - 1;
        var continuations = 0;
        while (i >= 0 && continuations < 3 && (line[i] & 0xC0) == 0x80)
        {
            i--;
            continuations++;
        }
        if (i < 0)
        {
            return line;
        }
        var lead = line[i];
        var needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return continuations + 1 < needed ? line[..i] : line;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _handle?.Dispose();
            _handle = null;
        }
    }
}
