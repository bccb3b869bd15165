using System.Text;
using Socme.Alerts;
using Socme.Core.Features.Demo;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>The replayer writes valid, unique, fresh alerts and rotates files the way Wazuh and Suricata do.</summary>
public sealed class CorpusReplayerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("socme-replay-").FullName;
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 23, 59, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Lines_AreFreshUniqueAndParseAsTheRightKind()
    {
        var replayer = CorpusReplayer.FromCorpus(Corpus.Root, _time);

        var wazuh = Enumerable.Range(0, 5000).Select(_ => replayer.NextWazuh()).ToList();
        var suricata = Enumerable.Range(0, 8000).Select(_ => replayer.NextSuricata()).ToList();

        var parsedWazuh = wazuh.Select(l => AlertParser.ParseWazuh(Encoding.UTF8.GetBytes(l))).ToList();
        Assert.All(parsedWazuh, r => Assert.True(r.IsAlert, r.ErrorMessage));
        Assert.Equal(wazuh.Count, parsedWazuh.Select(r => r.Alert!.Key).Distinct().Count());
        Assert.All(parsedWazuh, r => Assert.Equal(_time.GetUtcNow(), r.Alert!.Timestamp));
        var parsedSuricata = suricata.Select(l => AlertParser.ParseSuricata(Encoding.UTF8.GetBytes(l))).ToList();
        Assert.DoesNotContain(parsedSuricata, r => r.IsError);
        Assert.Contains(parsedSuricata, r => r.IsNonAlert);
        var alerts = parsedSuricata.Where(r => r.IsAlert).Select(r => r.Alert!.Key).ToList();
        Assert.NotEmpty(alerts);
        Assert.Equal(alerts.Count, alerts.Distinct().Count());
    }

    [Fact]
    public void WazuhRotation_RelinksAlertsJson_AndKeepsTheOldInodeAsTheDatedArchive()
    {
        var replayer = CorpusReplayer.FromCorpus(Corpus.Root, _time);
        var live = replayer.EnsureWazuhLayout(_dir);
        CorpusReplayer.Append(live, [replayer.NextWazuh(), replayer.NextWazuh()]);

        var archive = replayer.RotateWazuh(_dir);
        CorpusReplayer.Append(live, [replayer.NextWazuh()]);

        Assert.Equal(Path.Combine(_dir, "2026", "Nov", "ossec-alerts-22.json"), archive);
        Assert.Equal(2, File.ReadAllLines(archive).Length);
        Assert.Single(File.ReadAllLines(live));
        Assert.Single(File.ReadAllLines(Path.Combine(_dir, "2026", "Nov", "ossec-alerts-23.json")));
    }

    [Fact]
    public void SuricataRotations_RenameAndCopyTruncate()
    {
        var replayer = CorpusReplayer.FromCorpus(Corpus.Root, _time);
        var eve = Path.Combine(_dir, "eve.json");
        CorpusReplayer.Append(eve, [replayer.NextSuricata(), replayer.NextSuricata()]);

        var renamed = CorpusReplayer.RotateSuricataByRename(eve, 1);
        CorpusReplayer.Append(eve, [replayer.NextSuricata()]);
        var copied = CorpusReplayer.RotateByCopyTruncate(eve, 2);

        Assert.Equal(2, File.ReadAllLines(renamed).Length);
        Assert.Single(File.ReadAllLines(copied));
        Assert.Equal(0, new FileInfo(eve).Length);
    }
}
