using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Socme.Alerts.Internal;

/// <summary>
/// A forward-only <see cref="Utf8JsonReader"/> that enforces the nesting limit itself, so that "too deep" is
/// told apart from "not JSON" without inspecting exception messages.
/// </summary>
/// <remarks>
/// The underlying reader is configured one level deeper than the limit, and every token is read through
/// <see cref="Read"/>, which stops (returns false, sets <see cref="DepthExceeded"/>) when a container would
/// open beyond <c>maxDepth</c>. Syntax errors still surface as <see cref="JsonException"/> from the reader;
/// <see cref="AlertParser"/> catches them in exactly one place.
/// </remarks>
internal ref struct JsonCursor
{
    public Utf8JsonReader Reader;
    private readonly int _maxDepth;

    public JsonCursor(ReadOnlySpan<byte> json, int maxDepth)
    {
        _maxDepth = maxDepth;
        Reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
    }

    /// <summary>True when reading stopped because a container opened deeper than the limit.</summary>
    public bool DepthExceeded { get; private set; }

    public readonly JsonTokenType TokenType => Reader.TokenType;

    /// <summary>Reads the next token. False at the end of the input, or when the nesting limit is exceeded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Read()
    {
        if (!Reader.Read())
        {
            return false;
        }
        if (Reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && Reader.CurrentDepth >= _maxDepth)
        {
            DepthExceeded = true;
            return false;
        }
        return true;
    }

    /// <summary>Skips the value the cursor is on (a scalar, or a whole object/array). False when the limit is exceeded.</summary>
    public bool SkipValue()
    {
        if (Reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return true;
        }
        var depth = Reader.CurrentDepth;
        do
        {
            if (!Read())
            {
                return false;
            }
        }
        while (Reader.CurrentDepth > depth);
        return true;
    }

    /// <summary>After the root value: true when nothing but whitespace follows (trailing garbage throws).</summary>
    public bool AtEnd() => !Reader.Read();

    /// <summary>True when the current property name (or string) equals <paramref name="name"/>, escapes resolved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool NameIs(ReadOnlySpan<byte> name) =>
        Reader.ValueIsEscaped ? Reader.ValueTextEquals(name) : Reader.ValueSpan.SequenceEqual(name);

    /// <summary>The current string token as a .NET string, or null if the token is not a string.</summary>
    public readonly string? StringOrNull() =>
        Reader.TokenType == JsonTokenType.String ? JsonStrings.Decode(Reader.ValueSpan, Reader.ValueIsEscaped) : null;

    /// <summary>A string token as is, a number token as its JSON text (for ids that some producers write as numbers).</summary>
    public readonly string? ScalarTextOrNull() => Reader.TokenType switch
    {
        JsonTokenType.String => JsonStrings.Decode(Reader.ValueSpan, Reader.ValueIsEscaped),
        JsonTokenType.Number => Encoding.UTF8.GetString(Reader.ValueSpan),
        _ => null,
    };

    /// <summary>Reads a TCP/UDP port written as a number or as a decimal string; anything else (or out of range) is absent.</summary>
    public readonly int? PortOrNull()
    {
        if (Reader.TokenType == JsonTokenType.Number)
        {
            return Reader.TryGetInt32(out var n) && n is >= 0 and <= 65535 ? n : null;
        }
        if (Reader.TokenType != JsonTokenType.String)
        {
            return null;
        }
        Span<byte> scratch = stackalloc byte[16];
        var text = SmallString(scratch);
        return text.Length is > 0 and <= 5
            && Utf8Parser.TryParse(text, out int port, out var consumed) && consumed == text.Length
            && port is >= 0 and <= 65535 && text[0] is >= (byte)'0' and <= (byte)'9'
            ? port
            : null;
    }

    /// <summary>
    /// A level written as a JSON number or a numeric string. Non-integral numbers are truncated;
    /// false for anything else (object, array, bool, non-numeric string, NaN).
    /// </summary>
    public readonly bool TryGetLevel(out long level)
    {
        level = 0;
        if (Reader.TokenType == JsonTokenType.Number)
        {
            if (Reader.TryGetInt64(out level))
            {
                return true;
            }
            if (Reader.TryGetDouble(out var d) && double.IsFinite(d))
            {
                level = d >= long.MaxValue ? long.MaxValue : d <= long.MinValue ? long.MinValue : (long)d;
                return true;
            }
            return false;
        }
        if (Reader.TokenType != JsonTokenType.String)
        {
            return false;
        }
        Span<byte> scratch = stackalloc byte[32];
        var text = SmallString(scratch);
        return text.Length > 0 && Utf8Parser.TryParse(text, out level, out var consumed) && consumed == text.Length;
    }

    /// <summary>Parses the current string token as a timestamp (see <see cref="Timestamps"/>).</summary>
    public readonly bool TryGetTimestamp(out DateTimeOffset value)
    {
        value = default;
        if (Reader.TokenType != JsonTokenType.String)
        {
            return false;
        }
        Span<byte> scratch = stackalloc byte[64];
        return Timestamps.TryParse(SmallString(scratch), out value);
    }

    /// <summary>True when the current token is a string of the form <c>^\d{1,20}\.\d{1,20}$</c> (a Wazuh alert id).</summary>
    public readonly bool IsWazuhId()
    {
        if (Reader.TokenType != JsonTokenType.String)
        {
            return false;
        }
        Span<byte> scratch = stackalloc byte[64];
        return StableKeys.IsWazuhId(SmallString(scratch));
    }

    /// <summary>
    /// The unescaped bytes of a short string token; empty when the token is longer than <paramref name="scratch"/>
    /// (callers only use this for short values: numbers, ids, timestamps).
    /// </summary>
    private readonly ReadOnlySpan<byte> SmallString(Span<byte> scratch)
    {
        var raw = Reader.ValueSpan;
        if (raw.Length > scratch.Length)
        {
            return default;
        }
        if (!Reader.ValueIsEscaped)
        {
            return raw;
        }
        return scratch[..JsonStrings.Unescape(raw, scratch)];
    }
}
