using System.Buffers;
using System.Text;

namespace Socme.Alerts.Internal;

/// <summary>Decodes JSON string contents without ever throwing.</summary>
/// <remarks>
/// <see cref="System.Text.Json.Utf8JsonReader.GetString"/> throws on an escaped lone surrogate (<c>"\uD800"</c>),
/// which RFC 8259 allows. Alert text can carry attacker-chosen bytes (Wazuh interpolates log fields into rule
/// descriptions), so such a string must not turn a real alert into a parse error: a lone surrogate becomes
/// U+FFFD here. The reader has already checked the escape syntax (<c>\"</c>, <c>\\</c>, <c>\/</c>, <c>\b</c>,
/// <c>\f</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\uXXXX</c>); anything else is copied as is.
/// </remarks>
internal static class JsonStrings
{
    private const int StackLimit = 256;

    /// <summary>The string for the raw contents of a JSON string token (escaped or not); invalid UTF-8 becomes U+FFFD.</summary>
    public static string Decode(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            return Encoding.UTF8.GetString(raw);
        }
        byte[]? rented = null;
        Span<byte> buffer = raw.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            var n = Unescape(raw, buffer);
            return Encoding.UTF8.GetString(buffer[..n]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Unescapes <paramref name="raw"/> into <paramref name="destination"/> as UTF-8 and returns the length.
    /// The output is never longer than the input, so a destination of <c>raw.Length</c> bytes always suffices.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        var written = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var backslash = raw[i..].IndexOf((byte)'\\');
            if (backslash < 0)
            {
                raw[i..].CopyTo(destination[written..]);
                return written + (raw.Length - i);
            }
            raw.Slice(i, backslash).CopyTo(destination[written..]);
            written += backslash;
            i += backslash;

            if (i + 1 >= raw.Length)
            {
                destination[written++] = (byte)'\\';
                return written;
            }
            var kind = raw[i + 1];
            if (kind != 'u')
            {
                destination[written++] = kind switch
                {
                    (byte)'b' => (byte)'\b',
                    (byte)'f' => (byte)'\f',
                    (byte)'n' => (byte)'\n',
                    (byte)'r' => (byte)'\r',
                    (byte)'t' => (byte)'\t',
                    _ => kind,
                };
                i += 2;
                continue;
            }

            if (!TryHex4(raw, i + 2, out var unit))
            {
                destination[written++] = (byte)'\\';
                i++;
                continue;
            }
            i += 6;
            int scalar;
            if (char.IsHighSurrogate((char)unit)
                && i + 6 <= raw.Length && raw[i] == '\\' && raw[i + 1] == 'u'
                && TryHex4(raw, i + 2, out var low) && char.IsLowSurrogate((char)low))
            {
                scalar = char.ConvertToUtf32((char)unit, (char)low);
                i += 6;
            }
            else if (char.IsSurrogate((char)unit))
            {
                scalar = 0xFFFD;
            }
            else
            {
                scalar = unit;
            }
            written += new Rune(scalar).EncodeToUtf8(destination[written..]);
        }
        return written;
    }

    private static bool TryHex4(ReadOnlySpan<byte> s, int start, out int value)
    {
        value = 0;
        if (start + 4 > s.Length)
        {
            return false;
        }
        for (var k = start; k < start + 4; k++)
        {
            var digit = HexValue(s[k]);
            if (digit < 0)
            {
                return false;
            }
            value = (value << 4) | digit;
        }
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
