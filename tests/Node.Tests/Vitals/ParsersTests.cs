using Socme.Client;
using Socme.Node.Vitals;

namespace Socme.Node.Tests.Vitals;

public sealed class ParsersTests
{
    [Fact]
    public void Mounts_SkipsPseudoFileSystems_AndBindMountsOfTheSameDevice()
    {
        var mounts = ProcParsers.Mounts(SensorNode.Mounts);

        Assert.Equal(
            [
                new MountEntry("/dev/vda", "/", "ext4"),
                new MountEntry("/dev/vda1", "/boot", "vfat"),
                new MountEntry("/dev/vdb", "/var/lib/wazuh indexer", "xfs"),
            ],
            mounts);
    }

    [Fact]
    public void Mounts_ContainerOverlayRoot_IsKept() =>
        Assert.Equal([new MountEntry("overlay", "/", "overlay")],
            ProcParsers.Mounts("overlay / overlay rw,relatime,lowerdir=/a,upperdir=/b,workdir=/c 0 0\noverlay /var/lib/docker/overlay2/x/merged overlay rw 0 0\n"));

    [Fact]
    public void Memory_OldKernelWithoutMemAvailable_UsesFreeBuffersCached()
    {
        var (memory, swap) = ProcParsers.Memory("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n");

        Assert.Equal(new UsageVitals(1000 * 1024, 600 * 1024), memory);
        Assert.Equal(new UsageVitals(0, 0), swap);
    }

    [Fact]
    public void CpuInfo_RaspberryPi_NamesTheBoard()
    {
        const string pi = "processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n\n"
            + "processor\t: 1\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\n"
            + "Revision\t: c03114\nSerial\t\t: 10000000a1b2c3d4\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n";

        Assert.Equal(("Raspberry Pi 4 Model B Rev 1.4", 2), ProcParsers.CpuInfo(pi));
    }

    [Fact]
    public void CpuTimes_AndUsage()
    {
        var a = ProcParsers.CpuTimes(SensorNode.Stat1)!.Value;
        var b = ProcParsers.CpuTimes(SensorNode.Stat2)!.Value;

        Assert.Equal(new CpuTimes(398_473, 974_500), a);
        Assert.Equal(40.0, ProcParsers.UsagePercent(a, b));
        Assert.Null(ProcParsers.UsagePercent(a, a));
    }

    [Theory]
    [InlineData("NAME=\"Debian GNU/Linux\"\nVERSION=\"12 (bookworm)\"\nID=debian\n", "Debian GNU/Linux 12 (bookworm)")]
    [InlineData("PRETTY_NAME='Ubuntu 24.04.1 LTS'\nNAME=Ubuntu\n", "Ubuntu 24.04.1 LTS")]
    [InlineData("ID=alpine\n", null)]
    public void OsName(string osRelease, string? expected) => Assert.Equal(expected, ProcParsers.OsName(osRelease));

    [Theory]
    [InlineData("4.14.7\n", "4.14.7")]
    [InlineData("{\"version\": \"5.0.0\", \"stage\": \"alpha0\"}", "5.0.0")]
    [InlineData("v4.9.2", "4.9.2")]
    [InlineData("<html>not found</html>", null)]
    [InlineData("", null)]
    public void VersionFile(string text, string? expected) => Assert.Equal(expected, ToolParsers.VersionFile(text));

    [Theory]
    [InlineData("1:4.14.7-1", "4.14.7")]
    [InlineData("7.0.8-1.el9", "7.0.8")]
    [InlineData("5.4.6", "5.4.6")]
    [InlineData("dpkg-query: no packages found matching thehive", null)]
    public void PackageVersion(string text, string? expected) => Assert.Equal(expected, ToolParsers.PackageVersion(text));

    [Fact]
    public void SuricataVersion() => Assert.Equal("7.0.8", ToolParsers.SuricataVersion("This is Suricata version 7.0.8 RELEASE\n"));

    [Fact]
    public void Tailscale_LoggedOut_IsOffline()
    {
        const string json = """
            {"Version":"1.76.6","BackendState":"NeedsLogin","AuthURL":"","TailscaleIPs":null,
             "Self":{"ID":"","HostName":"sensor-1","DNSName":"","OS":"linux","TailscaleIPs":null,"Online":false}}
            """;

        Assert.Equal(new TailnetVitals(null, null, false), ToolParsers.Tailscale(json));
    }

    [Fact]
    public void Tailscale_Garbage_IsNull() => Assert.Null(ToolParsers.Tailscale("failed to connect to local tailscaled; it doesn't appear to be running"));

    [Fact]
    public void SystemctlShow_UnitStatuses()
    {
        var blocks = ToolParsers.SystemctlShow("Id=a.service\nLoadState=loaded\nActiveState=activating\nSubState=auto-restart\n\nId=b.service\nLoadState=masked\nActiveState=inactive\n\nId=c.service\nLoadState=loaded\nActiveState=reloading\n");

        Assert.Equal(["stopped", "stopped", "running"], blocks.Select(ToolParsers.UnitStatus));
    }
}
