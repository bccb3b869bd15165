using System.Text;
using Socme.Alerts;
using Socme.Client;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.Pipeline;
using Socme.Node.Spool;
using Socme.Node.Status;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

public sealed class LineProcessorTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualTimeProvider _clock = new();

    public void Dispose() => _dir.Dispose();

    private (LineProcessor Processor, SourceState State) Processor(SourceKind kind, int minLevel = 3, bool anomaly = false, int maxLineBytes = 1024 * 1024, bool onePass = true)
    {
        var options = new SourceOptions { Kind = kind, Path = _dir["source.json"], MinLevel = minLevel, IncludeAnomaly = anomaly };
        var state = new SourceState(options, new CheckpointStore(_dir["checkpoints"]), null, 0);
        var settings = new PipelineSettings { Node = new NodeOptions { DataDir = _dir.Path, MaxLineBytes = maxLineBytes }, WazuhOnePass = onePass };
        return (new LineProcessor(state, settings, _clock), state);
    }

    private static void Feed(LineProcessor p, params string[] lines)
    {
        long offset = 0;
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            offset += bytes.Length + 1;
            p.Line(bytes, new FilePosition(1, 2, offset));
        }
    }

    private static void FeedBytes(LineProcessor p, byte[] line, long after) => p.Line(line, new FilePosition(1, 2, after));

    private static List<(string SourceId, FilePosition Position, string Envelope)> Records(SpoolChunk? chunk)
    {
        var list = new List<(string, FilePosition, string)>();
        if (chunk is null)
        {
            return list;
        }
        var data = chunk.Buffer.AsSpan(0, chunk.Length);
        while (!data.IsEmpty)
        {
            Assert.Equal(FrameStatus.Ok, SpoolFormat.TryParse(data, out var length, out var record));
            list.Add((Encoding.UTF8.GetString(record.SourceId), record.Position, Encoding.UTF8.GetString(record.Envelope)));
            data = data[length..];
        }
        Assert.Equal(chunk.Records, list.Count);
        return list;
    }

    [Fact]
    public void Wazuh_ShipsLevelsAtOrAboveMinLevel_AndCountsTheRestAsFiltered()
    {
        var (p, state) = Processor(SourceKind.Wazuh, minLevel: 5);

        Feed(p, Lines.Wazuh(1, level: 3), Lines.Wazuh(2, level: 5), Lines.Wazuh(3, level: 12), "", "   ");

        var records = Records(p.TakeChunk());
        Assert.Equal(["1700000000.2", "1700000000.3"], records.Select(r => RecordedRequest.KeyOf(r.Envelope)));
        Assert.Equal((5L, 3L), (state.LinesRead, state.Filtered));
    }

    [Fact]
    public void Suricata_ShipsAlerts_AndAnomaliesOnlyWhenAskedTo()
    {
        var (p, _) = Processor(SourceKind.Suricata);
        Feed(p, Lines.SuricataAlert(1, severity: 3), Lines.SuricataDns(2), Lines.SuricataAnomaly(3));
        Assert.Equal([Lines.KeyOf(AlertSource.Suricata, Lines.SuricataAlert(1, severity: 3))], Records(p.TakeChunk()).Select(r => RecordedRequest.KeyOf(r.Envelope)));

        var (withAnomaly, state) = Processor(SourceKind.Suricata, anomaly: true);
        Feed(withAnomaly, Lines.SuricataAlert(1), Lines.SuricataDns(2), Lines.SuricataAnomaly(3));
        Assert.Equal(2, Records(withAnomaly.TakeChunk()).Count);
        Assert.Equal(1, state.Filtered);
    }

    [Fact]
    public void TheEnvelope_IsTheCoresEnvelope_WithTheKeyOfTheOriginalLine()
    {
        var (w, wState) = Processor(SourceKind.Wazuh);
        var wazuh = Lines.Wazuh(7, level: 10);
        // A CRLF line end and a BOM are not part of the alert (as in the Alerts library).
        FeedBytes(w, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(wazuh + "\r")], 999);
        var record = Assert.Single(Records(w.TakeChunk()));
        Assert.Equal(SocmeClient.EnvelopeLine("wazuh", "1700000000.7", wazuh), record.Envelope);
        Assert.Equal(wState.Id, record.SourceId);
        Assert.Equal(new FilePosition(1, 2, 999), record.Position);

        var (s, _) = Processor(SourceKind.Suricata);
        var suricata = Lines.SuricataAlert(8);
        Feed(s, suricata);
        var key = AlertParser.StableKey(AlertSource.Suricata, Encoding.UTF8.GetBytes(suricata));
        Assert.Equal(64, key.Length);
        Assert.Equal(SocmeClient.EnvelopeLine("suricata", key, suricata), Assert.Single(Records(s.TakeChunk())).Envelope);
    }

    [Fact]
    public void BadLines_AreDeadLetteredWithTheParsersReason_WithoutStoppingTheRest()
    {
        var (p, state) = Processor(SourceKind.Wazuh);
        var nonUtf8 = Encoding.UTF8.GetBytes(Lines.Wazuh(2, level: 9, extra: "XX"));
        var at = Array.IndexOf(nonUtf8, (byte)'X');
        nonUtf8[at] = 0xFF;
        nonUtf8[at + 1] = 0xFE;

        Feed(p, """{"timestamp":"2026-11-22T07:00:00Z","rule":{"level":7},"cut""");
        FeedBytes(p, nonUtf8, 2000);
        Feed(p, "not json at all", """{"timestamp":"2026-11-22T07:00:00Z","agent":{}}""", Lines.Wazuh(5, level: 9));

        var chunk = p.TakeChunk()!;
        Assert.Equal(["1700000000.5"], Records(chunk).Select(r => RecordedRequest.KeyOf(r.Envelope)));
        Assert.Equal(["invalid_json", "invalid_utf8", "invalid_json", "wrong_shape"], chunk.DeadLetters!.Select(d => d.Code));
        Assert.All(chunk.DeadLetters!, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason)));
        Assert.Equal(nonUtf8, chunk.DeadLetters![1].Line);
        Assert.Equal(2000, chunk.DeadLetters![1].Position.Offset);
        Assert.Equal(5, state.LinesRead);
    }

    [Fact]
    public void ALineJustOverMaxLineBytes_IsDeadLetteredTooLong()
    {
        var (p, _) = Processor(SourceKind.Wazuh, maxLineBytes: 2048);
        Feed(p, Lines.Wazuh(1, level: 9, extra: new string('z', 2048)), Lines.Wazuh(2, level: 9));

        var chunk = p.TakeChunk()!;
        Assert.Equal("too_long", Assert.Single(chunk.DeadLetters!).Code);
        Assert.Single(Records(chunk));
    }

    [Fact]
    public void EveryCorpusLine_IsClassifiedAsTheFullParserWould()
    {
        foreach (var (file, kind) in new[]
        {
            ("wazuh/wazuh-dashboard-plugins-v4.14.7-generated-sample-alerts.json", SourceKind.Wazuh),
            ("wazuh/wazuh-qa-real-alerts.json", SourceKind.Wazuh),
            ("suricata/gtkcyber-applied-data-science-eve.json", SourceKind.Suricata),
            ("suricata/surevego-testdata-eve.json", SourceKind.Suricata),
        })
        {
            var lines = File.ReadAllLines(Lines.Corpus(file));
            var source = kind == SourceKind.Wazuh ? AlertSource.Wazuh : AlertSource.Suricata;
            var expected = lines
                .Select(l => AlertParser.Parse(source, Encoding.UTF8.GetBytes(l)))
                .Count(r => r.Alert is { } a && (source != AlertSource.Wazuh || a.Level >= 3));
            var (p, state) = Processor(kind);

            Feed(p, lines);

            var chunk = p.TakeChunk();
            Assert.Equal(expected, Records(chunk).Count);
            Assert.Null(chunk?.DeadLetters);
            Assert.Equal(lines.Length, state.LinesRead);
            Assert.Equal(lines.Length - expected, state.Filtered);
            chunk?.Release();
        }
    }
    [Fact]
    public void WazuhLines_OffTheOnePassPath_GetTheParsersVerdictAndKey()
    {
        // The one-pass reader answers only for plain lines; each of these takes the careful path or must agree with it.
        var lines = new[]
        {
            """{"timestamp":"2026-01-01T00:00:00+0000","rule":{"level":5,"id":"1"},"id":"1700000000.1"}""",
            """{"rule":{"level":5},"timestamp":"2026-01-01T00:00:00+0000"}""",
            """{"rule":{"level":5},"timestamp":"2026-01-01T00:00:00+0000","id":"abc"}""",
            """{"rule":{"level":5},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.\u0032"}""",
            """{"rule":{"level":5},"timestamp":"2026-01-01T00:00:00+0000","id":7,"id":"1700000000.3"}""",
            """{"rule":{"level":5},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.4","id":"1700000000.5"}""",
            """{"rule":{"level":"9"},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.6"}""",
            """{"rule":{"level":5.0},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.7"}""",
            """{"rule":{"level":2,"level":9},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.8"}""",
            """{"rule":{"level":9},"rule":{"level":2},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.9"}""",
            """{"r\u0075le":{"level":9},"rule":{"level":2},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.10"}""",
            """{"rule":{"lev\u0065l":9,"level":2},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.11"}""",
            """{"rule":{"level":99},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.12"}""",
            """{"rule":{"level":-4},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.13"}""",
            """{"rule":{"level":7},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.14"} trailing""",
            """{"rule":{"level":7},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.15",}""",
            """{"rule":{"level":7,"mitre":{"id":["T1110"]}},"agent":{"id":"1700000000.99"},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.16"}""",
            """{"rule":{"level":7},"timestamp":"2026-01-01T00:00:00+0000","data":""" + new string('[', 40) + new string(']', 40) + ""","id":"1700000000.17"}""",
            """{"rule":{"level":1},"timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.18"}""",
            """[{"rule":{"level":7}}]""",
            """{"rule":"high","timestamp":"2026-01-01T00:00:00+0000","id":"1700000000.19"}""",
            """{"rule":{"level":7},"timestamp":"2026-01-01T00:00:00+0000","id":"123456789012345678901.1"}""",
        };
        var (p, state) = Processor(SourceKind.Wazuh);

        Feed(p, lines);

        var chunk = p.TakeChunk();
        var expected = lines
            .Select(l => (Line: l, Result: AlertParser.Parse(AlertSource.Wazuh, Encoding.UTF8.GetBytes(l))))
            .Where(x => x.Result.Alert is { Level: >= 3 })
            .Select(x => SocmeClient.EnvelopeLine("wazuh", x.Result.Alert!.Key, x.Line))
            .ToList();
        Assert.Equal(expected, Records(chunk).Select(r => r.Envelope));
        var dead = lines.Count(l => AlertParser.Parse(AlertSource.Wazuh, Encoding.UTF8.GetBytes(l)).Error is not null);
        Assert.Equal(dead, chunk?.DeadLetters?.Count ?? 0);
        Assert.Equal(lines.Length - expected.Count - dead, state.Filtered);
        chunk?.Release();
    }

    [Fact]
    public void GeneratedAndMutatedWazuhLines_GiveTheSameRecordsDeadLettersAndCounts_WithOrWithoutTheOnePass()
    {
        var random = new Random(20261202);
        var lines = new List<byte[]>(WazuhLineScannerTests.Corpus.Value);
        for (var k = 0; k < 4_000; k++)
        {
            var document = Encoding.UTF8.GetBytes(new WazuhLineScannerTests.JsonWriter(random).Document());
            lines.Add(document);
            lines.Add(WazuhLineScannerTests.Mutate(document, random.Next(1, 3), random));
            var corpus = WazuhLineScannerTests.Corpus.Value[random.Next(WazuhLineScannerTests.Corpus.Value.Length)];
            lines.Add(WazuhLineScannerTests.Mutate(corpus, random.Next(1, 3), random));
        }

        (List<(string, FilePosition, string)> Records, List<string> Letters, long Filtered) Run(bool onePass)
        {
            var (p, state) = Processor(SourceKind.Wazuh, onePass: onePass);
            long offset = 0;
            foreach (var line in lines)
            {
                offset += line.Length + 1;
                FeedBytes(p, line, offset);
            }
            var chunk = p.TakeChunk();
            var letters = chunk?.DeadLetters?.Select(d => System.Text.Json.JsonSerializer.Serialize(d)).ToList() ?? [];
            var records = Records(chunk);
            chunk?.Release();
            return (records, letters, state.Filtered);
        }

        var with = Run(onePass: true);
        var without = Run(onePass: false);
        Assert.Equal(without.Records, with.Records);
        Assert.Equal(without.Letters, with.Letters);
        Assert.Equal(without.Filtered, with.Filtered);
        Assert.True(with.Records.Count > 1_000 && with.Letters.Count > 1_000, $"{with.Records.Count} records, {with.Letters.Count} dead letters");
    }
}
