using System.Text;
using Socme.Alerts.Tests.Support;

namespace Socme.Alerts.Tests;

/// <summary>Every line of the shared corpus parses, and the counts match PROVENANCE.md.</summary>
public class CorpusTests
{
    /// <summary>Event types per Suricata file, as listed in the corpus's PROVENANCE.md.</summary>
    private static readonly Dictionary<string, Dictionary<string, int>> SuricataProvenance = new()
    {
        ["frankhassanabad-first-org-conf-2015-alerts-eve.json"] = new() { ["alert"] = 136 },
        ["frankhassanabad-honeypot-2018-alerts-eve.json"] = new() { ["alert"] = 44 },
        ["frankhassanabad-wrccdc-2017-alerts-eve.json"] = new() { ["alert"] = 161 },
        ["frankhassanabad-wrccdc-2018-alerts-eve.json"] = new() { ["alert"] = 207 },
        ["gtkcyber-applied-data-science-eve.json"] = new() { ["fileinfo"] = 4841, ["stats"] = 90, ["alert"] = 68, ["flow"] = 1 },
        ["stamus-suricata-analytics-training02-eve.json"] = new()
        {
            ["dns"] = 80, ["flow"] = 80, ["http"] = 39, ["tls"] = 38, ["alert"] = 36, ["fileinfo"] = 17,
        },
        ["stamus-suricata-analytics-training03-eve.json"] = new()
        {
            ["http"] = 273, ["flow"] = 179, ["dns"] = 145, ["dcerpc"] = 113, ["smb"] = 70, ["tls"] = 50, ["fileinfo"] = 28,
        },
        ["surevego-testdata-eve.json"] = new()
        {
            ["alert"] = 68, ["fileinfo"] = 68, ["http"] = 68, ["dns"] = 48, ["flow"] = 13, ["stats"] = 1,
        },
        ["dcso-fever-testdata-eve.json"] = new() { ["http"] = 2, ["dns"] = 2, ["tls"] = 1, ["fileinfo"] = 1 },
        ["oisf-suricata-userguide-examples-eve.json"] = new()
        {
            ["anomaly"] = 4, ["pgsql"] = 4, ["alert"] = 2, ["fileinfo"] = 1, ["http"] = 1, ["flow"] = 1, ["mqtt"] = 1,
        },
    };

    public static TheoryData<string> WazuhFiles() => new(Corpus.WazuhFiles().Select(Path.GetFileName).OfType<string>());

    public static TheoryData<string> SuricataFiles() => new(Corpus.SuricataFiles().Select(Path.GetFileName).OfType<string>());

    [Theory]
    [MemberData(nameof(WazuhFiles))]
    public void ParseWazuh_EveryCorpusLine_IsAlert(string file)
    {
        var failures = new List<string>();
        var lines = Corpus.Lines(Corpus.PathOf(AlertSource.Wazuh, file));
        foreach (var line in lines)
        {
            var result = AlertParser.ParseWazuh(line.Bytes);
            if (!result.IsAlert)
            {
                failures.Add($"{line}: {result.Error} {result.ErrorMessage}");
            }
        }
        Assert.NotEmpty(lines);
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }

    [Theory]
    [MemberData(nameof(SuricataFiles))]
    public void ParseSuricata_CorpusFile_EventTypeCountsMatchProvenance(string file)
    {
        Assert.True(SuricataProvenance.ContainsKey(file), $"{file} is not listed in this test's copy of PROVENANCE.md");
        var counts = new Dictionary<string, int>();
        var failures = new List<string>();
        foreach (var line in Corpus.Lines(Corpus.PathOf(AlertSource.Suricata, file)))
        {
            var result = AlertParser.ParseSuricata(line.Bytes);
            string eventType;
            if (result.Alert is not null)
            {
                eventType = "alert";
            }
            else if (result.NonAlertEventType is { } other)
            {
                eventType = other;
            }
            else
            {
                failures.Add($"{line}: {result.Error} {result.ErrorMessage}");
                continue;
            }
            counts[eventType] = counts.GetValueOrDefault(eventType) + 1;
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.Equal(SuricataProvenance[file].OrderBy(p => p.Key), counts.OrderBy(p => p.Key));
    }

    [Fact]
    public void ParseSuricata_WholeCorpus_Yields722AlertsIn6982Lines()
    {
        var alerts = 0;
        var lines = 0;
        foreach (var path in Corpus.SuricataFiles())
        {
            foreach (var line in Corpus.Lines(path))
            {
                lines++;
                if (AlertParser.ParseSuricata(line.Bytes).IsAlert)
                {
                    alerts++;
                }
            }
        }
        Assert.Equal(6982, lines);
        Assert.Equal(722, alerts);
    }

    [Fact]
    public void ParseSuricata_CorpusAnomaliesWithOption_BecomeLevel3Alerts()
    {
        var options = new ParseOptions { SuricataAnomalyIsAlert = true };
        var alerts = Corpus.Lines(Corpus.PathOf(AlertSource.Suricata, "oisf-suricata-userguide-examples-eve.json"))
            .Select(l => AlertParser.ParseSuricata(l.Bytes, options).Alert)
            .OfType<NormalizedAlert>()
            .ToList();

        Assert.Equal(6, alerts.Count);
        var anomalies = alerts.Where(a => a.RuleId is null).ToList();
        Assert.Equal(4, anomalies.Count);
        Assert.All(anomalies, a => Assert.Equal(3, a.Level));
        Assert.All(anomalies, a => Assert.False(string.IsNullOrEmpty(a.Signature)));
    }

    [Fact]
    public void ParseWazuh_GeneratedSampleFile_MatchesProvenanceFacts()
    {
        var alerts = Corpus.Lines(Corpus.PathOf(AlertSource.Wazuh, Corpus.WazuhGenerated))
            .Select(l => AlertParser.ParseWazuh(l.Bytes).Alert)
            .OfType<NormalizedAlert>()
            .ToList();

        Assert.Equal(4200, alerts.Count);
        Assert.Equal(403, alerts.Count(a => a.MitreTechniques.Count > 0));
        Assert.Equal(403, alerts.Count(a => a.MitreTactics.Count > 0));
        Assert.Equal(Enumerable.Range(1, 15), alerts.Select(a => a.Level).Distinct().Order());
        // 4,000 lines share the generator's placeholder id 1580123327.49031 (one key: PROVENANCE.md warns ids are
        // constant); 200 carry id "18145", which is not <epoch>.<n>, so each is keyed by its hash.
        Assert.Equal(4000, alerts.Count(a => a.Key == "1580123327.49031"));
        Assert.Equal(201, alerts.Select(a => a.Key).Distinct().Count());
        Assert.All(alerts, a => Assert.Equal(TimeSpan.Zero, a.Timestamp.Offset));
        Assert.All(alerts, a => Assert.False(string.IsNullOrEmpty(a.RuleId)));
        Assert.All(alerts, a => Assert.NotEmpty(a.RuleGroups));
    }

    [Theory]
    [MemberData(nameof(WazuhFiles))]
    public void Parse_WazuhCorpusLine_KeyRawAndClassifyAgree(string file) =>
        AssertConsistent(AlertSource.Wazuh, Corpus.PathOf(AlertSource.Wazuh, file));

    [Theory]
    [MemberData(nameof(SuricataFiles))]
    public void Parse_SuricataCorpusLine_KeyRawAndClassifyAgree(string file) =>
        AssertConsistent(AlertSource.Suricata, Corpus.PathOf(AlertSource.Suricata, file));

    /// <summary>For every line: Raw is the line's text, Key equals StableKey of the line and of Raw, Classify agrees with Parse.</summary>
    private static void AssertConsistent(AlertSource source, string path)
    {
        foreach (var line in Corpus.Lines(path))
        {
            var result = AlertParser.Parse(source, line.Bytes);
            var kind = AlertParser.Classify(source, line.Bytes, out var level);
            if (result.Alert is { } alert)
            {
                Assert.Equal(Encoding.UTF8.GetString(line.Bytes), alert.Raw);
                Assert.Equal(alert.Key, AlertParser.StableKey(source, line.Bytes));
                Assert.Equal(alert.Key, AlertParser.StableKey(source, Encoding.UTF8.GetBytes(alert.Raw)));
                Assert.Equal(LineKind.Alert, kind);
                Assert.Equal(alert.Level, level);
            }
            else
            {
                Assert.True(result.IsNonAlert, $"{line}: {result.Error} {result.ErrorMessage}");
                Assert.Equal(result.NonAlertEventType == "anomaly" ? LineKind.Anomaly : LineKind.Other, kind);
            }
        }
    }
}
