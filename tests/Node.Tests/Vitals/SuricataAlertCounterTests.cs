using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Socme.Node.Status;
using Socme.Node.Vitals;

namespace Socme.Node.Tests.Vitals;

public sealed class SuricataAlertCounterTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("socme-alerts24h-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SuricataAlertCounter Counter(Action<VitalsOptions>? configure = null)
    {
        var options = new VitalsOptions { DataDir = _dir };
        configure?.Invoke(options);
        return new SuricataAlertCounter(options, NullLogger.Instance);
    }

    private static AgentStatusSnapshot Status(DateTimeOffset at, params (string Id, long Spooled)[] suricata) => new(
        at,
        suricata.Select(s => new SourceStatus(s.Id, "suricata", "/var/log/suricata/eve.json", null, null, 0, s.Spooled, s.Spooled, 0, 0, 0))
            .Append(new SourceStatus("wazuh", "wazuh", "/var/ossec/logs/alerts/alerts.json", null, null, 0, 999, 999, 0, 0, 0))
            .ToList(),
        new SpoolStatus(0, 0, null, 1 << 30, false),
        null, null, null, null, false, null);

    [Fact]
    public void Count_FromCounters_CountsOnlyTheLast24Hours()
    {
        var counter = Counter();

        Assert.Equal(0, counter.Count(Status(T0, ("eve", 100)), T0));
        Assert.Equal(30, counter.Count(Status(T0, ("eve", 130)), T0.AddHours(1)));
        Assert.Equal(50, counter.Count(Status(T0, ("eve", 150)), T0.AddHours(12)));
        // 25 h after the start: the first hour's 30 alerts have left the window.
        Assert.Equal(20, counter.Count(Status(T0, ("eve", 150)), T0.AddHours(25)));
        Assert.Equal(0, counter.Count(Status(T0, ("eve", 150)), T0.AddHours(37)));
    }

    [Fact]
    public void Count_AgentRestarted_CounterWentDown_CountsItsNewValue()
    {
        var counter = Counter();
        counter.Count(Status(T0, ("eve", 500)), T0);
        counter.Count(Status(T0, ("eve", 520)), T0.AddMinutes(10));

        var n = counter.Count(Status(T0, ("eve", 7)), T0.AddMinutes(20));

        Assert.Equal(27, n);
    }

    [Fact]
    public void Count_SeveralSuricataSources_AddsThemUp_AndANewSourceStartsAsABaseline()
    {
        var counter = Counter();
        counter.Count(Status(T0, ("eve0", 10), ("eve1", 20)), T0);

        Assert.Equal(8, counter.Count(Status(T0, ("eve0", 13), ("eve1", 25)), T0.AddMinutes(5)));
        Assert.Equal(9, counter.Count(Status(T0, ("eve0", 14), ("eve1", 25), ("eve2", 1000)), T0.AddMinutes(10)));
    }

    [Fact]
    public void Count_HistorySurvivesANewProcess()
    {
        Counter().Count(Status(T0, ("eve", 100)), T0);

        Assert.Equal(40, Counter().Count(Status(T0, ("eve", 140)), T0.AddMinutes(30)));
    }

    [Fact]
    public void Count_CorruptHistory_StartsAgain()
    {
        File.WriteAllText(Path.Combine(_dir, SuricataAlertCounter.HistoryFileName), "{\"total\": 12, \"samp");

        Assert.Equal(0, Counter().Count(Status(T0, ("eve", 100)), T0));
        Assert.Equal(5, Counter().Count(Status(T0, ("eve", 105)), T0.AddMinutes(1)));
    }

    [Fact]
    public void Count_NoStatusAndNoEvePaths_IsNull() => Assert.Null(Counter().Count(null, T0));

    [Fact]
    public void Count_NoStatus_CountsAlertsInTheEveFile()
    {
        var eve = Path.Combine(_dir, "eve.json");
        WriteEve(eve,
            (T0.AddHours(-30), "alert"),
            (T0.AddHours(-25), "alert"),
            (T0.AddHours(-23), "flow"),
            (T0.AddHours(-23), "alert"),
            (T0.AddHours(-2), "dns"),
            (T0.AddHours(-1), "alert"),
            (T0.AddMinutes(-1), "alert"));
        // A line still being written is not counted.
        File.AppendAllText(eve, "{\"timestamp\":\"" + Ts(T0) + "\",\"event_type\":\"alert\",\"src_ip\":\"10.0");

        var n = Counter(o => o.SuricataEvePaths = [eve]).Count(null, T0);

        Assert.Equal(3, n);
    }

    [Fact]
    public void CountInEve_ReadsTheRotatedFileToo_AndSpacedJson()
    {
        var eve = Path.Combine(_dir, "eve.json");
        WriteEve(eve + ".1", (T0.AddHours(-26), "alert"), (T0.AddHours(-20), "alert"));
        File.WriteAllText(eve, "{\"timestamp\": \"" + Ts(T0.AddHours(-3)) + "\", \"event_type\": \"alert\"}\n");

        Assert.Equal(2, SuricataAlertCounter.CountInEve(eve, T0.AddHours(-24), 1 << 20));
    }

    [Fact]
    public void CountInEve_BudgetEndsBeforeTheWindow_IsNull()
    {
        var eve = Path.Combine(_dir, "eve.json");
        var lines = Enumerable.Range(0, 3000).Select(i => (T0.AddSeconds(-i), i % 3 == 0 ? "alert" : "flow")).Reverse().ToArray();
        WriteEve(eve, lines);

        Assert.Null(SuricataAlertCounter.CountInEve(eve, T0.AddHours(-24), 64 * 1024));
        Assert.Equal(1000, SuricataAlertCounter.CountInEve(eve, T0.AddHours(-24), 64L * 1024 * 1024));
    }

    [Fact]
    public void CountInEve_LongerThanAChunk_StillCountsEveryLine()
    {
        var eve = Path.Combine(_dir, "eve.json");
        var padding = new string('x', 300_000);
        using (var w = new StreamWriter(eve, false, new UTF8Encoding(false)))
        {
            for (var i = 10; i > 0; i--)
            {
                w.Write("{\"timestamp\":\"" + Ts(T0.AddMinutes(-i)) + "\",\"event_type\":\"alert\",\"payload_printable\":\"" + padding + "\"}\n");
            }
        }

        Assert.Equal(10, SuricataAlertCounter.CountInEve(eve, T0.AddHours(-24), 64L * 1024 * 1024));
    }

    [Fact]
    public void CountInEve_MissingFile_IsNull() => Assert.Null(SuricataAlertCounter.CountInEve(Path.Combine(_dir, "none.json"), T0, 1024));

    [Theory]
    [InlineData("2024-04-17T19:36:46.152278+0000", "2024-04-17T19:36:46.1522780+00:00")]
    [InlineData("2024-04-17T21:36:46.152278+0200", "2024-04-17T19:36:46.1522780+00:00")]
    [InlineData("2024-04-17T19:36:46.152278", "2024-04-17T19:36:46.1522780+00:00")]
    public void TryParseTimestamp_SuricataForms(string text, string expected)
    {
        Assert.True(SuricataAlertCounter.TryParseTimestamp(Encoding.ASCII.GetBytes(text), out var t));
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), t);
    }

    private static string Ts(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'", CultureInfo.InvariantCulture);

    /// <summary>Lines shaped like Suricata's (timestamp first, compact JSON).</summary>
    private static void WriteEve(string path, params (DateTimeOffset At, string Type)[] lines)
    {
        var sb = new StringBuilder();
        foreach (var (at, type) in lines)
        {
            sb.Append("{\"timestamp\":\"").Append(Ts(at)).Append("\",\"flow_id\":1779933231472895,\"in_iface\":\"eth1\",\"event_type\":\"")
                .Append(type).Append("\",\"src_ip\":\"10.4.17.101\",\"src_port\":60443,\"dest_ip\":\"10.4.17.1\",\"dest_port\":53,\"proto\":\"UDP\"")
                .Append(type == "alert" ? ",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":2002752,\"rev\":4,\"signature\":\"ET POLICY Reserved Internal IP Traffic\",\"category\":\"Potentially Bad Traffic\",\"severity\":2}" : ",\"alerted\":true")
                .Append("}\n");
        }
        File.WriteAllText(path, sb.ToString());
    }
}
