using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Socme.Node.Pipeline;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

/// <summary>
/// The hand-written one pass (<see cref="WazuhLineScanner"/>) against the <c>Utf8JsonReader</c> one
/// (<see cref="ReferenceOnePass"/>): the same answer on every corpus line, and never a "yes" the reader would not give
/// (with the same level and id) on generated lines: random JSON documents, mutated corpus lines, JSON-ish fragments.
/// </summary>
public sealed class WazuhLineScannerTests
{
    private const int MaxLineBytes = 1024 * 1024;

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(5_000);

    internal static readonly Lazy<byte[][]> Corpus = new(() =>
    [
        .. new[] { "wazuh/wazuh-dashboard-plugins-v4.14.7-generated-sample-alerts.json", "wazuh/wazuh-qa-real-alerts.json" }
            .SelectMany(f => File.ReadAllLines(Lines.Corpus(f)))
            .Where(l => l.Length > 0)
            .Select(Encoding.UTF8.GetBytes),
    ]);

    /// <summary>Bytes that matter to a JSON scanner, drawn more often than the rest.</summary>
    private static readonly byte[] Interesting = "\"\\{}[]:, \t\r\n0123456789-+.eEutfnlr/bx\u007f"u8.ToArray().Concat(new byte[] { 0x00, 0x01, 0x1f, 0xc3, 0xff }).ToArray();

    private static readonly string[] Fragments =
    [
        "{", "}", "[", "]", "\"", ":", ",", " ", "\t", "\\", "\\\"", "\\\\", "\\/", "\\n", "\\u0041", "\\u00e9", "\\uD83D\\uDE00", "\\uD800", "\\uZZZZ", "\\x",
        "-", ".", "e", "E", "+", "0", "00", "7", "15", "-3", "2.5", "1e3", "99999999999999999999", "null", "true", "false", "nul", "tru",
        "\"rule\"", "\"level\"", "\"id\"", "\"r\\u0075le\"", "\"lev\\u0065l\"", "\"1700000000.42\"", "\"17.x\"", "\"timestamp\"", "\"agent\"",
        "\"abc\"", "\u00e9", "\u0001", "/", "//", "#",
    ];

    [Fact]
    public void EveryCorpusLine_GetsTheReadersAnswer_AndMostTakeTheOnePass()
    {
        var onePass = 0;
        foreach (var line in Corpus.Value)
        {
            Assert.True(SameAnswer(line), Encoding.UTF8.GetString(line));
            onePass += WazuhLineScanner.TryScan(line, MaxLineBytes, out _, out _) ? 1 : 0;
        }
        Assert.True(onePass > Corpus.Value.Length * 9 / 10, $"{onePass} of {Corpus.Value.Length} corpus lines take the one pass");
    }

    [Fact]
    public void EveryPrefixOfACorpusLine_IsNeverAcceptedUnlessTheReaderAcceptsIt()
    {
        foreach (var line in Corpus.Value.Take(40))
        {
            for (var cut = 0; cut <= line.Length; cut++)
            {
                Assert.True(NeverMoreThanTheReader(line[..cut]), Encoding.UTF8.GetString(line[..cut]));
            }
        }
    }

    [Fact]
    public void MutatedCorpusLines_AreNeverAcceptedUnlessTheReaderAcceptsThemAlike()
    {
        var gen =
            from index in Gen.Choose(0, Corpus.Value.Length - 1)
            from edits in Gen.Choose(1, 3)
            from seed in Gen.Choose(0, int.MaxValue)
            select Mutate(Corpus.Value[index], edits, new Random(seed));
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), NeverMoreThanTheReader));
    }

    [Fact]
    public void GeneratedJsonDocuments_GetTheReadersAnswer()
    {
        var gen = Gen.Choose(0, int.MaxValue).Select(seed => Encoding.UTF8.GetBytes(new JsonWriter(new Random(seed)).Document()));
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), bytes => SameAnswerUnlessConservative(bytes) && NeverMoreThanTheReader(bytes)));
    }

    [Fact]
    public void MutatedGeneratedDocuments_AreNeverAcceptedUnlessTheReaderAcceptsThemAlike()
    {
        var gen = Gen.Choose(0, int.MaxValue).Select(seed =>
        {
            var random = new Random(seed);
            return Mutate(Encoding.UTF8.GetBytes(new JsonWriter(random).Document()), random.Next(1, 3), random);
        });
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), NeverMoreThanTheReader));
    }

    [Fact]
    public void JsonishFragments_AreNeverAcceptedUnlessTheReaderAcceptsThemAlike()
    {
        var gen = Gen.Elements(Fragments).ListOf()
            .Select(parts => Encoding.UTF8.GetBytes("{\"rule\":{\"level\":5}," + string.Concat(parts)));
        var wrapped = Gen.Elements(Fragments).ListOf()
            .Select(parts => Encoding.UTF8.GetBytes("{\"rule\":{\"level\":" + string.Concat(parts) + "},\"id\":\"1700000000.1\"}"));
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), NeverMoreThanTheReader));
        Check.One(Runs, Prop.ForAll(wrapped.ToArbitrary(), NeverMoreThanTheReader));
    }

    [Theory]
    [InlineData("""{"rule":{"level":5},"id":"1.2","s":"\uD83D\uDE00"}""")] // a surrogate pair escaped: left to the careful path
    [InlineData("""{"rule":{"level":1234567890123456789},"id":"1.2"}""")] // 19 digits: left to the careful path
    public void TheScanner_MayLeaveALineToTheCarefulPath_ButNeverTheOtherWayRound(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.False(WazuhLineScanner.TryScan(bytes, MaxLineBytes, out _, out _));
        Assert.True(ReferenceOnePass.TryRead(bytes, MaxLineBytes, out _, out _));
    }

    private static bool SameAnswer(byte[] line)
    {
        var scanned = WazuhLineScanner.TryScan(line, MaxLineBytes, out var level, out var id);
        var read = ReferenceOnePass.TryRead(line, MaxLineBytes, out var refLevel, out var refId);
        return scanned == read && (!scanned || (level == refLevel && id.SequenceEqual(refId)));
    }

    /// <summary>A yes of the scanner is a yes of the reader, with the same level and id.</summary>
    private static bool NeverMoreThanTheReader(byte[] line)
    {
        if (!WazuhLineScanner.TryScan(line, MaxLineBytes, out var level, out var id))
        {
            return true;
        }
        return ReferenceOnePass.TryRead(line, MaxLineBytes, out var refLevel, out var refId) && level == refLevel && id.SequenceEqual(refId);
    }

    /// <summary>The same answer, except where the scanner is knowingly more careful (a \u escape of a surrogate, a level
    /// of 19 or more digits).</summary>
    private static bool SameAnswerUnlessConservative(byte[] line)
    {
        var text = Encoding.UTF8.GetString(line);
        var conservative = text.Contains("\\uD", StringComparison.OrdinalIgnoreCase) || text.Contains("9999999999999999999", StringComparison.Ordinal);
        return conservative || SameAnswer(line);
    }

    internal static byte[] Mutate(byte[] line, int edits, Random random)
    {
        var bytes = new List<byte>(line);
        for (var e = 0; e < edits; e++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            var value = random.Next(3) > 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256);
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 8), bytes.Count - at));
                    break;
                case 1:
                    bytes.Insert(at, value);
                    break;
                case 2 when bytes.Count > 0:
                    bytes[at] = value;
                    break;
                case 3 when bytes.Count > 0:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(random.Next(1, 16), bytes.Count - at)));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>Random JSON objects shaped like Wazuh alerts (a rule with a level, ids, nesting, escapes, numbers of
    /// every form, whitespace), valid unless a rare deliberate flaw is drawn.</summary>
    internal sealed class JsonWriter(Random random)
    {
        private static readonly string[] Keys = ["rule", "level", "id", "agent", "data", "timestamp", "full_log", "groups", "r\\u0075le", "lev\\u0065l", "i\\u0064", "x", ""];
        private readonly StringBuilder _sb = new();

        public string Document()
        {
            _sb.Clear();
            Space();
            _sb.Append('{');
            var members = random.Next(0, 6);
            var rulePlace = random.Next(0, members + 1);
            var first = true;
            for (var m = 0; m <= members; m++)
            {
                if (m == rulePlace && random.Next(8) > 0)
                {
                    Comma(ref first);
                    _sb.Append("\"rule\"");
                    Space();
                    _sb.Append(':');
                    Space();
                    Rule();
                }
                if (m < members)
                {
                    Comma(ref first);
                    Member(1);
                }
            }
            Space();
            _sb.Append('}');
            Space();
            return _sb.ToString();
        }

        private void Rule()
        {
            _sb.Append('{');
            var first = true;
            var members = random.Next(0, 4);
            var levelPlace = random.Next(0, members + 1);
            for (var m = 0; m <= members; m++)
            {
                if (m == levelPlace && random.Next(10) > 0)
                {
                    Comma(ref first);
                    _sb.Append("\"level\"");
                    Space();
                    _sb.Append(':');
                    Space();
                    if (random.Next(6) == 0)
                    {
                        Value(3);
                    }
                    else
                    {
                        Number();
                    }
                }
                if (m < members)
                {
                    Comma(ref first);
                    Member(2);
                }
            }
            _sb.Append('}');
        }

        private void Member(int depth)
        {
            _sb.Append('"').Append(Keys[random.Next(Keys.Length)]).Append('"');
            Space();
            _sb.Append(':');
            Space();
            Value(depth + 1);
        }

        private void Value(int depth)
        {
            switch (random.Next(depth > 6 ? 5 : 8))
            {
                case 0:
                    Number();
                    break;
                case 1:
                    _sb.Append(random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                    break;
                case 2 or 3:
                    String();
                    break;
                case 4:
                    _sb.Append('"').Append(random.Next(1, 2_000_000_000)).Append('.').Append(random.Next(0, 1_000_000)).Append('"');
                    break;
                case 5:
                    if (depth > 34)
                    {
                        _sb.Append('0');
                        break;
                    }
                    _sb.Append('[');
                    var n = random.Next(0, 4);
                    for (var k = 0; k < n; k++)
                    {
                        if (k > 0)
                        {
                            _sb.Append(',');
                        }
                        Space();
                        Value(depth + 1);
                        Space();
                    }
                    _sb.Append(']');
                    break;
                default:
                    if (depth > 34)
                    {
                        _sb.Append("{}");
                        break;
                    }
                    _sb.Append('{');
                    var members = random.Next(0, 4);
                    var first = true;
                    for (var k = 0; k < members; k++)
                    {
                        Comma(ref first);
                        Member(depth);
                    }
                    _sb.Append('}');
                    break;
            }
        }

        private void Number()
        {
            _sb.Append(random.Next(12) switch
            {
                0 => "-" + random.Next(0, 20),
                1 => random.Next(0, 20) + "." + random.Next(0, 100),
                2 => random.Next(1, 20) + "e" + random.Next(0, 3),
                3 => random.Next(1, 20) + "E-" + random.Next(0, 3),
                4 => "0",
                5 => "123456789012345678",
                6 => "9223372036854775808",
                _ => random.Next(0, 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        private void String()
        {
            _sb.Append('"');
            var n = random.Next(0, 12);
            for (var k = 0; k < n; k++)
            {
                _sb.Append(random.Next(14) switch
                {
                    0 => "\\\"",
                    1 => "\\\\",
                    2 => "\\n",
                    3 => "\\u00e9",
                    4 => "\\uD83D\\uDE00",
                    5 => "é",
                    6 => "\\/",
                    7 => "\\t",
                    8 => " ",
                    _ => ((char)random.Next('a', 'z' + 1)).ToString(),
                });
            }
            _sb.Append('"');
        }

        private void Comma(ref bool first)
        {
            if (!first)
            {
                _sb.Append(',');
            }
            first = false;
            Space();
        }

        private void Space()
        {
            if (random.Next(6) == 0)
            {
                _sb.Append(random.Next(4) switch { 0 => " ", 1 => "\t", 2 => "\r", _ => "  " });
            }
        }
    }
}
