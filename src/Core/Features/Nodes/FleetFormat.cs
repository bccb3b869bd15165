using System.Globalization;
using Microsoft.Extensions.Localization;
using Socme.Client;

namespace Socme.Core.Features.Nodes;

/// <summary>How the fleet pages write times, sizes, durations and node statuses.</summary>
internal static class FleetFormat
{
    /// <summary>The status as the API writes it (<c>never_seen</c>), also the CSS class suffix and the text key.</summary>
    public static string Name(NodeStatus status) => status switch
    {
        NodeStatus.Pending => "pending",
        NodeStatus.NeverSeen => "never_seen",
        NodeStatus.Online => "online",
        NodeStatus.Stale => "stale",
        NodeStatus.Offline => "offline",
        _ => "unknown",
    };

    public static readonly NodeStatus[] Statuses = [NodeStatus.Online, NodeStatus.Stale, NodeStatus.Offline, NodeStatus.NeverSeen, NodeStatus.Pending];

    public static string Absolute(DateTimeOffset t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"42 s ago", "5 min ago", "3 h ago", "2 d ago" (translated).</summary>
    public static string Relative(DateTimeOffset t, DateTimeOffset now, IStringLocalizer text)
    {
        var ago = now - t;
        if (ago < TimeSpan.Zero)
        {
            ago = TimeSpan.Zero;
        }
        var (n, unit) = ago.TotalSeconds < 60 ? ((long)ago.TotalSeconds, "{0} s ago")
            : ago.TotalMinutes < 60 ? ((long)ago.TotalMinutes, "{0} min ago")
            : ago.TotalHours < 48 ? ((long)ago.TotalHours, "{0} h ago")
            : ((long)ago.TotalDays, "{0} d ago");
        return string.Format(CultureInfo.CurrentCulture, text[unit], n);
    }

    /// <summary>Binary units: 512 B, 1.5 KiB, 7.8 GiB.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double v = bytes;
        var i = 0;
        while (v >= 1024 && i < units.Length - 1)
        {
            v /= 1024;
            i++;
        }
        return i == 0 ? $"{bytes.ToString(CultureInfo.CurrentCulture)} B" : $"{v.ToString("0.0", CultureInfo.CurrentCulture)} {units[i]}";
    }

    public static string Usage(UsageVitals u) => Usage(u.UsedBytes, u.TotalBytes);

    public static string Usage(long used, long total) =>
        $"{Bytes(used)} / {Bytes(total)}" + (total > 0 ? $" ({(100.0 * used / total).ToString("0", CultureInfo.CurrentCulture)} %)" : "");

    /// <summary>"12 d 3 h", "3 h 20 min", "4 min".</summary>
    public static string Duration(long seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays} d {t.Hours} h" : t.TotalHours >= 1 ? $"{t.Hours} h {t.Minutes} min" : $"{t.Minutes} min";
    }

    public static string Number(double? v, string format = "0.00") => v is { } d ? d.ToString(format, CultureInfo.CurrentCulture) : "—";
}

/// <summary>What <c>_NodeTable</c> shows.</summary>
internal sealed record NodeTableView(IReadOnlyList<NodeDto> Nodes, IReadOnlyDictionary<Guid, string> ClientNames, DateTimeOffset Now, bool ShowClient);

/// <summary>What <c>_Enrolment</c> shows: the code and the core's URL the node is to call.</summary>
internal sealed record EnrolmentView(NodeEnrollmentDto Enrollment, string CoreUrl);

/// <summary>The URL a node reaches this core at, as the browser reached it.</summary>
internal static class CoreUrl
{
    public static string Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
