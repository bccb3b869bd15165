using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Socme.Alerts;
using Socme.Node.DeadLetters;
using Socme.Node.Spool;
using Socme.Node.Status;
using Socme.Node.Tailing;

namespace Socme.Node.Pipeline;

/// <summary>
/// Turns a source's lines into spool records: classify (<see cref="AlertParser.Classify"/>, which stops early), filter
/// (Wazuh <c>rule.level</c> ≥ MinLevel; Suricata alerts, and anomalies when enabled), check that a shipped line is
/// whole UTF-8 JSON, compute its stable key from the original bytes, and frame the ingest envelope
/// <c>{"source":…,"key":…,"raw":&lt;the line&gt;}</c> straight into the chunk buffer. Anything unusable becomes a
/// dead letter with the parser's reason.
/// </summary>
internal sealed class LineProcessor : ILineSink
{
    private const int MaxDepth = 64;

    private readonly SourceState _state;
    private readonly PipelineSettings _settings;
    private readonly TimeProvider _time;
    private readonly ParseOptions _parse;
    private readonly byte[] _prefix;
    private readonly int _maxLineBytes;
    private SpoolChunk? _chunk;
    private long _nowUnixMs;
    private DateTimeOffset _now;

    public LineProcessor(SourceState state, PipelineSettings settings, TimeProvider time)
    {
        _state = state;
        _settings = settings;
        _time = time;
        _parse = new ParseOptions { MaxLineBytes = settings.Node.MaxLineBytes, SuricataAnomalyIsAlert = state.Options.IncludeAnomaly, MaxDepth = MaxDepth };
        _maxLineBytes = _parse.MaxLineBytes > 0 ? _parse.MaxLineBytes : ParseOptions.Default.MaxLineBytes;
        _prefix = Encoding.UTF8.GetBytes($"{{\"source\":\"{SourceName(state.Source)}\",\"key\":\"");
        BeginPoll();
    }

    private static ReadOnlySpan<byte> KeyToRaw => "\",\"raw\":"u8;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static string SourceName(AlertSource source) => source == AlertSource.Wazuh ? "wazuh" : "suricata";

    public bool HasContent => _chunk is { IsEmpty: false };

    /// <summary>The chunk is nearly <see cref="PipelineSettings.ChunkBytes"/>: the reader hands it over before reading
    /// on. (The margin keeps the last line inside the rented buffer, whose size is a power of two.)</summary>
    public bool Paused => _chunk is { } c && c.Length >= _settings.ChunkBytes - (_settings.ChunkBytes / 8);

    /// <summary>Takes the current chunk (records and dead letters so far), or null when there is none.</summary>
    public SpoolChunk? TakeChunk()
    {
        var c = _chunk;
        _chunk = null;
        return c;
    }

    /// <summary>Reads the clock once for the lines of the next poll.</summary>
    public void BeginPoll()
    {
        _now = _time.GetUtcNow();
        _nowUnixMs = _now.ToUnixTimeMilliseconds();
    }

    public void Line(ReadOnlySpan<byte> line, FilePosition after)
    {
        Interlocked.Increment(ref _state.LinesRead);
        var json = Trim(line);
        if (json.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            Interlocked.Increment(ref _state.Filtered);
            return;
        }

        if (_state.Source == AlertSource.Wazuh && _settings.WazuhOnePass && WazuhLineScanner.TryScan(json, _maxLineBytes, out var wazuhLevel, out var wazuhId))
        {
            if (wazuhLevel < _state.Options.MinLevel)
            {
                Interlocked.Increment(ref _state.Filtered);
                return;
            }
            if (Utf8.IsValid(json) && !wazuhId.IsEmpty)
            {
                Append(json, wazuhId, after);
                return;
            }
            // Invalid UTF-8 (the careful path dead-letters it), or no id (the key is the line's hash).
        }

        var kind = AlertParser.Classify(_state.Source, json, out var level, _parse);
        var ship = kind switch
        {
            LineKind.Alert => _state.Source != AlertSource.Wazuh || level >= _state.Options.MinLevel,
            LineKind.Anomaly => _state.Options.IncludeAnomaly,
            _ => false,
        };
        if (kind == LineKind.Invalid || (ship && !(Utf8.IsValid(json) && IsWholeJsonObject(json))))
        {
            // Classify does not validate the rest of the line: the full parse gives the verdict and the reason.
            var result = AlertParser.Parse(_state.Source, json, _parse);
            if (result.Error is { } error)
            {
                AddDeadLetter(CodeOf(error), result.ErrorMessage ?? error.ToString(), line, line.Length, after);
                return;
            }
            ship = result.Alert is { } alert && (_state.Source != AlertSource.Wazuh || alert.Level >= _state.Options.MinLevel);
        }
        if (!ship)
        {
            Interlocked.Increment(ref _state.Filtered);
            return;
        }
        Span<byte> keyBuffer = stackalloc byte[256];
        Append(json, JsonSafeAscii(AlertParser.StableKey(_state.Source, json), keyBuffer), after);
    }

    public void BadLine(string code, string reason, ReadOnlySpan<byte> head, long length, FilePosition after)
    {
        Interlocked.Increment(ref _state.LinesRead);
        AddDeadLetter(code, reason, head, length, after);
    }

    private void AddDeadLetter(string code, string reason, ReadOnlySpan<byte> line, long length, FilePosition after)
    {
        var chunk = Chunk();
        (chunk.DeadLetters ??= []).Add(DeadLetter.Create(_now, _state.Id, after, code, reason, line, length, _settings.DeadLetterLineBytes));
    }

    private SpoolChunk Chunk() => _chunk ??= new SpoolChunk(_state, _settings.ChunkBytes);

    /// <summary>Frames the envelope of a line to ship; <paramref name="keyBytes"/> is the key as it goes inside the JSON string.</summary>
    private void Append(ReadOnlySpan<byte> json, ReadOnlySpan<byte> keyBytes, FilePosition after)
    {
        var envelopeLength = _prefix.Length + keyBytes.Length + KeyToRaw.Length + json.Length + 1;
        var frameLength = SpoolFormat.FrameLength(_state.IdBytes.Length, envelopeLength);

        var chunk = Chunk();
        if (chunk.Records == 0)
        {
            chunk.FirstSpooledAtUnixMs = _nowUnixMs;
        }
        var frame = chunk.Reserve(frameLength);
        var at = SpoolFormat.WriteMetadata(frame, _nowUnixMs, after, _state.IdBytes);
        _prefix.CopyTo(frame[at..]);
        at += _prefix.Length;
        keyBytes.CopyTo(frame[at..]);
        at += keyBytes.Length;
        KeyToRaw.CopyTo(frame[at..]);
        at += KeyToRaw.Length;
        json.CopyTo(frame[at..]);
        at += json.Length;
        frame[at] = (byte)'}';
        SpoolFormat.Seal(frame);
        chunk.Length += frameLength;
        chunk.Records++;
    }

    /// <summary>The key's bytes inside a JSON string: as they are when plain ASCII (always, for the keys
    /// <see cref="AlertParser.StableKey"/> makes), else JSON-escaped.</summary>
    private static ReadOnlySpan<byte> JsonSafeAscii(string key, Span<byte> buffer)
    {
        if (key.Length <= buffer.Length)
        {
            var plain = true;
            for (var i = 0; i < key.Length; i++)
            {
                var c = key[i];
                if (c is < (char)0x20 or > (char)0x7e or '"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`')
                {
                    plain = false;
                    break;
                }
                buffer[i] = (byte)c;
            }
            if (plain)
            {
                return buffer[..key.Length];
            }
        }
        return JsonEncodedText.Encode(key).EncodedUtf8Bytes;
    }

    /// <summary>What the parser treats as the line: no trailing CR/LF, no leading UTF-8 BOM.</summary>
    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is (byte)'\r' or (byte)'\n')
        {
            end--;
        }
        line = line[..end];
        return line.StartsWith(Utf8Bom) ? line[Utf8Bom.Length..] : line;
    }

    /// <summary>One JSON object and nothing after it (what the core's envelope reader needs of <c>raw</c>).</summary>
    private static bool IsWholeJsonObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The core's line codes for the parser's errors (docs/api.md).</summary>
    public static string CodeOf(ParseErrorCode error) => error switch
    {
        ParseErrorCode.Empty => "empty",
        ParseErrorCode.InvalidUtf8 => "invalid_utf8",
        ParseErrorCode.InvalidJson => "invalid_json",
        ParseErrorCode.WrongShape => "wrong_shape",
        ParseErrorCode.TooLong => "too_long",
        ParseErrorCode.TooDeep => "too_deep",
        _ => "invalid",
    };
}
