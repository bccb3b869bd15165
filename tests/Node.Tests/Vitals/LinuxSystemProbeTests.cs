using System.Diagnostics;
using Socme.Node.Vitals;
using Xunit.Abstractions;

namespace Socme.Node.Tests.Vitals;

/// <summary>The real probe on this machine (a Debian VM without systemd, Wazuh, Suricata or tailscale).</summary>
public sealed class LinuxSystemProbeTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Statuses = ["running", "stopped", "not_installed", "unknown"];

    private readonly string _dataDir = Directory.CreateTempSubdirectory("socme-vitals-real-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task CollectAsync_ThisMachine_ReadsTheRealVitals()
    {
        var collector = new VitalsCollector(new VitalsOptions { DataDir = _dataDir }, new LinuxSystemProbe(), TimeProvider.System);

        var v = await collector.CollectAsync(CancellationToken.None);

        Assert.Equal(Environment.MachineName, v.Hostname, ignoreCase: true);
        Assert.False(string.IsNullOrWhiteSpace(v.Kernel));
        Assert.False(string.IsNullOrWhiteSpace(v.Os));
        Assert.True(v.UptimeSeconds > 0);
        Assert.True(v.Memory!.TotalBytes > 0);
        Assert.InRange(v.Memory.UsedBytes, 0, v.Memory.TotalBytes);
        Assert.True(v.Cpu!.Cores > 0);
        Assert.InRange(v.Cpu.UsagePercent!.Value, 0, 100);
        Assert.Contains(v.Disks!, d => d.Mount == "/" && d.TotalBytes > 0);
        Assert.DoesNotContain("127.0.0.1", v.Ips!);
        Assert.Equal(VitalsCollector.DefaultAgentVersion, v.AgentVersion);
        Assert.All(new[] { v.Wazuh!.Manager!, v.Wazuh.Indexer!, v.Wazuh.Dashboard!, v.TheHive! }, s => Assert.Contains(s.Status, Statuses));
        Assert.Contains(v.Suricata!.Status, Statuses);
        if (!Directory.Exists("/run/systemd/system") && !Directory.Exists("/var/ossec") && !Directory.Exists("/etc/suricata"))
        {
            Assert.Equal("not_installed", v.Wazuh.Manager!.Status);
            Assert.Equal("not_installed", v.Suricata.Status);
        }
        if (new LinuxSystemProbe().FindExecutable("tailscale") is null)
        {
            Assert.Null(v.Tailnet);
        }

        using var w = new StringWriter();
        FetchRenderer.Render(v, w, color: false);
        output.WriteLine(w.ToString());
    }

    [Fact]
    public void ReadFile_Missing_IsNull_ProcFile_IsRead()
    {
        var probe = new LinuxSystemProbe();

        Assert.Null(probe.ReadFile("/nonexistent/socme/file"));
        Assert.StartsWith("cpu ", probe.ReadFile("/proc/stat"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingProgram_IsNull()
    {
        Assert.Null(await new LinuxSystemProbe().RunAsync("socme-no-such-tool", [], TimeSpan.FromSeconds(2), CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_ReturnsExitCodeAndStdout_NotStderr()
    {
        var result = await new LinuxSystemProbe().RunAsync("sh", ["-c", "echo out; echo err >&2; exit 3"], TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(new CommandResult(3, "out\n"), result);
    }

    [Fact]
    public async Task RunAsync_TooSlow_IsKilled_AndTimesOut()
    {
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(() =>
            new LinuxSystemProbe().RunAsync("sh", ["-c", "sleep 30"], TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }
}
