using System.Buffers;
using Socme.Alerts;

namespace Socme.Node.Pipeline;

/// <summary>
/// The one pass over a plain Wazuh line (<see cref="LineProcessor"/>): checks that the line is exactly one JSON object
/// (RFC 8259 as <c>Utf8JsonReader</c> reads it; UTF-8 is checked apart) and finds <c>rule.level</c> and the alert
/// <c>id</c>, in one hand-written scan instead of a <c>Utf8JsonReader</c> token loop (which cost about twice as much
/// here: the largest single cost of the agent on Wazuh lines).
/// </summary>
/// <remarks>
/// It answers only for plain lines and says false for anything else, which then takes the careful path (the parser's
/// own verdict): one top-level <c>rule</c> object holding one integer <c>level</c>, the first top-level string <c>id</c>
/// (if any) of the form <c>digits.digits</c>, no escaped property names at those two levels, at most
/// <see cref="MaxDepth"/> levels of nesting, no <c>\u</c> escape of a surrogate, not over <c>maxLineBytes</c>. False is
/// always safe; true must never be said of a line the reader rejects or reads differently: the property tests in
/// <c>WazuhLineScannerTests</c> compare it with a <c>Utf8JsonReader</c> implementation of the same rules on every corpus
/// line and on generated and mutated lines.
/// </remarks>
internal static class WazuhLineScanner
{
    /// <summary>Deeper lines take the careful path (real alerts nest 4–6 levels).</summary>
    public const int MaxDepth = 32;

    /// <summary>What ends a plain run of string bytes: the closing quote, an escape, or a control character (invalid).</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
    [
        (byte)'"', (byte)'\\',
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
        0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F,
    ]);

    /// <param name="json">The trimmed line.</param>
    /// <param name="maxLineBytes">Longer lines take the careful path (it dead-letters them).</param>
    /// <param name="level">rule.level clamped to 0–15, as Classify gives it.</param>
    /// <param name="id">The id's bytes (the key), or empty when the line has no id (the key is then the line's hash).</param>
    public static bool TryScan(ReadOnlySpan<byte> json, int maxLineBytes, out int level, out ReadOnlySpan<byte> id)
    {
        level = -1;
        id = default;
        if (json.Length > maxLineBytes)
        {
            return false;
        }
        var i = SkipWhitespace(json, 0);
        if (i >= json.Length || json[i] != (byte)'{')
        {
            return false;
        }
        i++;

        // One bit per open container below the top-level object: 1 = object, 0 = array.
        ulong objects = 1;
        var depth = 1;
        var rules = 0;
        var levels = 0;
        var inRule = false;
        var idSeen = false;
        var expectKey = true; // just after '{' or ',' in an object (a '}' is allowed only right after '{')
        var allowClose = true;

        while (true)
        {
            i = SkipWhitespace(json, i);
            if (i >= json.Length)
            {
                return false;
            }
            var inObject = (objects & 1) != 0;
            int valueStart;
            if (inObject)
            {
                if (json[i] == (byte)'}')
                {
                    if (!allowClose)
                    {
                        return false;
                    }
                    goto CloseContainer;
                }
                if (!expectKey || json[i] != (byte)'"')
                {
                    return false;
                }
                var keyStart = i + 1;
                i = ScanString(json, keyStart, out var keyEscaped);
                if (i < 0)
                {
                    return false;
                }
                var key = json[keyStart..(i - 1)];
                i = SkipWhitespace(json, i);
                if (i >= json.Length || json[i] != (byte)':')
                {
                    return false;
                }
                i = SkipWhitespace(json, i + 1);
                if (i >= json.Length)
                {
                    return false;
                }
                valueStart = i;
                if (depth == 1)
                {
                    if (keyEscaped)
                    {
                        return false;
                    }
                    if (key.SequenceEqual("rule"u8))
                    {
                        if (++rules > 1 || json[i] != (byte)'{')
                        {
                            return false;
                        }
                        inRule = true;
                    }
                    else if (key.SequenceEqual("id"u8) && !idSeen && json[i] == (byte)'"')
                    {
                        i = ScanString(json, i + 1, out var idEscaped);
                        if (i < 0)
                        {
                            return false;
                        }
                        var value = json[(valueStart + 1)..(i - 1)];
                        if (idEscaped || !IsWazuhId(value))
                        {
                            return false;
                        }
                        id = value;
                        idSeen = true;
                        goto AfterValue;
                    }
                }
                else if (depth == 2 && inRule)
                {
                    if (keyEscaped)
                    {
                        return false;
                    }
                    if (key.SequenceEqual("level"u8))
                    {
                        if (++levels > 1)
                        {
                            return false;
                        }
                        i = ScanInteger(json, i, out var l);
                        if (i < 0)
                        {
                            return false;
                        }
                        level = (int)Math.Clamp(l, Severity.MinLevel, Severity.MaxLevel);
                        goto AfterValue;
                    }
                }
            }
            else
            {
                if (json[i] == (byte)']')
                {
                    if (!allowClose)
                    {
                        return false;
                    }
                    goto CloseContainer;
                }
                valueStart = i;
            }

            // A value at valueStart.
            switch (json[valueStart])
            {
                case (byte)'"':
                    i = ScanString(json, valueStart + 1, out _);
                    if (i < 0)
                    {
                        return false;
                    }
                    break;
                case (byte)'{':
                case (byte)'[':
                    if (depth >= MaxDepth)
                    {
                        return false;
                    }
                    objects = (objects << 1) | (json[valueStart] == (byte)'{' ? 1UL : 0UL);
                    depth++;
                    i = valueStart + 1;
                    expectKey = true;
                    allowClose = true;
                    continue;
                case (byte)'t':
                    i = json[valueStart..].StartsWith("true"u8) ? valueStart + 4 : -1;
                    break;
                case (byte)'f':
                    i = json[valueStart..].StartsWith("false"u8) ? valueStart + 5 : -1;
                    break;
                case (byte)'n':
                    i = json[valueStart..].StartsWith("null"u8) ? valueStart + 4 : -1;
                    break;
                default:
                    i = ScanNumber(json, valueStart);
                    break;
            }
            if (i < 0)
            {
                return false;
            }

        AfterValue:
            // After a value: ',' continues the container, its closing bracket ends it; anything else is invalid.
            i = SkipWhitespace(json, i);
            if (i >= json.Length)
            {
                return false;
            }
            if (json[i] == (byte)',')
            {
                i++;
                expectKey = true;
                allowClose = false;
                continue;
            }
            if (json[i] != ((objects & 1) != 0 ? (byte)'}' : (byte)']'))
            {
                return false;
            }

        CloseContainer:
            i++;
            objects >>= 1;
            depth--;
            if (depth == 1)
            {
                inRule = false;
            }
            if (depth == 0)
            {
                return SkipWhitespace(json, i) == json.Length && levels == 1;
            }
            // The container just closed was a value of the one around it.
            goto AfterValue;
        }
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }
        return i;
    }

    /// <summary>Scans a string whose opening quote is just before <paramref name="i"/>; returns the index after the
    /// closing quote, or -1 (invalid, or an escape the careful path should judge).</summary>
    private static int ScanString(ReadOnlySpan<byte> json, int i, out bool escaped)
    {
        escaped = false;
        while (true)
        {
            var stop = json[i..].IndexOfAny(StringStops);
            if (stop < 0)
            {
                return -1;
            }
            i += stop;
            var c = json[i];
            if (c == (byte)'"')
            {
                return i + 1;
            }
            if (c != (byte)'\\' || i + 1 >= json.Length)
            {
                return -1; // a control character, or a backslash at the end
            }
            escaped = true;
            switch (json[i + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    i += 2;
                    break;
                case (byte)'u':
                    if (i + 6 > json.Length || !IsHexQuad(json.Slice(i + 2, 4), out var code) || code is >= 0xD800 and <= 0xDFFF)
                    {
                        return -1;
                    }
                    i += 6;
                    break;
                default:
                    return -1;
            }
        }
    }

    private static bool IsHexQuad(ReadOnlySpan<byte> hex, out int value)
    {
        value = 0;
        foreach (var b in hex)
        {
            int d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return false;
            }
            value = (value << 4) | d;
        }
        return true;
    }

    /// <summary>A JSON number: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>; returns the index after it, or -1.</summary>
    private static int ScanNumber(ReadOnlySpan<byte> json, int i)
    {
        if (i < json.Length && json[i] == (byte)'-')
        {
            i++;
        }
        i = ScanIntegerDigits(json, i);
        if (i < 0)
        {
            return -1;
        }
        if (i < json.Length && json[i] == (byte)'.')
        {
            i = ScanDigits(json, i + 1);
            if (i < 0)
            {
                return -1;
            }
        }
        if (i < json.Length && json[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }
            i = ScanDigits(json, i);
        }
        return i;
    }

    /// <summary><c>0|[1-9][0-9]*</c>.</summary>
    private static int ScanIntegerDigits(ReadOnlySpan<byte> json, int i)
    {
        if (i >= json.Length || !char.IsAsciiDigit((char)json[i]))
        {
            return -1;
        }
        return json[i] == (byte)'0' ? i + 1 : ScanDigits(json, i);
    }

    /// <summary>One or more digits.</summary>
    private static int ScanDigits(ReadOnlySpan<byte> json, int i)
    {
        var start = i;
        while (i < json.Length && char.IsAsciiDigit((char)json[i]))
        {
            i++;
        }
        return i > start ? i : -1;
    }

    /// <summary>An integer as <c>Utf8JsonReader.TryGetInt64</c> accepts it (no fraction or exponent; at most 18 digits
    /// here, so it cannot overflow); -1 for anything else.</summary>
    private static int ScanInteger(ReadOnlySpan<byte> json, int i, out long value)
    {
        value = 0;
        var negative = i < json.Length && json[i] == (byte)'-';
        var start = negative ? i + 1 : i;
        var end = ScanIntegerDigits(json, start);
        if (end < 0 || end - start > 18 || (end < json.Length && json[end] is (byte)'.' or (byte)'e' or (byte)'E'))
        {
            return -1;
        }
        for (var k = start; k < end; k++)
        {
            value = (value * 10) + (json[k] - '0');
        }
        if (negative)
        {
            value = -value;
        }
        return end;
    }

    /// <summary>ASCII <c>^\d{1,20}\.\d{1,20}$</c>: a Wazuh alert id (<c>&lt;epoch&gt;.&lt;counter&gt;</c>).</summary>
    public static bool IsWazuhId(ReadOnlySpan<byte> id)
    {
        var dot = id.IndexOf((byte)'.');
        return dot is >= 1 and <= 20
            && id.Length - dot - 1 is >= 1 and <= 20
            && !id[..dot].ContainsAnyExceptInRange((byte)'0', (byte)'9')
            && !id[(dot + 1)..].ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
