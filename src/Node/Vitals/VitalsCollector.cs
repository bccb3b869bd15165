using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Socme.Client;
using Socme.Node.Status;

namespace Socme.Node.Vitals;

/// <summary>
/// Collects the node's vital signs (FETCHme): what <c>socme-node fetch</c> prints and every heartbeat carries.
/// </summary>
/// <remarks>
/// Never throws (except <see cref="OperationCanceledException"/> when the caller cancels): a part that cannot be read
/// is null, a service whose state cannot be told is <c>unknown</c>, and anything absent is <c>not_installed</c>
/// (services) or null (the tailnet). The external commands run concurrently, each bounded by
/// <see cref="VitalsOptions.CommandTimeout"/>; the version commands run at most once per
/// <see cref="VitalsOptions.VersionCacheDuration"/>. Keep one instance for the agent's lifetime (a singleton): it
/// remembers the previous CPU sample and the version cache. See README.md in this folder for the sources and costs.
/// </remarks>
public sealed class VitalsCollector
{
    private readonly VitalsOptions _options;
    private readonly ISystemProbe _probe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SuricataAlertCounter _alerts;
    private readonly Lock _alertsLock = new();
    private readonly Lock _cpuLock = new();
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, string? Value)> _cache = new(StringComparer.Ordinal);
    private (DateTimeOffset At, CpuTimes Times)? _lastCpu;

    public VitalsCollector(VitalsOptions options, ISystemProbe probe, TimeProvider time, ILogger<VitalsCollector>? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _probe = probe ?? throw new ArgumentNullException(nameof(probe));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _alerts = new SuricataAlertCounter(options, _logger);
    }

    /// <summary>This assembly's informational version, with the commit shortened: <c>0.1.0+7e259af</c>.</summary>
    public static string DefaultAgentVersion { get; } = ReadAgentVersion();

    public async Task<NodeVitals> CollectAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var cpuTask = CollectCpuAsync(ct);
        var servicesTask = CollectServicesAsync(ct);
        var tailnetTask = CollectTailnetAsync(ct);
        var configTask = CollectConfigRevisionAsync(ct);

        var hostname = Try(() => NonEmpty(_probe.ReadFile("/proc/sys/kernel/hostname")), null, "hostname", ct);
        var os = Try(() => ProcParsers.OsName(_probe.ReadFile("/etc/os-release") ?? _probe.ReadFile("/usr/lib/os-release")), null, "OS", ct);
        var kernel = Try(() => NonEmpty(_probe.ReadFile("/proc/sys/kernel/osrelease")), null, "kernel", ct);
        var uptime = Try(() => ProcParsers.UptimeSeconds(_probe.ReadFile("/proc/uptime")), null, "uptime", ct);
        var (memory, swap) = Try(() => ProcParsers.Memory(_probe.ReadFile("/proc/meminfo")), (null, null), "memory", ct);
        var disks = Try<IReadOnlyList<DiskVitals>?>(() => CollectDisks(ct), null, "disks", ct);
        var ips = Try<IReadOnlyList<string>?>(CollectIps, null, "IP addresses", ct);
        var status = Try(() => StatusPrinter.TryRead(_options.DataDir, out _), null, "status.json", ct);
        var alerts24h = Try(() =>
        {
            lock (_alertsLock)
            {
                return _alerts.Count(status, now);
            }
        }, null, "Suricata alerts in 24 h", ct);

        var services = await servicesTask;
        return new NodeVitals
        {
            Hostname = hostname,
            Os = os,
            Kernel = kernel,
            UptimeSeconds = uptime,
            Cpu = await cpuTask,
            Memory = memory,
            Swap = swap,
            Disks = disks,
            Ips = ips,
            Tailnet = await tailnetTask,
            Wazuh = new WazuhVitals(services.Manager, services.Indexer, services.Dashboard),
            Suricata = new SuricataVitals(services.Suricata.Status, services.Suricata.Version, alerts24h),
            TheHive = services.TheHive,
            ConfigRevision = await configTask,
            AgentVersion = _options.AgentVersion ?? DefaultAgentVersion,
            Spool = status?.Spool is { } spool ? new SpoolVitals(spool.Records, spool.Bytes, spool.OldestAgeSeconds) : null,
            LastShipAt = status?.LastShipAt,
            CollectedAt = now,
        };
    }

    // ---- CPU ----

    private async Task<CpuVitals?> CollectCpuAsync(CancellationToken ct)
    {
        await Task.Yield();
        var (model, count) = Try(() => ProcParsers.CpuInfo(_probe.ReadFile("/proc/cpuinfo")), (null, null), "CPU model", ct);
        var load = Try(() => ProcParsers.LoadAverage(_probe.ReadFile("/proc/loadavg")), null, "load average", ct);
        double? usage = null;
        try
        {
            usage = await CpuUsageAsync(ct);
        }
        catch (Exception e) when (!IsCallerCancellation(e, ct))
        {
            _logger.LogDebug(e, "Cannot read {Part}", "CPU usage");
        }
        return model is null && count is null && load is null && usage is null
            ? null
            : new CpuVitals(model, count, load?.One, load?.Five, load?.Fifteen, usage);
    }

    private async Task<double?> CpuUsageAsync(CancellationToken ct)
    {
        var first = ProcParsers.CpuTimes(_probe.ReadFile("/proc/stat"));
        if (first is not { } sample)
        {
            return null;
        }
        var at = _time.GetUtcNow();
        (DateTimeOffset At, CpuTimes Times)? previous;
        lock (_cpuLock)
        {
            previous = _lastCpu;
        }
        double? usage = null;
        if (previous is { } p && at >= p.At && at - p.At <= _options.CpuSampleMaxAge)
        {
            usage = ProcParsers.UsagePercent(p.Times, sample);
        }
        if (usage is null)
        {
            await Task.Delay(_options.CpuSampleInterval, _time, ct);
            if (ProcParsers.CpuTimes(_probe.ReadFile("/proc/stat")) is { } second)
            {
                usage = ProcParsers.UsagePercent(sample, second);
                sample = second;
                at = _time.GetUtcNow();
            }
        }
        lock (_cpuLock)
        {
            _lastCpu = (at, sample);
        }
        return usage;
    }

    // ---- disks, addresses ----

    private List<DiskVitals> CollectDisks(CancellationToken ct)
    {
        var mounts = ProcParsers.Mounts(_probe.ReadFile("/proc/self/mounts") ?? _probe.ReadFile("/proc/mounts"));
        var disks = new List<DiskVitals>();
        foreach (var m in mounts.Take(32))
        {
            var space = Try(() => _probe.GetDiskSpace(m.MountPoint), null, "disk " + m.MountPoint, ct);
            if (space is { TotalBytes: > 0 } s)
            {
                disks.Add(new DiskVitals(m.MountPoint, s.TotalBytes, Math.Clamp(s.TotalBytes - s.FreeBytes, 0, s.TotalBytes)));
            }
        }
        return disks;
    }

    private List<string> CollectIps() =>
        _probe.GetInterfaceAddresses()
            .Where(a => a.IsUp && !a.IsLoopback && !IPAddress.IsLoopback(a.Address) && !a.Address.IsIPv6LinkLocal)
            .Select(a => a.Address)
            .Distinct()
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .Select(a => a.ToString())
            .Take(32)
            .ToList();

    // ---- services ----

    private sealed record Services(ServiceVitals Manager, ServiceVitals Indexer, ServiceVitals Dashboard, ServiceVitals Suricata, ServiceVitals TheHive);

    private sealed record ServiceSpec(string Key, string Unit, Func<bool> Installed, Func<CancellationToken, Task<string?>> Version);

    private async Task<Services> CollectServicesAsync(CancellationToken ct)
    {
        await Task.Yield();
        var home = _options.WazuhHome;
        ServiceSpec[] specs =
        [
            new("wazuh-manager", _options.WazuhManagerUnit, () => AnyExists(Path.Combine(home, "bin", "wazuh-control")), WazuhManagerVersionAsync),
            new("wazuh-indexer", _options.WazuhIndexerUnit, () => AnyExists("/usr/share/wazuh-indexer", "/etc/wazuh-indexer"),
                c => PackagedVersionAsync("/usr/share/wazuh-indexer", "wazuh-indexer", c)),
            new("wazuh-dashboard", _options.WazuhDashboardUnit, () => AnyExists("/usr/share/wazuh-dashboard", "/etc/wazuh-dashboard"),
                c => PackagedVersionAsync("/usr/share/wazuh-dashboard", "wazuh-dashboard", c)),
            new("suricata", _options.SuricataUnit, () => _probe.FindExecutable("suricata") is not null || AnyExists("/etc/suricata"), SuricataVersionAsync),
            new("thehive", _options.TheHiveUnit, () => AnyExists("/opt/thehive", "/etc/thehive"), c => PackageVersionAsync("thehive", c)),
        ];

        var installed = specs.Select(s => Try<bool?>(() => s.Installed(), null, s.Key + " installation", ct)).ToArray();
        var statuses = await UnitStatusesAsync(specs.Select(s => s.Unit).ToArray(), installed, ct);

        var versions = await Task.WhenAll(specs.Select((s, i) => statuses[i] == ServiceStatus.NotInstalled
            ? Task.FromResult<string?>(null)
            : CachedAsync("version:" + s.Key, s.Version, ct)));
        var results = statuses.Select((status, i) => new ServiceVitals(status, versions[i])).ToArray();
        return new Services(results[0], results[1], results[2], results[3], results[4]);
    }

    /// <summary>
    /// One <c>systemctl show</c> for every unit. Without systemd (no <c>/run/systemd/system</c>, no systemctl) the
    /// installation markers decide between <c>not_installed</c> and <c>unknown</c>; a failing systemctl on a systemd
    /// machine makes every status <c>unknown</c>.
    /// </summary>
    private async Task<string[]> UnitStatusesAsync(string[] units, bool?[] installed, CancellationToken ct)
    {
        // installed: null when the markers could not be checked.
        string[] ByMarkers() => installed.Select(i => i == false ? ServiceStatus.NotInstalled : ServiceStatus.Unknown).ToArray();
        string[] AllUnknown() => units.Select(_ => ServiceStatus.Unknown).ToArray();

        switch (Try<bool?>(() => _probe.Exists("/run/systemd/system"), null, "systemd", ct))
        {
            case null:
                return AllUnknown();
            case false:
                return ByMarkers();
        }
        CommandResult? result;
        try
        {
            string[] args = ["show", "--property=Id,LoadState,ActiveState,SubState", "--", .. units.Select(u => u.Contains('.', StringComparison.Ordinal) ? u : u + ".service")];
            result = await _probe.RunAsync("systemctl", args, _options.CommandTimeout, ct);
        }
        catch (Exception e) when (!IsCallerCancellation(e, ct))
        {
            _logger.LogDebug(e, "systemctl show failed");
            return AllUnknown();
        }
        if (result is null)
        {
            return ByMarkers();
        }
        var blocks = result.ExitCode == 0 ? ToolParsers.SystemctlShow(result.Stdout) : [];
        if (blocks.Count != units.Length)
        {
            _logger.LogDebug("systemctl show exited with {ExitCode} and {Blocks} block(s) for {Units} unit(s)", result.ExitCode, blocks.Count, units.Length);
            return AllUnknown();
        }
        return blocks.Select((b, i) => ToolParsers.UnitStatus(b) switch
        {
            null => ServiceStatus.Unknown,
            ServiceStatus.NotInstalled when installed[i] != false => ServiceStatus.Unknown,
            var s => s,
        }).ToArray();
    }

    private async Task<string?> WazuhManagerVersionAsync(CancellationToken ct)
    {
        var control = Path.Combine(_options.WazuhHome, "bin", "wazuh-control");
        // The installer writes VERSION="v4.x.y" into the script itself: reading it costs no process.
        return FirstOf(
                () => ToolParsers.WazuhControlScriptVersion(_probe.ReadFile(control)),
                () => ToolParsers.VersionFile(_probe.ReadFile(Path.Combine(_options.WazuhHome, "VERSION.json"))),
                () => ToolParsers.WazuhInfoVersion(_probe.ReadFile("/etc/ossec-init.conf")))
            ?? ToolParsers.WazuhInfoVersion(await RunStdoutAsync(control, ["info"], ct))
            ?? await PackageVersionAsync("wazuh-manager", ct);
    }

    private async Task<string?> PackagedVersionAsync(string home, string package, CancellationToken ct) =>
        FirstOf(
            () => ToolParsers.VersionFile(_probe.ReadFile(Path.Combine(home, "VERSION"))),
            () => ToolParsers.VersionFile(_probe.ReadFile(Path.Combine(home, "VERSION.json"))))
        ?? await PackageVersionAsync(package, ct);

    private async Task<string?> SuricataVersionAsync(CancellationToken ct) =>
        ToolParsers.SuricataVersion(await RunStdoutAsync("suricata", ["-V"], ct)) ?? await PackageVersionAsync("suricata", ct);

    /// <summary>The version of a Debian or RPM package; null elsewhere (NixOS).</summary>
    private async Task<string?> PackageVersionAsync(string package, CancellationToken ct)
    {
        if (Try(() => _probe.FindExecutable("dpkg-query"), null, "dpkg-query", ct) is not null)
        {
            return ToolParsers.PackageVersion(await RunStdoutAsync("dpkg-query", ["-W", "-f=${Version}", package], ct));
        }
        if (Try(() => _probe.FindExecutable("rpm"), null, "rpm", ct) is not null)
        {
            return ToolParsers.PackageVersion(await RunStdoutAsync("rpm", ["-q", "--qf", "%{VERSION}", package], ct));
        }
        return null;
    }

    // ---- tailnet, config revision ----

    /// <summary>Null when tailscale is not installed; all-null fields when it cannot be asked.</summary>
    private async Task<TailnetVitals?> CollectTailnetAsync(CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            if (_probe.FindExecutable("tailscale") is null)
            {
                return null;
            }
            var result = await _probe.RunAsync("tailscale", ["status", "--json", "--peers=false"], _options.CommandTimeout, ct);
            if (result is null)
            {
                return null;
            }
            // tailscaled not running: exit 1, nothing on stdout.
            return ToolParsers.Tailscale(result.Stdout) ?? new TailnetVitals(null, null, result.ExitCode == 0 ? null : false);
        }
        catch (Exception e) when (!IsCallerCancellation(e, ct))
        {
            _logger.LogDebug(e, "tailscale status failed");
            return new TailnetVitals(null, null, null);
        }
    }

    /// <summary>
    /// <c>/run/current-system/configuration-revision</c> (written by the SOCme NixOS module), else
    /// <c>nixos-version --json</c>'s <c>configurationRevision</c>; null off NixOS.
    /// </summary>
    private async Task<string?> CollectConfigRevisionAsync(CancellationToken ct)
    {
        await Task.Yield();
        var fromFile = Try(() => NonEmpty(_probe.ReadFile("/run/current-system/configuration-revision")), null, "configuration revision", ct);
        if (fromFile is not null)
        {
            return fromFile;
        }
        if (Try(() => _probe.FindExecutable("nixos-version"), null, "nixos-version", ct) is null)
        {
            return null;
        }
        return await CachedAsync("config-revision",
            async c => ToolParsers.NixosConfigurationRevision(await RunStdoutAsync("nixos-version", ["--json"], c)), ct);
    }

    // ---- helpers ----

    /// <summary>A command's stdout when it ran and exited 0; null otherwise (never throws, except the caller's cancellation).</summary>
    private async Task<string?> RunStdoutAsync(string file, string[] args, CancellationToken ct)
    {
        try
        {
            var result = await _probe.RunAsync(file, args, _options.CommandTimeout, ct);
            return result is { ExitCode: 0 } ? result.Stdout : null;
        }
        catch (Exception e) when (!IsCallerCancellation(e, ct))
        {
            _logger.LogDebug(e, "{Command} failed", file);
            return null;
        }
    }

    private async Task<string?> CachedAsync(string key, Func<CancellationToken, Task<string?>> load, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && now >= hit.At && now - hit.At < _options.VersionCacheDuration)
        {
            return hit.Value;
        }
        string? value = null;
        try
        {
            value = await load(ct);
        }
        catch (Exception e) when (!IsCallerCancellation(e, ct))
        {
            _logger.LogDebug(e, "Cannot read {Part}", key);
        }
        _cache[key] = (now, value);
        return value;
    }

    private string? FirstOf(params Func<string?>[] sources)
    {
        foreach (var source in sources)
        {
            try
            {
                if (source() is { } value)
                {
                    return value;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogDebug(e, "A version source is unreadable");
            }
        }
        return null;
    }

    private bool AnyExists(params string[] paths) => paths.Any(_probe.Exists);

    private T Try<T>(Func<T> read, T fallback, string part, CancellationToken ct)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (!IsCallerCancellation(e, ct))
        {
            _logger.LogDebug(e, "Cannot read {Part}", part);
            return fallback;
        }
    }

    private static bool IsCallerCancellation(Exception e, CancellationToken ct) => e is OperationCanceledException && ct.IsCancellationRequested;

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string ReadAgentVersion()
    {
        var version = typeof(VitalsCollector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(version))
        {
            return typeof(VitalsCollector).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        }
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 && version.Length - plus - 1 > 7 ? version[..(plus + 8)] : version;
    }
}
