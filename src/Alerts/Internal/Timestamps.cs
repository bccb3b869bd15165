namespace Socme.Alerts.Internal;

/// <summary>Parses the ISO 8601 timestamps written by Wazuh and Suricata, from UTF-8 bytes, without allocating.</summary>
/// <remarks>
/// Accepted: <c>yyyy-MM-ddTHH:mm:ss</c>, an optional fraction of any number of digits (kept to 100 ns), then an
/// optional offset: <c>Z</c>, <c>±hhmm</c> (Wazuh and Suricata write <c>+0000</c>), <c>±hh:mm</c> or <c>±hh</c>.
/// Without an offset the time is taken as UTC: some Suricata builds write none (the honeypot sample in the
/// corpus), and the sensor's zone is not knowable from the line. The offset found is kept on the value.
/// </remarks>
internal static class Timestamps
{
    private const int MaxOffsetMinutes = 14 * 60;

    public static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 19
            || !Digits(s, 0, 4, out var year) || s[4] != '-'
            || !Digits(s, 5, 2, out var month) || s[7] != '-'
            || !Digits(s, 8, 2, out var day) || s[10] is not ((byte)'T' or (byte)'t' or (byte)' ')
            || !Digits(s, 11, 2, out var hour) || s[13] != ':'
            || !Digits(s, 14, 2, out var minute) || s[16] != ':'
            || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var i = 19;
        long fraction = 0;
        if (i < s.Length && s[i] is (byte)'.' or (byte)',')
        {
            i++;
            var digits = 0;
            long scale = TimeSpan.TicksPerSecond / 10;
            while (i < s.Length && IsDigit(s[i]))
            {
                fraction += (s[i] - '0') * scale;
                scale /= 10;
                digits++;
                i++;
            }
            if (digits == 0)
            {
                return false;
            }
        }

        var offsetMinutes = 0;
        if (i < s.Length)
        {
            var sign = s[i];
            if (sign is (byte)'Z' or (byte)'z')
            {
                i++;
            }
            else if (sign is (byte)'+' or (byte)'-')
            {
                i++;
                if (!Digits(s, i, 2, out var oh))
                {
                    return false;
                }
                i += 2;
                var om = 0;
                if (i < s.Length)
                {
                    if (s[i] == ':')
                    {
                        i++;
                    }
                    if (!Digits(s, i, 2, out om))
                    {
                        return false;
                    }
                    i += 2;
                }
                if (om > 59)
                {
                    return false;
                }
                offsetMinutes = (oh * 60) + om;
                if (offsetMinutes > MaxOffsetMinutes)
                {
                    return false;
                }
                if (sign == '-')
                {
                    offsetMinutes = -offsetMinutes;
                }
            }
            else
            {
                return false;
            }
        }

        if (i != s.Length
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fraction;
        var utcTicks = ticks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        value = new DateTimeOffset(ticks, TimeSpan.FromMinutes(offsetMinutes));
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }
        for (var k = start; k < start + count; k++)
        {
            if (!IsDigit(s[k]))
            {
                return false;
            }
            value = (value * 10) + (s[k] - '0');
        }
        return true;
    }
}
