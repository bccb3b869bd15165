using System.Globalization;
using System.Text;
using Socme.Client;

namespace Socme.Node.Vitals;

/// <summary>Jiffies from the aggregate <c>cpu</c> line of <c>/proc/stat</c>.</summary>
internal readonly record struct CpuTimes(ulong Busy, ulong Total);

/// <summary>A real (not pseudo) mounted file system.</summary>
internal sealed record MountEntry(string Device, string MountPoint, string FsType);

/// <summary>Parsers of <c>/proc</c> and <c>/etc</c> text. Each returns null (or nothing) for text it does not understand.</summary>
internal static class ProcParsers
{
    // Kernel and virtual file systems that hold no node data; fastfetch and df -l skip the same kinds.
    private static readonly HashSet<string> PseudoFs = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "ramfs", "cgroup", "cgroup2", "securityfs", "pstore", "bpf",
        "debugfs", "tracefs", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs", "binfmt_misc", "rpc_pipefs",
        "nsfs", "efivarfs", "selinuxfs", "squashfs", "nfsd", "overlay", "fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal",
        "fuse.snapfuse", "iso9660", "none",
        // Network file systems: statvfs on a dead server hangs (as df does), and they are not the node's disks.
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "fuse.sshfs", "fuse.rclone", "fuse.glusterfs",
    };

    /// <summary><c>PRETTY_NAME</c>, else <c>NAME VERSION</c>, of an os-release file.</summary>
    public static string? OsName(string? osRelease)
    {
        if (osRelease is null)
        {
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in Lines(osRelease))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || line.StartsWith('#'))
            {
                continue;
            }
            values[line[..eq]] = Unquote(line[(eq + 1)..]);
        }
        if (values.TryGetValue("PRETTY_NAME", out var pretty) && pretty.Length > 0)
        {
            return pretty;
        }
        if (values.TryGetValue("NAME", out var name) && name.Length > 0)
        {
            return values.TryGetValue("VERSION", out var version) && version.Length > 0 ? $"{name} {version}" : name;
        }
        return null;
    }

    /// <summary>The first field of <c>/proc/uptime</c>, in whole seconds.</summary>
    public static long? UptimeSeconds(string? uptime)
    {
        var first = uptime?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 ? (long)s : null;
    }

    /// <summary>The 1, 5 and 15 minute load averages of <c>/proc/loadavg</c>.</summary>
    public static (double One, double Five, double Fifteen)? LoadAverage(string? loadavg)
    {
        var f = loadavg?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (f is null || f.Length < 3
            || !double.TryParse(f[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var one)
            || !double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var five)
            || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var fifteen))
        {
            return null;
        }
        return (one, five, fifteen);
    }

    /// <summary>
    /// Memory and swap from <c>/proc/meminfo</c>. Used memory = MemTotal - MemAvailable (what <c>free</c> and
    /// fastfetch show); kernels older than 3.14 have no MemAvailable: MemFree + Buffers + Cached then.
    /// </summary>
    public static (UsageVitals? Memory, UsageVitals? Swap) Memory(string? meminfo)
    {
        if (meminfo is null)
        {
            return (null, null);
        }
        var kb = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in Lines(meminfo))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var rest = line[(colon + 1)..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            var number = space < 0 ? rest : rest[..space];
            if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                kb[line[..colon]] = v;
            }
        }
        UsageVitals? memory = null;
        if (kb.TryGetValue("MemTotal", out var total) && total > 0)
        {
            var available = kb.TryGetValue("MemAvailable", out var a)
                ? a
                : kb.GetValueOrDefault("MemFree") + kb.GetValueOrDefault("Buffers") + kb.GetValueOrDefault("Cached");
            memory = new UsageVitals(total * 1024, Math.Clamp(total - available, 0, total) * 1024);
        }
        UsageVitals? swap = null;
        if (kb.TryGetValue("SwapTotal", out var swapTotal) && kb.TryGetValue("SwapFree", out var swapFree))
        {
            swap = new UsageVitals(swapTotal * 1024, Math.Clamp(swapTotal - swapFree, 0, swapTotal) * 1024);
        }
        return (memory, swap);
    }

    /// <summary>The CPU model and the number of logical CPUs of <c>/proc/cpuinfo</c> (x86 and ARM layouts).</summary>
    public static (string? Model, int? Count) CpuInfo(string? cpuinfo)
    {
        if (cpuinfo is null)
        {
            return (null, null);
        }
        string? modelName = null, hardware = null, model = null, cpuModel = null;
        var count = 0;
        foreach (var line in Lines(cpuinfo))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var key = line[..colon].Trim();
            var value = CollapseSpaces(line[(colon + 1)..]);
            switch (key)
            {
                case "processor":
                    count++;
                    break;
                case "model name":
                    modelName ??= value;
                    break;
                case "Hardware":
                    hardware ??= value;
                    break;
                case "Model":
                    model ??= value;
                    break;
                case "cpu model":
                case "uarch":
                    cpuModel ??= value;
                    break;
            }
        }
        // x86 names the CPU; ARM boards (a Raspberry Pi) often only name the board ("Model") or the SoC ("Hardware").
        var name = new[] { modelName, cpuModel, model, hardware }.FirstOrDefault(s => !string.IsNullOrEmpty(s));
        return (name, count > 0 ? count : null);
    }

    /// <summary>The aggregate <c>cpu</c> line of <c>/proc/stat</c>: busy and total jiffies (guest time is already in user).</summary>
    public static CpuTimes? CpuTimes(string? stat)
    {
        if (stat is null)
        {
            return null;
        }
        foreach (var line in Lines(stat))
        {
            if (!line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                continue;
            }
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // user nice system idle iowait irq softirq steal [guest guest_nice]
            if (f.Length < 5)
            {
                return null;
            }
            ulong total = 0, idle = 0;
            for (var i = 1; i < Math.Min(f.Length, 9); i++)
            {
                if (!ulong.TryParse(f[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                {
                    return null;
                }
                total += v;
                if (i is 4 or 5)
                {
                    idle += v;
                }
            }
            return new CpuTimes(total - idle, total);
        }
        return null;
    }

    /// <summary>Busy share between two samples, in percent (one decimal), or null when no time passed.</summary>
    public static double? UsagePercent(CpuTimes before, CpuTimes after)
    {
        if (after.Total <= before.Total || after.Busy < before.Busy)
        {
            return null;
        }
        var percent = (after.Busy - before.Busy) * 100.0 / (after.Total - before.Total);
        return Math.Round(Math.Clamp(percent, 0, 100), 1);
    }

    /// <summary>
    /// The real file systems of <c>/proc/self/mounts</c>: pseudo file systems skipped, one entry per device (the
    /// shortest mount point, so a bind mount such as NixOS's <c>/nix/store</c> is not counted twice), <c>/</c> first.
    /// </summary>
    public static IReadOnlyList<MountEntry> Mounts(string? mounts)
    {
        if (mounts is null)
        {
            return [];
        }
        var byDevice = new Dictionary<string, MountEntry>(StringComparer.Ordinal);
        foreach (var line in Lines(mounts))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3)
            {
                continue;
            }
            var entry = new MountEntry(Unescape(f[0]), Unescape(f[1]), f[2]);
            // A container's root is an overlay: keep it when it is /, skip the others.
            if ((PseudoFs.Contains(entry.FsType) && !(entry.FsType == "overlay" && entry.MountPoint == "/"))
                || !entry.MountPoint.StartsWith('/')
                || entry.MountPoint.StartsWith("/proc/", StringComparison.Ordinal)
                || entry.MountPoint.StartsWith("/sys/", StringComparison.Ordinal)
                || entry.MountPoint.StartsWith("/dev/", StringComparison.Ordinal))
            {
                continue;
            }
            if (!byDevice.TryGetValue(entry.Device, out var seen) || entry.MountPoint.Length < seen.MountPoint.Length)
            {
                byDevice[entry.Device] = entry;
            }
        }
        return byDevice.Values
            .OrderBy(m => m.MountPoint == "/" ? 0 : 1)
            .ThenBy(m => m.MountPoint, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Strips one level of single or double quotes (os-release and shell-style <c>KEY="value"</c>).</summary>
    public static string Unquote(string s)
    {
        s = s.Trim();
        return s.Length >= 2 && ((s[0] == '"' && s[^1] == '"') || (s[0] == '\'' && s[^1] == '\'')) ? s[1..^1] : s;
    }

    public static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));

    private static string CollapseSpaces(string s) => string.Join(' ', s.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Mount fields escape space, tab, newline and backslash as octal (<c>\040</c>).</summary>
    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && IsOctal(s[i + 1]) && IsOctal(s[i + 2]) && IsOctal(s[i + 3]))
            {
                sb.Append((char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
                i += 3;
            }
            else
            {
                sb.Append(s[i]);
            }
        }
        return sb.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
