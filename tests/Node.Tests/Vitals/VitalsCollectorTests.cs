using Socme.Client;
using Socme.Node.Vitals;

namespace Socme.Node.Tests.Vitals;

public sealed class VitalsCollectorTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static readonly string[] Units = ["wazuh-manager", "wazuh-indexer", "wazuh-dashboard", "suricata", "thehive"];

    private readonly string _dataDir = Directory.CreateTempSubdirectory("socme-vitals-").FullName;
    private readonly ManualTimeProvider _time = new(T0);

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private VitalsCollector Collector(ISystemProbe probe, Action<VitalsOptions>? configure = null)
    {
        var options = SensorNode.Options(_dataDir);
        configure?.Invoke(options);
        return new VitalsCollector(options, probe, _time);
    }

    [Fact]
    public async Task CollectAsync_RealisticNode_FillsEveryField()
    {
        SensorNode.WriteStatus(_dataDir, T0.AddSeconds(-1), suricataAlertsSpooled: 40);

        var v = await Collector(SensorNode.Create()).CollectAsync(CancellationToken.None);

        Assert.Equal("sensor-1", v.Hostname);
        Assert.Equal("NixOS 24.11 (Vicuna)", v.Os);
        Assert.Equal("6.6.63", v.Kernel);
        Assert.Equal(277_512, v.UptimeSeconds);
        Assert.Equal(new CpuVitals("AMD EPYC 9B14 96-Core Processor", 2, 0.52, 0.48, 0.40, 40.0), v.Cpu);
        Assert.Equal(new UsageVitals(24_683_620L * 1024, (24_683_620L - 22_893_860L) * 1024), v.Memory);
        Assert.Equal(new UsageVitals(2_097_148L * 1024, 262_144L * 1024), v.Swap);
        Assert.Equal(
            [
                new DiskVitals("/", 100 * SensorNode.GiB, 40 * SensorNode.GiB),
                new DiskVitals("/boot", 512L * 1024 * 1024, 112L * 1024 * 1024),
                new DiskVitals("/var/lib/wazuh indexer", 500 * SensorNode.GiB, 100 * SensorNode.GiB),
            ],
            v.Disks);
        Assert.Equal(["192.0.2.2", "100.64.0.5", "fd00::2", "fd7a:115c:a1e0::5"], v.Ips);
        Assert.Equal(new TailnetVitals("sensor-1.acme.socme.internal", "100.64.0.5", true), v.Tailnet);
        Assert.Equal(new ServiceVitals("running", "4.14.7"), v.Wazuh!.Manager);
        Assert.Equal(new ServiceVitals("running", "4.14.7"), v.Wazuh.Indexer);
        Assert.Equal(new ServiceVitals("stopped", "4.14.7"), v.Wazuh.Dashboard);
        // The first sight of the counters is the baseline of the 24 h window.
        Assert.Equal(new SuricataVitals("running", "7.0.8", 0), v.Suricata);
        Assert.Equal(new ServiceVitals("not_installed", null), v.TheHive);
        Assert.Equal(SensorNode.ConfigRevision, v.ConfigRevision);
        Assert.Equal("0.1.0+7e259af", v.AgentVersion);
        Assert.Equal(new SpoolVitals(12, 34_816, 3.5), v.Spool);
        Assert.Equal(T0.AddSeconds(-3), v.LastShipAt);
        Assert.Equal(T0, v.CollectedAt);
    }

    [Fact]
    public async Task CollectAsync_NextHeartbeat_UsesThePreviousCpuSample_AndCountsNewAlerts()
    {
        var probe = SensorNode.Create();
        var collector = Collector(probe);
        SensorNode.WriteStatus(_dataDir, T0, suricataAlertsSpooled: 40);
        await collector.CollectAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(30));
        SensorNode.WriteStatus(_dataDir, _time.GetUtcNow(), suricataAlertsSpooled: 45);
        var v = await collector.CollectAsync(CancellationToken.None);

        Assert.Equal(25.0, v.Cpu!.UsagePercent);
        Assert.Equal(5, v.Suricata!.Alerts24h);
    }

    [Fact]
    public async Task CollectAsync_Versions_AreReadOncePerCachePeriod()
    {
        var probe = SensorNode.Create();
        var collector = Collector(probe);

        await collector.CollectAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(30));
        await collector.CollectAsync(CancellationToken.None);
        Assert.Single(probe.Ran, "suricata -V");
        Assert.Single(probe.Ran, "nixos-version --json");
        Assert.Equal(2, probe.Ran.Count(c => c == SensorNode.SystemctlShow));

        _time.Advance(TimeSpan.FromMinutes(10));
        await collector.CollectAsync(CancellationToken.None);
        Assert.Equal(2, probe.Ran.Count(c => c == "suricata -V"));
    }

    [Fact]
    public async Task CollectAsync_NothingInstalled_EveryServiceNotInstalled_TailnetNull()
    {
        var probe = SensorNode.BareMachine();
        probe.Paths.Add("/run/systemd/system");
        probe.Executable("systemctl", "/usr/bin/systemctl").Command(SensorNode.SystemctlShow, 0, string.Concat(
            Units.Select(u => $"Id={u}.service\nLoadState=not-found\nActiveState=inactive\nSubState=dead\n\n")));

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        var notInstalled = new ServiceVitals("not_installed", null);
        Assert.Equal(new WazuhVitals(notInstalled, notInstalled, notInstalled), v.Wazuh);
        Assert.Equal(new SuricataVitals("not_installed", null, null), v.Suricata);
        Assert.Equal(notInstalled, v.TheHive);
        Assert.Null(v.Tailnet);
        Assert.Null(v.ConfigRevision);
        Assert.Null(v.Spool);
        Assert.Null(v.LastShipAt);
        Assert.Equal("sensor-1", v.Hostname);
    }

    [Fact]
    public async Task CollectAsync_NoSystemd_DecidesByWhatIsOnDisk()
    {
        var probe = SensorNode.BareMachine();
        probe.File("/var/ossec/bin/wazuh-control", "VERSION=\"v4.14.7\"\n");

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        Assert.Equal(new ServiceVitals("unknown", "4.14.7"), v.Wazuh!.Manager);
        Assert.Equal(new ServiceVitals("not_installed", null), v.Wazuh.Indexer);
        Assert.Equal("not_installed", v.Suricata!.Status);
    }

    [Fact]
    public async Task CollectAsync_SystemctlTimesOut_EveryServiceUnknown()
    {
        var probe = SensorNode.Create().Command(SensorNode.SystemctlShow, () => throw new TimeoutException("systemctl did not finish within 2 s."));

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        Assert.Equal(["unknown", "unknown", "unknown", "unknown", "unknown"],
            new[] { v.Wazuh!.Manager!.Status, v.Wazuh.Indexer!.Status, v.Wazuh.Dashboard!.Status, v.Suricata!.Status, v.TheHive!.Status });
        // The versions still come from their own sources.
        Assert.Equal("4.14.7", v.Wazuh.Manager.Version);
        Assert.Equal("7.0.8", v.Suricata.Version);
    }

    [Fact]
    public async Task CollectAsync_SystemctlFails_EveryServiceUnknown()
    {
        var probe = SensorNode.Create().Command(SensorNode.SystemctlShow, 1, "");

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        Assert.Equal("unknown", v.Wazuh!.Manager!.Status);
        Assert.Equal("unknown", v.TheHive!.Status);
    }

    [Fact]
    public async Task CollectAsync_VersionSourcesFail_StatusKept_VersionNull()
    {
        var probe = SensorNode.Create()
            .Command("suricata -V", () => throw new TimeoutException("suricata -V did not finish within 2 s."));
        probe.Unreadable.Add("/var/ossec/bin/wazuh-control");
        probe.Unreadable.Add("/usr/share/wazuh-indexer/VERSION");

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        Assert.Equal(new ServiceVitals("running", null), v.Wazuh!.Manager);
        Assert.Equal(new ServiceVitals("running", null), v.Wazuh.Indexer);
        Assert.Equal(new SuricataVitals("running", null, null), v.Suricata);
    }

    [Fact]
    public async Task CollectAsync_UnreadableControlScript_AsksWazuhControlInfo()
    {
        var probe = SensorNode.Create()
            .Command("/var/ossec/bin/wazuh-control info", 0, "WAZUH_VERSION=\"v4.14.7\"\nWAZUH_REVISION=\"41470\"\nWAZUH_TYPE=\"server\"\n");
        probe.Unreadable.Add("/var/ossec/bin/wazuh-control");

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        Assert.Equal(new ServiceVitals("running", "4.14.7"), v.Wazuh!.Manager);
    }

    [Fact]
    public async Task CollectAsync_TailscaleTimesOut_TailnetUnknown()
    {
        var probe = SensorNode.Create().Command("tailscale status --json --peers=false", () => throw new TimeoutException("tailscale"));

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        Assert.Equal(new TailnetVitals(null, null, null), v.Tailnet);
    }

    [Fact]
    public async Task CollectAsync_TailscaledNotRunning_TailnetOffline()
    {
        var probe = SensorNode.Create().Command("tailscale status --json --peers=false", 1, "");

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        Assert.Equal(new TailnetVitals(null, null, false), v.Tailnet);
    }

    [Fact]
    public async Task CollectAsync_ConfigRevisionFile_WinsOverNixosVersion()
    {
        var probe = SensorNode.Create().File("/run/current-system/configuration-revision", "deadbeef\n");

        var v = await Collector(probe).CollectAsync(CancellationToken.None);

        Assert.Equal("deadbeef", v.ConfigRevision);
        Assert.DoesNotContain("nixos-version --json", probe.Ran);
    }

    [Fact]
    public async Task CollectAsync_StatusMissing_SpoolAndLastShipNull()
    {
        var v = await Collector(SensorNode.Create()).CollectAsync(CancellationToken.None);

        Assert.Null(v.Spool);
        Assert.Null(v.LastShipAt);
        Assert.Null(v.Suricata!.Alerts24h);
    }

    [Fact]
    public async Task CollectAsync_StatusCorrupt_SpoolNull_NoException()
    {
        File.WriteAllText(Path.Combine(_dataDir, "status.json"), "{\"writtenAt\": \"2026-11-22T09:59:59Z\", \"spool\": {\"rec");

        var v = await Collector(SensorNode.Create()).CollectAsync(CancellationToken.None);

        Assert.Null(v.Spool);
        Assert.Equal("running", v.Suricata!.Status);
    }

    [Fact]
    public async Task CollectAsync_DataDirMissing_NoException()
    {
        var v = await Collector(SensorNode.Create(), o => o.DataDir = Path.Combine(_dataDir, "absent")).CollectAsync(CancellationToken.None);

        Assert.Null(v.Spool);
        Assert.Equal("sensor-1", v.Hostname);
    }

    [Fact]
    public async Task CollectAsync_EveryProbeCallThrows_ReturnsWhatItCan()
    {
        var v = await Collector(new ThrowingProbe()).CollectAsync(CancellationToken.None);

        Assert.Null(v.Hostname);
        Assert.Null(v.Cpu);
        Assert.Null(v.Memory);
        Assert.Null(v.Disks);
        Assert.Null(v.Ips);
        Assert.Equal(new TailnetVitals(null, null, null), v.Tailnet);
        Assert.Equal("unknown", v.Wazuh!.Manager!.Status);
        Assert.Equal("unknown", v.Suricata!.Status);
        Assert.Equal("0.1.0+7e259af", v.AgentVersion);
        Assert.Equal(T0, v.CollectedAt);
    }

    [Fact]
    public async Task CollectAsync_CallerCancels_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var collector = Collector(SensorNode.Create(), o => o.CpuSampleInterval = TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collector.CollectAsync(cts.Token));
    }

    [Fact]
    public void DefaultAgentVersion_IsTheAssemblyVersion_WithAShortCommit()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9a-f]{1,7})?$", VitalsCollector.DefaultAgentVersion);
    }

    /// <summary>A machine where every question fails: permission denied, I/O errors.</summary>
    private sealed class ThrowingProbe : ISystemProbe
    {
        public string? ReadFile(string path) => throw new IOException("I/O error");
        public bool Exists(string path) => throw new UnauthorizedAccessException();
        public string? FindExecutable(string name) => throw new UnauthorizedAccessException();
        public Task<CommandResult?> RunAsync(string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct) => throw new InvalidOperationException("fork failed");
        public DiskSpace? GetDiskSpace(string mountPoint) => throw new IOException();
        public IReadOnlyList<InterfaceAddress> GetInterfaceAddresses() => throw new System.Net.NetworkInformation.NetworkInformationException();
    }
}
