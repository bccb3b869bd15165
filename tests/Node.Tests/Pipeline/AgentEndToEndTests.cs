using System.Text.Json;
using Socme.Alerts;
using Socme.Node.Configuration;
using Socme.Node.DeadLetters;
using Socme.Node.Status;
using Socme.Node.Tailing;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

/// <summary>The agent as a whole: files in, only alerts out, across a Wazuh midnight re-link, with status and checkpoints.</summary>
public sealed class AgentEndToEndTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TheAgent_ShipsOnlyAlerts_OnceEach_AcrossARelink_AndReportsItInStatusAndCheckpoints()
    {
        var alerts = _dir["ossec/logs/alerts"];
        Directory.CreateDirectory(Path.Combine(alerts, "2026", "Nov"));
        var day21 = Path.Combine(alerts, "2026", "Nov", "ossec-alerts-21.json");
        var day22 = Path.Combine(alerts, "2026", "Nov", "ossec-alerts-22.json");
        var live = Path.Combine(alerts, "alerts.json");
        var eve = _dir["suricata/eve.json"];
        Directory.CreateDirectory(Path.GetDirectoryName(eve)!);

        // Wazuh from the beginning; levels 2 are below the default minimum (3).
        var wazuh = Enumerable.Range(1, 10).Select(n => Lines.Wazuh(n, level: n % 2 == 0 ? 2 : 8)).ToArray();
        Lines.Append(day21, wazuh);
        Posix.Link(day21, live);
        // Suricata from the end: what is there before the agent starts is not shipped.
        Lines.Append(eve, Lines.SuricataAlert(900), Lines.SuricataAlert(901));

        await using var core = FakeCore.Start();
        var sources = new[]
        {
            new SourceOptions { Kind = SourceKind.Wazuh, Id = "wazuh", Path = live, FromBeginning = true },
            new SourceOptions { Kind = SourceKind.Suricata, Id = "suricata", Path = eve },
        };
        await using var agent = new AgentRig(_dir["data"], core.BaseAddress, sources);
        await agent.StartAsync();

        var expected = wazuh.Where((_, i) => i % 2 == 0).Select(l => Lines.KeyOf(AlertSource.Wazuh, l)).ToList();
        await core.WaitForKeysAsync(expected);
        await AgentRig.Eventually(() => agent.Checkpoint("suricata")?.Spooled is not null, "the Suricata source has its first checkpoint");

        var suricata = new List<string>();
        for (var n = 1; n <= 6; n++)
        {
            var line = n % 2 == 0 ? Lines.SuricataDns(n) : Lines.SuricataAlert(n);
            suricata.Add(line);
            Lines.Append(eve, line);
        }
        expected.AddRange(suricata.Where((_, i) => i % 2 == 0).Select(l => Lines.KeyOf(AlertSource.Suricata, l)));

        // Midnight: the last alerts of the day, the re-link, the new day's alerts; and a broken line.
        var late = Lines.Wazuh(11, level: 12);
        var next = Lines.Wazuh(12, level: 12);
        Lines.Append(day21, late);
        Lines.Append(day22, next, """{"timestamp":"2026-11-22T00:00:01Z","rule":{"level":9},"cut""", Lines.Wazuh(13, level: 3));
        File.Delete(live);
        Posix.Link(day22, live);
        expected.AddRange([Lines.KeyOf(AlertSource.Wazuh, late), Lines.KeyOf(AlertSource.Wazuh, next), "1700000000.13"]);

        await core.WaitForKeysAsync(expected);
        await AgentRig.Eventually(() => agent.Snapshot().Sources.Sum(s => s.AlertsShipped) == expected.Count, "the status counts every shipped alert");

        Assert.Equal(expected.Order(), core.AcceptedKeys.Order());
        Assert.Equal(expected.Count, core.AcceptedLines);
        Assert.All(core.Requests.SelectMany(r => r.Lines), l =>
        {
            var raw = JsonDocument.Parse(l).RootElement.GetProperty("raw");
            Assert.True(!raw.TryGetProperty("event_type", out var t) || t.GetString() == "alert");
        });

        var letter = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(agent.DataDir, DeadLetterWriter.FileName)))).RootElement;
        Assert.Equal(("wazuh", "invalid_json"), (letter.GetProperty("source").GetString(), letter.GetProperty("code").GetString()));

        Assert.True(FileIdentity.TryStat(day22, out var day22Stat));
        var wazuhCheckpoint = agent.Checkpoint("wazuh")!;
        Assert.Equal(new FilePosition(day22Stat.Device, day22Stat.Inode, day22Stat.Size), wazuhCheckpoint.Spooled);
        await AgentRig.Eventually(() => agent.Checkpoint("wazuh")!.Acked == wazuhCheckpoint.Spooled, "the Wazuh acked checkpoint reaches the end");

        await AgentRig.Eventually(() => StatusPrinter.TryRead(agent.DataDir, out _) is { Spool.Records: 0, LastAckAt: not null } s
            && s.Sources.Single(x => x.Id == "wazuh").DeadLettered == 1, "status.json shows the final state");
        var status = StatusPrinter.TryRead(agent.DataDir, out _)!;
        var w = status.Sources.Single(s => s.Id == "wazuh");
        var su = status.Sources.Single(s => s.Id == "suricata");
        Assert.Equal((14L, 8L, 5L, 1L), (w.LinesRead, w.AlertsShipped, w.Filtered, w.DeadLettered));
        Assert.Equal((6L, 3L, 3L), (su.LinesRead, su.AlertsShipped, su.Filtered));
        Assert.False(status.ShippingPaused);
    }
}
