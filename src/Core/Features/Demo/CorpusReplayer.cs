using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Socme.Core.Features.Demo;

/// <summary>
/// Writes real corpus lines into a node's alert files as a live Wazuh manager and Suricata would: fresh timestamps,
/// unique Wazuh ids and Suricata flow ids, and the real rotations — Wazuh's re-link of <c>alerts.json</c> to a new
/// dated file (<c>logs/alerts/YYYY/Mon/ossec-alerts-DD.json</c>, the old inode staying as the archive), Suricata's
/// rename-and-reopen and copy-truncate. Used by the demo, the end-to-end tests and the benchmarks.
/// </summary>
public sealed class CorpusReplayer
{
    private readonly IReadOnlyList<string> _wazuh;
    private readonly IReadOnlyList<string> _suricata;
    private readonly TimeProvider _time;
    private long _counter;
    private int _wazuhNext;
    private int _suricataNext;
    private int _wazuhDay;

    public CorpusReplayer(IReadOnlyList<string> wazuhLines, IReadOnlyList<string> suricataLines, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(wazuhLines);
        ArgumentNullException.ThrowIfNull(suricataLines);
        _wazuh = wazuhLines;
        _suricata = suricataLines;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Loads every Wazuh line and every Suricata line (all event types, in file order) of a corpus folder.</summary>
    public static CorpusReplayer FromCorpus(string corpusDir, TimeProvider time)
    {
        var (wazuh, suricata) = LoadCorpus(corpusDir);
        return new CorpusReplayer(wazuh, suricata, time);
    }

    /// <summary>Every Wazuh line and every Suricata line (all event types) of a corpus folder, in file order.</summary>
    public static (List<string> Wazuh, List<string> Suricata) LoadCorpus(string corpusDir)
    {
        static List<string> Read(string dir) => Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Length > 0).ToList();
        return (Read(Path.Combine(corpusDir, "wazuh")), Read(Path.Combine(corpusDir, "suricata")));
    }

    /// <summary>The corpus folder: <c>SOCME_CORPUS</c>, else <c>../shared/corpus</c> above the working or the app folder.</summary>
    public static string? FindCorpus()
    {
        var env = Environment.GetEnvironmentVariable("SOCME_CORPUS");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "..", "shared", "corpus");
                if (Directory.Exists(Path.Combine(candidate, "wazuh")) && Directory.Exists(Path.Combine(candidate, "suricata")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        return null;
    }

    /// <summary>The next Wazuh line: a corpus alert with a fresh timestamp and a unique <c>id</c>.</summary>
    public string NextWazuh()
    {
        var now = _time.GetUtcNow();
        return Rewrite(_wazuh[_wazuhNext++ % _wazuh.Count],
            ("timestamp", w => w.WriteStringValue(now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture))),
            ("id", w => w.WriteStringValue(string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeSeconds()}.{Interlocked.Increment(ref _counter)}"))));
    }

    /// <summary>The next Suricata EVE line (any event type, as in the corpus mix) with a fresh timestamp and unique flow id.</summary>
    public string NextSuricata()
    {
        var now = _time.GetUtcNow();
        var flowId = 1_000_000_000_000L + Interlocked.Increment(ref _counter);
        return Rewrite(_suricata[_suricataNext++ % _suricata.Count],
            ("timestamp", w => w.WriteStringValue(now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'", CultureInfo.InvariantCulture))),
            ("flow_id", w => w.WriteNumberValue(flowId)));
    }

    /// <summary>
    /// Copies a JSON object, replacing the values of the named top-level properties (added at the end when absent).
    /// Key order and duplicate keys, which real EVE lines have, are kept.
    /// </summary>
    private static string Rewrite(string line, params (string Name, Action<Utf8JsonWriter> Write)[] replace)
    {
        using var doc = JsonDocument.Parse(line);
        using var ms = new MemoryStream(line.Length + 64);
        using (var w = new Utf8JsonWriter(ms))
        {
            var done = new bool[replace.Length];
            w.WriteStartObject();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var i = Array.FindIndex(replace, r => p.NameEquals(r.Name));
                if (i < 0)
                {
                    p.WriteTo(w);
                }
                else if (!done[i])
                {
                    w.WritePropertyName(p.Name);
                    replace[i].Write(w);
                    done[i] = true;
                }
            }
            for (var i = 0; i < replace.Length; i++)
            {
                if (!done[i])
                {
                    w.WritePropertyName(replace[i].Name);
                    replace[i].Write(w);
                }
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    /// <summary>Appends lines to a file (creating it), each with its newline, in one write.</summary>
    public static void Append(string path, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var sb = new StringBuilder();
        foreach (var l in lines)
        {
            sb.Append(l).Append('\n');
        }
        using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        fs.Write(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>
    /// Wazuh's layout: the live file <c>DIR/alerts.json</c> is a hard link to today's
    /// <c>DIR/YYYY/Mon/ossec-alerts-DD.json</c>. Creates it when missing; returns the live path.
    /// </summary>
    public string EnsureWazuhLayout(string alertsDir)
    {
        var live = Path.Combine(alertsDir, "alerts.json");
        if (!File.Exists(live))
        {
            var dated = DatedWazuhPath(alertsDir, _wazuhDay);
            Directory.CreateDirectory(Path.GetDirectoryName(dated)!);
            File.WriteAllBytes(dated, []);
            HardLink.Create(dated, live);
        }
        return live;
    }

    /// <summary>Wazuh's midnight rotation: a new dated file, and <c>alerts.json</c> re-linked to it.</summary>
    /// <returns>The previous day's archive path (the old inode, which a tailer must finish).</returns>
    public string RotateWazuh(string alertsDir)
    {
        var previous = DatedWazuhPath(alertsDir, _wazuhDay);
        _wazuhDay++;
        var dated = DatedWazuhPath(alertsDir, _wazuhDay);
        Directory.CreateDirectory(Path.GetDirectoryName(dated)!);
        File.WriteAllBytes(dated, []);
        var live = Path.Combine(alertsDir, "alerts.json");
        File.Delete(live);
        HardLink.Create(dated, live);
        return previous;
    }

    private string DatedWazuhPath(string alertsDir, int dayOffset)
    {
        var day = _time.GetUtcNow().UtcDateTime.Date.AddDays(dayOffset);
        return Path.Combine(alertsDir, day.ToString("yyyy", CultureInfo.InvariantCulture),
            day.ToString("MMM", CultureInfo.InvariantCulture), $"ossec-alerts-{day:dd}.json");
    }

    /// <summary>Suricata's rotation by rename: <c>eve.json</c> → <c>eve.json.N</c>; the next write creates a new file.</summary>
    public static string RotateSuricataByRename(string evePath, int generation)
    {
        var rotated = string.Create(CultureInfo.InvariantCulture, $"{evePath}.{generation}");
        File.Move(evePath, rotated);
        File.WriteAllBytes(evePath, []);
        return rotated;
    }

    /// <summary>logrotate's copytruncate: copy the file aside, then truncate it in place (same inode).</summary>
    public static string RotateByCopyTruncate(string path, int generation)
    {
        var copy = string.Create(CultureInfo.InvariantCulture, $"{path}.{generation}");
        File.Copy(path, copy, overwrite: true);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        fs.SetLength(0);
        return copy;
    }
}
