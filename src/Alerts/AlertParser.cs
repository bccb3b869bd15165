using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Socme.Alerts.Internal;

namespace Socme.Alerts;

/// <summary>Options of <see cref="AlertParser"/>.</summary>
/// <remarks>A limit of zero or less means the default.</remarks>
public sealed record ParseOptions
{
    public static readonly ParseOptions Default = new();

    internal const int DefaultMaxLineBytes = 1024 * 1024;
    internal const int DefaultMaxDepth = 64;

    /// <summary>Treat Suricata <c>event_type: anomaly</c> as an alert (level 3, signature from the anomaly).</summary>
    public bool SuricataAnomalyIsAlert { get; init; }

    /// <summary>Lines longer than this many bytes fail with <see cref="ParseErrorCode.TooLong"/>.</summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>JSON nested deeper than this fails with <see cref="ParseErrorCode.TooDeep"/>.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    internal int EffectiveMaxLineBytes => MaxLineBytes > 0 ? MaxLineBytes : DefaultMaxLineBytes;

    internal int EffectiveMaxDepth => MaxDepth <= 0 ? DefaultMaxDepth : Math.Min(MaxDepth, int.MaxValue - 1);
}

/// <summary>Parses Wazuh <c>alerts.json</c> lines and Suricata EVE lines into <see cref="NormalizedAlert"/>.</summary>
/// <remarks>
/// Never throws on any input: every failure is a typed <see cref="ParseResult"/>. Each call makes one forward
/// pass with <see cref="Utf8JsonReader"/>; unknown fields are skipped, optional fields of the wrong type are
/// treated as absent, required fields of the wrong type make the line <see cref="ParseErrorCode.WrongShape"/>.
/// A line is the bytes between two newlines; a trailing <c>\r</c>/<c>\n</c> and a leading UTF-8 BOM are not part
/// of it (they are trimmed before anything else, including <see cref="StableKey"/>'s hash).
/// </remarks>
public static partial class AlertParser
{
    /// <summary>Depth limit of <see cref="StableKey"/>'s search for the Wazuh id: generous, it only skips.</summary>
    private const int KeyScanMaxDepth = 1000;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Parses one line of Wazuh <c>alerts.json</c>.</summary>
    /// <remarks>
    /// Requires a JSON object with a <c>timestamp</c> and a <c>rule</c> object whose <c>level</c> is a number or a
    /// numeric string (clamped to 0–15); anything less is <see cref="ParseErrorCode.WrongShape"/>.
    /// </remarks>
    public static ParseResult ParseWazuh(ReadOnlySpan<byte> utf8Line, ParseOptions? options = null) =>
        ParseLine(AlertSource.Wazuh, utf8Line, options ?? ParseOptions.Default);

    /// <summary>Parses one line of Suricata <c>eve.json</c>.</summary>
    /// <remarks>
    /// Requires a JSON object with a string <c>event_type</c>. Events other than <c>alert</c> (and <c>anomaly</c>
    /// when <see cref="ParseOptions.SuricataAnomalyIsAlert"/>) give <see cref="ParseResult.NotAnAlert"/>. An alert
    /// also needs a <c>timestamp</c> and an <c>alert</c> object.
    /// </remarks>
    public static ParseResult ParseSuricata(ReadOnlySpan<byte> utf8Line, ParseOptions? options = null) =>
        ParseLine(AlertSource.Suricata, utf8Line, options ?? ParseOptions.Default);

    /// <summary>Parses one line of the given source. <see cref="AlertSource.System"/> has no line format: it fails with
    /// <see cref="ParseErrorCode.WrongShape"/>.</summary>
    public static ParseResult Parse(AlertSource source, ReadOnlySpan<byte> utf8Line, ParseOptions? options = null) => source switch
    {
        AlertSource.Wazuh or AlertSource.Suricata => ParseLine(source, utf8Line, options ?? ParseOptions.Default),
        _ => ParseResult.Fail(ParseErrorCode.WrongShape, $"Source '{source}' has no line format to parse."),
    };

    /// <summary>
    /// The idempotency key of a line: for Wazuh the alert <c>id</c> when it is present and well-formed
    /// (<c>^\d{1,20}\.\d{1,20}$</c>), otherwise — and always for Suricata — the lowercase hex SHA-256 of the line.
    /// </summary>
    /// <remarks>
    /// Equals <see cref="NormalizedAlert.Key"/> of the parsed line, and is the same for a line and for its
    /// <see cref="NormalizedAlert.Raw"/>. Never throws; for a line that is not JSON it is the hash.
    /// The Wazuh id is unique per manager only (<c>&lt;epoch&gt;.&lt;counter&gt;</c>): the core scopes keys by node.
    /// </remarks>
    public static string StableKey(AlertSource source, ReadOnlySpan<byte> utf8Line)
    {
        var json = TrimLine(utf8Line);
        if (source == AlertSource.Wazuh)
        {
            var fields = default(AlertFields);
            var status = Scan(AlertSource.Wazuh, json, ScanMode.KeyOnly, KeyScanMaxDepth, ref fields, out _);
            if (status is ScanStatus.Stopped or ScanStatus.Complete && fields.WazuhId is { } id)
            {
                return id;
            }
        }
        return StableKeys.Sha256Hex(json);
    }

    /// <summary>
    /// Tells what a line is while reading only as far as needed: the node agent filters with this before
    /// normalising. Wazuh: <see cref="LineKind.Alert"/> with <paramref name="level"/> = <c>rule.level</c> (clamped
    /// to 0–15), stopping right after it. Suricata: stops at <c>event_type</c> for anything but an alert
    /// (<see cref="LineKind.Other"/>, level -1; <see cref="LineKind.Anomaly"/>, level 3); for an alert also reads
    /// <c>alert.severity</c> and gives the mapped level (<see cref="Severity.FromSuricataSeverity"/>).
    /// </summary>
    /// <remarks>
    /// Does not validate UTF-8 or the part of the line after the fields it needs. <see cref="LineKind.Invalid"/>
    /// (level -1) for an empty, too long, malformed or wrongly shaped line; call <see cref="Parse"/> for the reason.
    /// </remarks>
    public static LineKind Classify(AlertSource source, ReadOnlySpan<byte> utf8Line, out int level, ParseOptions? options = null)
    {
        level = -1;
        options ??= ParseOptions.Default;
        if (source is not (AlertSource.Wazuh or AlertSource.Suricata) || !TryPrecheck(utf8Line, options, out var json, out _))
        {
            return LineKind.Invalid;
        }

        var f = default(AlertFields);
        var status = Scan(source, json, ScanMode.Classify, options.EffectiveMaxDepth, ref f, out _);
        if (status is not (ScanStatus.Stopped or ScanStatus.Complete))
        {
            return LineKind.Invalid;
        }

        if (source == AlertSource.Wazuh)
        {
            if (!f.HasLevel)
            {
                return LineKind.Invalid;
            }
            level = f.Level;
            return LineKind.Alert;
        }

        switch (f.EventKind)
        {
            case SuricataEventKind.Alert when f.HasAlertObject:
                level = Severity.FromSuricataSeverity(f.SuricataSeverity ?? SuricataDefaultSeverity);
                return LineKind.Alert;
            case SuricataEventKind.Anomaly:
                level = AnomalyLevel;
                return LineKind.Anomaly;
            case SuricataEventKind.Other:
                return LineKind.Other;
            default:
                return LineKind.Invalid;
        }
    }

    private static ParseResult ParseLine(AlertSource source, ReadOnlySpan<byte> utf8Line, ParseOptions options)
    {
        if (!TryPrecheck(utf8Line, options, out var json, out var failure))
        {
            return failure;
        }
        if (!Utf8.IsValid(json))
        {
            return ParseResult.Fail(ParseErrorCode.InvalidUtf8, "The line is not valid UTF-8.");
        }

        var f = default(AlertFields);
        var status = Scan(source, json, ScanMode.Normalise, options.EffectiveMaxDepth, ref f, out var error);
        switch (status)
        {
            case ScanStatus.InvalidJson:
                return ParseResult.Fail(ParseErrorCode.InvalidJson, error ?? "The line is not valid JSON.");
            case ScanStatus.Aborted:
                return ParseResult.Fail(ParseErrorCode.TooDeep, $"The JSON is nested deeper than {options.EffectiveMaxDepth} levels.");
            case ScanStatus.NotObject:
                return ParseResult.Fail(ParseErrorCode.WrongShape, "The line is JSON but not an object.");
            default:
                return source == AlertSource.Wazuh ? BuildWazuh(ref f, json) : BuildSuricata(ref f, json, options);
        }
    }

    /// <summary>Trims the line and applies the checks that need no JSON reading: length and emptiness.</summary>
    private static bool TryPrecheck(ReadOnlySpan<byte> utf8Line, ParseOptions options, out ReadOnlySpan<byte> json, out ParseResult failure)
    {
        var max = options.EffectiveMaxLineBytes;
        json = default;
        // Checked before trimming too, so that a huge line costs nothing at all.
        if (utf8Line.Length - 2 > max)
        {
            failure = ParseResult.Fail(ParseErrorCode.TooLong, $"The line is {utf8Line.Length} bytes; the limit is {max}.");
            return false;
        }
        json = TrimLine(utf8Line);
        if (json.Length > max)
        {
            failure = ParseResult.Fail(ParseErrorCode.TooLong, $"The line is {json.Length} bytes; the limit is {max}.");
            return false;
        }
        if (json.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            failure = ParseResult.Fail(ParseErrorCode.Empty, "The line is empty.");
            return false;
        }
        failure = default;
        return true;
    }

    /// <summary>Drops trailing CR/LF and a leading UTF-8 BOM.</summary>
    private static ReadOnlySpan<byte> TrimLine(ReadOnlySpan<byte> line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is (byte)'\n' or (byte)'\r')
        {
            end--;
        }
        line = line[..end];
        return line.StartsWith(Utf8Bom) ? line[Utf8Bom.Length..] : line;
    }

    /// <summary>The one place where reader errors are caught: every pass over a line goes through here.</summary>
    private static ScanStatus Scan(AlertSource source, ReadOnlySpan<byte> json, ScanMode mode, int maxDepth, ref AlertFields fields, out string? error)
    {
        error = null;
        var cursor = new JsonCursor(json, maxDepth);
        try
        {
            var status = source == AlertSource.Wazuh
                ? ScanWazuh(ref cursor, mode, ref fields)
                : ScanSuricata(ref cursor, mode, ref fields);
            if (status == ScanStatus.Aborted && !cursor.DepthExceeded)
            {
                // The reader ended inside a value without throwing: cannot happen on a final block; be safe.
                error = "The JSON ends early.";
                return ScanStatus.InvalidJson;
            }
            return status;
        }
        // Only syntax errors can surface: strings are decoded by JsonStrings (which never throws, unlike
        // Utf8JsonReader.GetString on "\uD800"), and typed getters are called only after checking the token type.
        catch (JsonException ex)
        {
            error = ex.Message;
            return ScanStatus.InvalidJson;
        }
    }

    /// <summary>When the root is not an object: validate the rest (so that broken JSON stays InvalidJson).</summary>
    private static ScanStatus NotAnObject(ref JsonCursor c, ScanMode mode)
    {
        if (mode != ScanMode.Normalise)
        {
            return ScanStatus.NotObject;
        }
        if (!c.SkipValue())
        {
            return ScanStatus.Aborted;
        }
        return c.AtEnd() ? ScanStatus.NotObject : ScanStatus.InvalidJson;
    }

    /// <summary>After the root object: when normalising, nothing but whitespace may follow.</summary>
    private static ScanStatus EndOfRoot(ref JsonCursor c, ScanMode mode) =>
        mode != ScanMode.Normalise || c.AtEnd() ? ScanStatus.Complete : ScanStatus.InvalidJson;

    private static int ClampLevel(long level) => (int)Math.Clamp(level, Severity.MinLevel, Severity.MaxLevel);

    private static string RawText(ReadOnlySpan<byte> json) => Encoding.UTF8.GetString(json);
}
