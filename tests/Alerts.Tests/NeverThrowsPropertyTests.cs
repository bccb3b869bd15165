using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Socme.Alerts.Tests.Support;

namespace Socme.Alerts.Tests;

/// <summary>FsCheck properties: no input makes any entry point throw, and every result is well-formed.</summary>
public class NeverThrowsPropertyTests
{
    private static readonly ParseOptions[] OptionSets =
    [
        ParseOptions.Default,
        new() { SuricataAnomalyIsAlert = true },
        new() { MaxDepth = 3, MaxLineBytes = 200 },
    ];

    /// <summary>Fragments that steer random input towards the interesting parts of the parser.</summary>
    private static readonly string[] JsonishFragments =
    [
        "{", "}", "[", "]", "\"", ":", ",", " ", "\n", "\r", "\\", "\\u", "D800", "0041", "\\\"", "-", ".", "e", "0", "7", "15",
        "99999999999999999999", "null", "true", "false", "\"rule\"", "\"level\"", "\"timestamp\"", "\"id\"", "\"agent\"",
        "\"data\"", "\"srcport\"", "\"mitre\"", "\"tactic\"", "\"groups\"", "\"event_type\"", "\"alert\"", "\"anomaly\"",
        "\"severity\"", "\"metadata\"", "\"mitre_tactic_id\"", "\"src_port\"", "\"2022-05-11T12:29:19.905+0000\"",
        "\"1652272159.1549653\"", "\"abc\"", "\xff", "\xc3", "\xe2\x82", "\xef\xbb\xbf",
    ];

    private static readonly Lazy<byte[][]> CorpusSample = new(LoadCorpusSample);

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1_000);

    [Fact]
    public void Parse_ArbitraryBytes_NeverThrows()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes => AllEntryPointsAreTotal(bytes));
        Check.One(Runs, property);
    }

    [Fact]
    public void Parse_ArbitraryJsonishText_NeverThrows()
    {
        var gen = Gen.Elements(JsonishFragments).ListOf()
            .Select(parts => Latin1OrUtf8(string.Concat(parts)));
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), bytes => AllEntryPointsAreTotal(bytes)));
    }

    [Fact]
    public void Parse_MutatedCorpusLines_NeverThrow()
    {
        var sample = CorpusSample.Value;
        var gen =
            from index in Gen.Choose(0, sample.Length - 1)
            from kind in Gen.Choose(0, 4)
            from position in Gen.Choose(0, int.MaxValue)
            from length in Gen.Choose(1, 64)
            from value in Gen.Choose(0, 255)
            select Mutate(sample[index], kind, position, length, (byte)value);
        Check.One(Runs.WithMaxTest(3_000), Prop.ForAll(gen.ToArbitrary(), bytes => AllEntryPointsAreTotal(bytes)));
    }

    [Fact]
    public void Parse_EveryPrefixOfARealLine_NeverThrows()
    {
        foreach (var line in new[]
        {
            Corpus.Line(AlertSource.Wazuh, Corpus.WazuhReal, 42).Bytes,
            Corpus.Line(AlertSource.Suricata, "stamus-suricata-analytics-training02-eve.json", 126).Bytes,
        })
        {
            for (var cut = 0; cut < line.Length; cut++)
            {
                Assert.True(AllEntryPointsAreTotal(line[..cut]));
            }
        }
    }

    /// <summary>Runs every entry point on the bytes; false (or an exception) fails the property.</summary>
    private static bool AllEntryPointsAreTotal(byte[] bytes)
    {
        foreach (var source in new[] { AlertSource.Wazuh, AlertSource.Suricata, AlertSource.System })
        {
            foreach (var options in OptionSets)
            {
                var result = AlertParser.Parse(source, bytes, options);
                var outcomes = (result.IsAlert ? 1 : 0) + (result.IsNonAlert ? 1 : 0) + (result.IsError ? 1 : 0);
                if (outcomes != 1)
                {
                    return false;
                }
                if (result.Alert is { } alert
                    && (alert.Level is < Severity.MinLevel or > Severity.MaxLevel || alert.Key.Length == 0 || alert.Raw.Length == 0))
                {
                    return false;
                }
                var kind = AlertParser.Classify(source, bytes, out var level, options);
                if (kind == LineKind.Invalid ? level != -1 : level is < -1 or > Severity.MaxLevel)
                {
                    return false;
                }
            }
            if (string.IsNullOrEmpty(AlertParser.StableKey(source, bytes)))
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] Mutate(byte[] line, int kind, int position, int length, byte value)
    {
        if (line.Length == 0)
        {
            return [value];
        }
        var at = position % line.Length;
        var end = Math.Min(line.Length, at + length);
        switch (kind)
        {
            case 0: // truncate
                return line[..at];
            case 1: // flip one byte
                var flipped = (byte[])line.Clone();
                flipped[at] ^= value == 0 ? (byte)1 : value;
                return flipped;
            case 2: // insert one byte
                return [.. line[..at], value, .. line[at..]];
            case 3: // delete a range
                return [.. line[..at], .. line[end..]];
            default: // duplicate a range
                return [.. line[..end], .. line[at..end], .. line[end..]];
        }
    }

    /// <summary>Fragments with \x escapes above 0x7F stand for raw bytes (to reach invalid UTF-8), the rest is UTF-8.</summary>
    private static byte[] Latin1OrUtf8(string text) => text.Any(ch => ch > 0x7F) ? Encoding.Latin1.GetBytes(text) : Encoding.UTF8.GetBytes(text);

    private static byte[][] LoadCorpusSample()
    {
        var lines = new List<byte[]>();
        foreach (var path in Corpus.WazuhFiles().Concat(Corpus.SuricataFiles()))
        {
            var all = Corpus.Lines(path);
            var step = Math.Max(1, all.Count / 40);
            for (var i = 0; i < all.Count; i += step)
            {
                lines.Add(all[i].Bytes);
            }
        }
        return [.. lines];
    }
}
