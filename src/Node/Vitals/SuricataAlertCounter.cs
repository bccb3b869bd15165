using System.Globalization;
using System.Text;
using System.Text.Json;
using Socme.Node.Status;

namespace Socme.Node.Vitals;

/// <summary>
/// "Suricata alerts in the last 24 h", without reading a day of <c>eve.json</c> on every heartbeat.
/// </summary>
/// <remarks>
/// <para><b>From the agent's counters</b> (preferred, whenever <c>status.json</c> lists a Suricata source): the
/// <see cref="SourceStatus.AlertsSpooled"/> counters are cumulative, so each collection adds their growth to a running
/// total and keeps a sample (time, total) every <see cref="SampleSpacing"/> in <c>DataDir/vitals-alerts.json</c>. The
/// count is the total now minus the total at the newest sample at least 24 h old. A counter that goes down means the
/// agent restarted: its new value is all growth. Costs: one small JSON file read and written.</para>
/// <para>Limits: the window fills during the first 24 h of the history (it counts from the first sample); alerts
/// spooled between the last collection and an agent restart are not seen (at most one heartbeat's worth).</para>
/// <para><b>From the eve files</b> (fallback, when the agent is not running or tails no Suricata file): the files are
/// read backwards from their end (and <c>eve.json.1</c> after them) until a line older than 24 h, counting
/// <c>event_type</c> <c>alert</c> lines, at most <see cref="VitalsOptions.EveScanMaxBytes"/> per file, and the result
/// is reused for <see cref="VitalsOptions.EveScanCacheDuration"/>. When the budget ends before the window does, the
/// count is unknown (null) rather than a silent undercount.</para>
/// </remarks>
internal sealed class SuricataAlertCounter(VitalsOptions options, ILogger logger)
{
    public const string HistoryFileName = "vitals-alerts.json";

    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public static readonly TimeSpan SampleSpacing = TimeSpan.FromMinutes(5);

    private const int ChunkBytes = 1024 * 1024;


    private (DateTimeOffset At, long? Count)? _scanCache;

    /// <summary>The count, or null when neither the counters nor the files can tell.</summary>
    public long? Count(AgentStatusSnapshot? status, DateTimeOffset now)
    {
        var sources = status?.Sources
            .Where(s => string.Equals(s.Kind, "suricata", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (sources is { Count: > 0 })
        {
            return FromCounters(sources, now);
        }
        return options.SuricataEvePaths.Count > 0 ? FromEveFiles(now) : null;
    }

    private long FromCounters(IReadOnlyList<SourceStatus> sources, DateTimeOffset now)
    {
        var path = Path.Combine(options.DataDir, HistoryFileName);
        var history = LoadHistory(path);
        var isNew = history is null;
        history ??= new AlertHistory { Total = 0, Last = [], Samples = [] };
        var nowSeconds = now.ToUnixTimeSeconds();

        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in sources)
        {
            last[s.Id] = s.AlertsSpooled;
            if (history.Last.TryGetValue(s.Id, out var before))
            {
                history.Total += s.AlertsSpooled >= before ? s.AlertsSpooled - before : s.AlertsSpooled;
            }
            // A source seen for the first time is a baseline: its earlier alerts have no time.
        }
        history.Last = last;

        // A clock set back: samples from "the future" would never age out.
        history.Samples.RemoveAll(x => x.At > nowSeconds);
        if (history.Samples.Count == 0 || nowSeconds - history.Samples[^1].At >= (long)SampleSpacing.TotalSeconds)
        {
            history.Samples.Add(new AlertSample(nowSeconds, history.Total));
        }

        var windowStart = nowSeconds - (long)Window.TotalSeconds;
        var baselineIndex = history.Samples.FindLastIndex(x => x.At <= windowStart);
        if (baselineIndex > 0)
        {
            history.Samples.RemoveRange(0, baselineIndex);
        }
        var count = Math.Max(0, history.Total - history.Samples[0].Total);

        SaveHistory(path, history, isNew);
        return count;
    }

    private long? FromEveFiles(DateTimeOffset now)
    {
        if (_scanCache is { } cached && now - cached.At < options.EveScanCacheDuration && now >= cached.At)
        {
            return cached.Count;
        }
        long? total = 0;
        foreach (var path in options.SuricataEvePaths)
        {
            var n = CountInEve(path, now - Window, options.EveScanMaxBytes);
            if (n is null)
            {
                total = null;
                break;
            }
            total += n;
        }
        _scanCache = (now, total);
        return total;
    }

    /// <summary>Alerts newer than <paramref name="since"/> in an eve file and its first rotated copy, or null.</summary>
    internal static long? CountInEve(string path, DateTimeOffset since, long maxBytes)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        long count = 0;
        var budget = maxBytes;
        foreach (var file in new[] { path, path + ".1" })
        {
            if (!File.Exists(file))
            {
                break;
            }
            var (n, covered, exhausted) = ScanBackwards(file, since, ref budget);
            count += n;
            if (covered)
            {
                return count;
            }
            if (exhausted)
            {
                return null;
            }
        }
        // Every plain file was read to its start: that is all the history there is.
        return count;
    }

    private static (long Count, bool Covered, bool Exhausted) ScanBackwards(string file, DateTimeOffset since, ref long budget)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var pos = stream.Length;
        var carry = Array.Empty<byte>();
        var atEnd = true;
        long count = 0;
        while (pos > 0)
        {
            var len = (int)Math.Min(ChunkBytes, pos);
            if (budget < len)
            {
                return (count, false, true);
            }
            budget -= len;
            pos -= len;
            var combined = new byte[len + carry.Length];
            stream.Position = pos;
            stream.ReadExactly(combined, 0, len);
            carry.CopyTo(combined, len);

            var end = combined.Length;
            if (atEnd)
            {
                // The last line may still be being written: only complete lines count.
                var lastNewline = combined.AsSpan().LastIndexOf((byte)'\n');
                if (lastNewline < 0)
                {
                    carry = combined;
                    continue;
                }
                end = lastNewline;
                atEnd = false;
            }
            while (true)
            {
                var newline = combined.AsSpan(0, end).LastIndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }
                switch (Classify(combined.AsSpan(newline + 1, end - newline - 1), since))
                {
                    case LineKind.Older:
                        return (count, true, false);
                    case LineKind.Alert:
                        count++;
                        break;
                }
                end = newline;
            }
            carry = combined[..end];
        }
        if (!atEnd)
        {
            switch (Classify(carry, since))
            {
                case LineKind.Older:
                    return (count, true, false);
                case LineKind.Alert:
                    count++;
                    break;
            }
        }
        return (count, false, false);
    }

    private enum LineKind
    {
        Other,
        Alert,
        Older,
    }

    private static LineKind Classify(ReadOnlySpan<byte> line, DateTimeOffset since)
    {
        if (StringValue(line, "\"timestamp\""u8) is not { } ts || !TryParseTimestamp(ts, out var time))
        {
            return LineKind.Other;
        }
        if (time < since)
        {
            return LineKind.Older;
        }
        return StringValue(line, "\"event_type\""u8) is { } type && type.SequenceEqual("alert"u8) ? LineKind.Alert : LineKind.Other;
    }

    /// <summary>The raw bytes of the string value of the first <paramref name="key"/> in a JSON line.</summary>
    private static byte[]? StringValue(ReadOnlySpan<byte> line, ReadOnlySpan<byte> key)
    {
        var at = line.IndexOf(key);
        if (at < 0)
        {
            return null;
        }
        var rest = line[(at + key.Length)..].TrimStart(" \t"u8);
        if (rest.Length == 0 || rest[0] != ':')
        {
            return null;
        }
        rest = rest[1..].TrimStart(" \t"u8);
        if (rest.Length == 0 || rest[0] != '"')
        {
            return null;
        }
        rest = rest[1..];
        var close = rest.IndexOf((byte)'"');
        return close < 0 || close > 64 ? null : rest[..close].ToArray();
    }

    /// <summary>Suricata writes <c>2024-04-17T19:36:46.152278+0000</c>; .NET wants a colon in the offset.</summary>
    internal static bool TryParseTimestamp(ReadOnlySpan<byte> utf8, out DateTimeOffset value)
    {
        var s = Encoding.ASCII.GetString(utf8);
        if (s.Length > 5 && s[^5] is '+' or '-' && s[^4..].All(char.IsAsciiDigit))
        {
            s = string.Concat(s.AsSpan(0, s.Length - 2), ":", s.AsSpan(s.Length - 2));
        }
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private AlertHistory? LoadHistory(string path)
    {
        try
        {
            var history = JsonSerializer.Deserialize(File.ReadAllText(path), NodeJson.Default.AlertHistory);
            return history is { Last: not null, Samples: not null } ? history : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            if (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                logger.LogDebug(e, "Alert history {Path} is unreadable; starting a new one", path);
            }
            return null;
        }
    }

    /// <remarks>Best effort: <c>socme-node fetch</c> run by another user may not write the agent's data folder.</remarks>
    private void SaveHistory(string path, AlertHistory history, bool isNew)
    {
        if (isNew && !Directory.Exists(options.DataDir))
        {
            return;
        }
        var temp = string.Create(CultureInfo.InvariantCulture, $"{path}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(history, NodeJson.Default.AlertHistory));
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogDebug(e, "Cannot write the alert history {Path}", path);
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do.
            }
        }
    }

    internal sealed class AlertHistory
    {
        public long Total { get; set; }

        /// <summary>The last counter value seen per source id.</summary>
        public Dictionary<string, long> Last { get; set; } = [];

        public List<AlertSample> Samples { get; set; } = [];
    }

    /// <summary>The running total at a time (Unix seconds).</summary>
    internal sealed record AlertSample(long At, long Total);
}
