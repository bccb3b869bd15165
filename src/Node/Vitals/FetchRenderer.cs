using System.Globalization;
using Socme.Client;

namespace Socme.Node.Vitals;

/// <summary>
/// <c>socme-node fetch</c>: the vitals in the style of fastfetch — a small logo on the left, aligned labels on the
/// right, human units, ANSI colours only when asked.
/// </summary>
public static class FetchRenderer
{
    private const string Esc = "\u001b[";
    private const string Reset = Esc + "0m";
    private const string Bold = Esc + "1m";
    private const string LogoColor = Esc + "36m";
    private const string LabelColor = Esc + "1;36m";
    private const string Green = Esc + "32m";
    private const string Yellow = Esc + "33m";
    private const string Red = Esc + "31m";
    private const string Dim = Esc + "2m";
    private const int BarWidth = 10;

    /// <summary>A shield with an eye: the SOC that watches.</summary>
    private static readonly string[] Logo =
    [
        "  .-----------.",
        "  |   SOCme   |",
        "  |  .-----.  |",
        "  | (  (O)  ) |",
        "  |  '-----'  |",
        "  |           |",
        "   \\         /",
        "    '.     .'",
        "      '._.'",
    ];

    private static readonly int LogoWidth = Logo.Max(l => l.Length);

    /// <summary>A value and the colour to print it in (null: the terminal's default).</summary>
    private readonly record struct Value(string Text, string? Color = null);

    /// <summary>Writes the vitals, one line per label, beside the logo.</summary>
    /// <param name="vitals">What <see cref="VitalsCollector.CollectAsync"/> returned (or a heartbeat's vitals).</param>
    /// <param name="writer">Usually <see cref="Console.Out"/>.</param>
    /// <param name="color">ANSI colours: pass <c>!Console.IsOutputRedirected</c> and <c>NO_COLOR</c> unset.</param>
    public static void Render(NodeVitals vitals, TextWriter writer, bool color)
    {
        ArgumentNullException.ThrowIfNull(vitals);
        ArgumentNullException.ThrowIfNull(writer);

        var rows = Rows(vitals);
        var labelWidth = rows.Max(r => r.Label.Length);
        var title = "socme-node@" + (vitals.Hostname ?? "unknown");
        var right = new List<string>
        {
            Paint(title, Bold + LabelColor, color),
            new('-', title.Length),
        };
        foreach (var (label, value) in rows)
        {
            right.Add(Paint(label.PadRight(labelWidth), LabelColor, color) + "  " + Paint(value.Text, value.Color, color));
        }
        if (color)
        {
            right.Add("");
            right.Add(string.Concat(Enumerable.Range(0, 8).Select(i => string.Create(CultureInfo.InvariantCulture, $"{Esc}4{i}m   "))) + Reset);
        }

        var height = Math.Max(Logo.Length, right.Count);
        for (var i = 0; i < height; i++)
        {
            var logo = i < Logo.Length ? Logo[i] : "";
            var line = Paint(logo, LogoColor, color && logo.Length > 0) + new string(' ', LogoWidth - logo.Length);
            if (i < right.Count)
            {
                line += "   " + right[i];
            }
            writer.WriteLine(line.TrimEnd());
        }
    }

    private static List<(string Label, Value Value)> Rows(NodeVitals v)
    {
        var rows = new List<(string, Value)>
        {
            ("Host", Text(v.Hostname)),
            ("OS", Text(v.Os)),
            ("Kernel", Text(v.Kernel)),
            ("Uptime", Text(v.UptimeSeconds is { } up ? Duration(TimeSpan.FromSeconds(up)) : null)),
            ("CPU", Text(Cpu(v.Cpu))),
            ("Load", Text(v.Cpu is { Load1: { } l1, Load5: { } l5, Load15: { } l15 }
                ? string.Create(CultureInfo.InvariantCulture, $"{l1:0.00}, {l5:0.00}, {l15:0.00}")
                : null)),
            ("Memory", Usage(v.Memory)),
            ("Swap", Usage(v.Swap)),
        };
        if (v.Disks is { Count: > 0 } disks)
        {
            rows.AddRange(disks.Select(d => ($"Disk ({d.Mount})", Usage(new UsageVitals(d.TotalBytes, d.UsedBytes)))));
        }
        else
        {
            rows.Add(("Disk (/)", new Value("unknown", Yellow)));
        }
        rows.Add(("IPs", v.Ips is null ? new Value("unknown", Yellow) : new Value(v.Ips.Count == 0 ? "none" : string.Join(", ", v.Ips))));
        rows.Add(("Tailnet", Tailnet(v.Tailnet)));
        rows.Add(("Wazuh manager", Service(v.Wazuh?.Manager)));
        rows.Add(("Wazuh indexer", Service(v.Wazuh?.Indexer)));
        rows.Add(("Wazuh dashboard", Service(v.Wazuh?.Dashboard)));
        rows.Add(("Suricata", Service(v.Suricata is null ? null : new ServiceVitals(v.Suricata.Status, v.Suricata.Version))));
        rows.Add(("Alerts 24h", v.Suricata?.Alerts24h is { } alerts
            ? new Value(alerts.ToString("N0", CultureInfo.InvariantCulture))
            : v.Suricata?.Status == ServiceStatus.NotInstalled ? new Value("not installed", Dim) : new Value("unknown", Yellow)));
        rows.Add(("TheHive", Service(v.TheHive)));
        rows.Add(("Config rev", Text(v.ConfigRevision)));
        rows.Add(("Agent", Text(v.AgentVersion)));
        rows.Add(("Spool", v.Spool is { } s ? Spool(s) : new Value("unknown (is the agent running?)", Yellow)));
        rows.Add(("Last ship", LastShip(v)));
        return rows;
    }

    private static Value Text(string? s) => s is null ? new Value("unknown", Yellow) : new Value(s);

    private static string? Cpu(CpuVitals? cpu)
    {
        if (cpu is null || (cpu.Model is null && cpu.Cores is null && cpu.UsagePercent is null))
        {
            return null;
        }
        var parts = new List<string>();
        if (cpu.Model is not null || cpu.Cores is not null)
        {
            parts.Add((cpu.Model ?? "CPU") + (cpu.Cores is { } n ? string.Create(CultureInfo.InvariantCulture, $" ({n})") : ""));
        }
        if (cpu.UsagePercent is { } u)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{u:0.#}% used"));
        }
        return string.Join(", ", parts);
    }

    /// <summary>Used / total (percent) and a bar; a total of zero (no swap) is "none".</summary>
    private static Value Usage(UsageVitals? u)
    {
        if (u is null)
        {
            return new Value("unknown", Yellow);
        }
        if (u.TotalBytes <= 0)
        {
            return new Value("none", Dim);
        }
        var percent = Math.Clamp(u.UsedBytes * 100.0 / u.TotalBytes, 0, 100);
        var filled = (int)Math.Round(percent / 100 * BarWidth);
        var bar = "[" + new string('#', filled) + new string('-', BarWidth - filled) + "]";
        var text = string.Create(CultureInfo.InvariantCulture, $"{Bytes(u.UsedBytes)} / {Bytes(u.TotalBytes)} ({percent:0}%) {bar}");
        return new Value(text, percent >= 90 ? Red : percent >= 75 ? Yellow : Green);
    }

    private static Value Tailnet(TailnetVitals? t)
    {
        if (t is null)
        {
            return new Value("not installed", Dim);
        }
        if (t.Name is null && t.Ip is null && t.Online is null)
        {
            return new Value("unknown", Yellow);
        }
        var where = string.Join(" ", new[] { t.Name, t.Ip is null ? null : $"({t.Ip})" }.Where(x => x is not null));
        var state = t.Online switch { true => "online", false => "offline", null => null };
        var text = string.Join(", ", new[] { where.Length > 0 ? where : null, state }.Where(x => x is not null));
        return new Value(text, t.Online switch { true => Green, false => Red, null => null });
    }

    private static Value Service(ServiceVitals? s)
    {
        var status = s?.Status ?? ServiceStatus.Unknown;
        var (text, colour) = status switch
        {
            ServiceStatus.Running => ("running", Green),
            ServiceStatus.Stopped => ("stopped", Red),
            ServiceStatus.NotInstalled => ("not installed", Dim),
            ServiceStatus.Unknown => ("unknown", Yellow),
            _ => (status, Yellow),
        };
        return new Value(s?.Version is { } version && status != ServiceStatus.NotInstalled ? $"{text}, {version}" : text, colour);
    }

    private static Value Spool(SpoolVitals s)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{s.Depth:N0} alert{(s.Depth == 1 ? "" : "s")}, {Bytes(s.Bytes)}");
        if (s.Depth > 0 && s.OldestAgeSeconds is { } age)
        {
            text += ", oldest " + Duration(TimeSpan.FromSeconds(age));
        }
        return new Value(text, s.Depth == 0 ? Green : null);
    }

    private static Value LastShip(NodeVitals v)
    {
        if (v.LastShipAt is not { } at)
        {
            return v.Spool is null ? new Value("unknown", Yellow) : new Value("never", Yellow);
        }
        var text = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (v.CollectedAt is { } now)
        {
            text += " (" + Duration(now - at) + " ago)";
        }
        return new Value(text);
    }

    /// <summary>Binary units: <c>512 B</c>, <c>7.63 GiB</c>, <c>23.5 GiB</c>, <c>476 GiB</c>.</summary>
    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = Math.Max(0, bytes);
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        var format = unit == 0 ? "0" : value < 10 ? "0.00" : value < 100 ? "0.0" : "0";
        return value.ToString(format, CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary><c>3 days, 4 h</c>, <c>4 h, 12 min</c>, <c>12 min</c>, <c>45 s</c>.</summary>
    internal static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero)
        {
            t = TimeSpan.Zero;
        }
        static string Plural(long n, string one, string many) => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");
        if (t.TotalDays >= 1)
        {
            return t.Hours > 0 ? $"{Plural((long)t.TotalDays, "day", "days")}, {Plural(t.Hours, "h", "h")}" : Plural((long)t.TotalDays, "day", "days");
        }
        if (t.TotalHours >= 1)
        {
            return t.Minutes > 0 ? $"{Plural(t.Hours, "h", "h")}, {Plural(t.Minutes, "min", "min")}" : Plural(t.Hours, "h", "h");
        }
        return t.TotalMinutes >= 1 ? Plural(t.Minutes, "min", "min") : Plural(t.Seconds, "s", "s");
    }

    private static string Paint(string text, string? colour, bool color) =>
        color && colour is not null && text.Length > 0 ? colour + text + Reset : text;
}
