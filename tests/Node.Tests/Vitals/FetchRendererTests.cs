using System.Text.RegularExpressions;
using Socme.Client;
using Socme.Node.Vitals;

namespace Socme.Node.Tests.Vitals;

public sealed partial class FetchRendererTests
{
    private static readonly string[] Labels =
    [
        "Host", "OS", "Kernel", "Uptime", "CPU", "Load", "Memory", "Swap", "Disk (/)", "IPs", "Tailnet", "Wazuh manager",
        "Wazuh indexer", "Wazuh dashboard", "Suricata", "Alerts 24h", "TheHive", "Config rev", "Agent", "Spool", "Last ship",
    ];

    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static NodeVitals Sensor() => new()
    {
        Hostname = "sensor-1",
        Os = "NixOS 24.11 (Vicuna)",
        Kernel = "6.6.63",
        UptimeSeconds = 3 * 86_400 + 4 * 3600 + 125,
        Cpu = new CpuVitals("AMD EPYC 9B14 96-Core Processor", 2, 0.52, 0.48, 0.4, 12.5),
        Memory = new UsageVitals(8L << 30, 3L << 30),
        Swap = new UsageVitals(0, 0),
        Disks = [new DiskVitals("/", 100L << 30, 40L << 30), new DiskVitals("/var/lib", 500L << 30, 475L << 30)],
        Ips = ["192.0.2.2", "fd00::2"],
        Tailnet = new TailnetVitals("sensor-1.acme.socme.internal", "100.64.0.5", true),
        Wazuh = new WazuhVitals(new ServiceVitals("running", "4.14.7"), new ServiceVitals("stopped", "4.14.7"), new ServiceVitals("unknown", null)),
        Suricata = new SuricataVitals("running", "7.0.8", 1234),
        TheHive = new ServiceVitals("not_installed", null),
        ConfigRevision = "3f2c1e9a8b7d",
        AgentVersion = "0.1.0+7e259af",
        Spool = new SpoolVitals(3, 2048, 95),
        LastShipAt = Now.AddSeconds(-12),
        CollectedAt = Now,
    };

    private static string Render(NodeVitals v, bool color)
    {
        using var w = new StringWriter();
        FetchRenderer.Render(v, w, color);
        return w.ToString();
    }

    [Fact]
    public void Render_EveryValueStartsInTheSameColumn()
    {
        var lines = Render(Sensor(), color: false).Split('\n');

        var labelColumns = new List<int>();
        var valueColumns = new List<int>();
        foreach (var label in Labels.Append("Disk (/var/lib)"))
        {
            var line = Assert.Single(lines, l => Regex.IsMatch(l, $@"\s{Regex.Escape(label)}\s\s"));
            var at = line.IndexOf("   " + label + "  ", StringComparison.Ordinal) + 3;
            labelColumns.Add(at);
            valueColumns.Add(at + label.Length + line[(at + label.Length)..].TakeWhile(c => c == ' ').Count());
        }
        Assert.Single(labelColumns.Distinct());
        Assert.Single(valueColumns.Distinct());
    }

    [Fact]
    public void Render_NoColor_HasNoEscapes_AndHumanUnits()
    {
        var text = Render(Sensor(), color: false);

        Assert.DoesNotContain('\u001b', text);
        Assert.Contains("Uptime           3 days, 4 h", text);
        Assert.Contains("3.00 GiB / 8.00 GiB (38%) [####------]", text);
        Assert.Contains("475 GiB / 500 GiB (95%) [##########]", text);
        Assert.Contains("Swap             none", text);
        Assert.Contains("AMD EPYC 9B14 96-Core Processor (2), 12.5% used", text);
        Assert.Contains("sensor-1.acme.socme.internal (100.64.0.5), online", text);
        Assert.Contains("Wazuh manager    running, 4.14.7", text);
        Assert.Contains("Alerts 24h       1,234", text);
        Assert.Contains("TheHive          not installed", text);
        Assert.Contains("Spool            3 alerts, 2.00 KiB, oldest 1 min", text);
        Assert.Contains("Last ship        2026-11-22 09:59:48Z (12 s ago)", text);
        Assert.Contains("SOCme", text);
    }

    [Fact]
    public void Render_Color_HasEscapes_AndTheSameTextOnceStripped()
    {
        var colored = Render(Sensor(), color: true);

        Assert.Contains("\u001b[32mrunning, 4.14.7\u001b[0m", colored);
        Assert.Contains("\u001b[31mstopped, 4.14.7\u001b[0m", colored);
        var stripped = string.Join('\n', Ansi().Replace(colored, "").Split('\n').Select(l => l.TrimEnd()));
        Assert.StartsWith(Render(Sensor(), color: false).TrimEnd(), stripped, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EmptyVitals_SaysUnknownOrNotInstalled_NeverThrows()
    {
        var text = Render(new NodeVitals(), color: false);

        foreach (var label in Labels)
        {
            Assert.Contains(label, text, StringComparison.Ordinal);
        }
        Assert.Contains("Tailnet          not installed", text);
        Assert.Contains("Spool            unknown", text);
        Assert.DoesNotContain("error", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Render_NothingInstalled_ShowsNotInstalled()
    {
        var none = new ServiceVitals("not_installed", null);
        var text = Render(new NodeVitals
        {
            Wazuh = new WazuhVitals(none, none, none),
            Suricata = new SuricataVitals("not_installed", null, null),
            TheHive = none,
        }, color: false);

        Assert.Equal(7, Regex.Count(text, "not installed")); // 3 Wazuh, Suricata, its alerts, TheHive, the tailnet
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.50 KiB")]
    [InlineData(25_276_026_880, "23.5 GiB")]
    [InlineData(536_870_912_000, "500 GiB")]
    [InlineData(3L << 40, "3.00 TiB")]
    public void Bytes(long bytes, string expected) => Assert.Equal(expected, FetchRenderer.Bytes(bytes));

    [Theory]
    [InlineData(45, "45 s")]
    [InlineData(125, "2 min")]
    [InlineData(4 * 3600 + 720, "4 h, 12 min")]
    [InlineData(3600, "1 h")]
    [InlineData(86_400 + 60, "1 day")]
    [InlineData(277_512, "3 days, 5 h")]
    public void Duration(long seconds, string expected) => Assert.Equal(expected, FetchRenderer.Duration(TimeSpan.FromSeconds(seconds)));

    [GeneratedRegex(@"\u001b\[[0-9;]*m")]
    private static partial Regex Ansi();
}
