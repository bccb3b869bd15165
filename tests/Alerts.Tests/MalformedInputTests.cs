using System.Diagnostics;
using Socme.Alerts.Tests.Support;

namespace Socme.Alerts.Tests;

/// <summary>Broken input gives the expected <see cref="ParseErrorCode"/>, for both sources, and never throws.</summary>
public class MalformedInputTests
{
    private static readonly AlertSource[] Sources = [AlertSource.Wazuh, AlertSource.Suricata];

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData(" \t \r")]
    public void Parse_EmptyOrWhitespace_ReturnsEmpty(string line)
    {
        foreach (var source in Sources)
        {
            AssertError(ParseErrorCode.Empty, AlertParser.Parse(source, Lines.Utf8(line)));
        }
    }

    [Fact]
    public void Parse_TruncatedRealLine_ReturnsInvalidJson()
    {
        var wazuh = Corpus.Line(AlertSource.Wazuh, Corpus.WazuhReal, 42).Bytes;
        var suricata = Corpus.Line(AlertSource.Suricata, "surevego-testdata-eve.json", 49).Bytes;
        foreach (var cut in new[] { 1, 10, wazuh.Length / 2, wazuh.Length - 1 })
        {
            AssertError(ParseErrorCode.InvalidJson, AlertParser.ParseWazuh(wazuh.AsSpan(0, cut)));
        }
        foreach (var cut in new[] { 1, 10, suricata.Length / 2, suricata.Length - 1 })
        {
            AssertError(ParseErrorCode.InvalidJson, AlertParser.ParseSuricata(suricata.AsSpan(0, cut)));
        }
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("<alert level=\"5\"/>")]
    [InlineData("{'timestamp': 1}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("{\"a\":1 // comment\n}")]
    [InlineData("[1,2")]
    [InlineData("\"unterminated")]
    public void Parse_NotJson_ReturnsInvalidJson(string line)
    {
        foreach (var source in Sources)
        {
            AssertError(ParseErrorCode.InvalidJson, AlertParser.Parse(source, Lines.Utf8(line)));
        }
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("[{\"rule\":{\"level\":5}}]")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("-1.5e3")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{}")]
    public void Parse_WrongTopLevelShape_ReturnsWrongShape(string line)
    {
        foreach (var source in Sources)
        {
            AssertError(ParseErrorCode.WrongShape, AlertParser.Parse(source, Lines.Utf8(line)));
        }
    }

    [Theory]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000"}""")]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":"5712"}""")]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":[{"level":5}]}""")]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"id":"1"}}""")]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"level":{"value":5}}}""")]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"level":[5]}}""")]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"level":"high"}}""")]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"level":true}}""")]
    [InlineData("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"level":null}}""")]
    [InlineData("""{"rule":{"level":5}}""")]
    [InlineData("""{"timestamp":1652272159,"rule":{"level":5}}""")]
    [InlineData("""{"timestamp":"yesterday","rule":{"level":5}}""")]
    [InlineData("""{"timestamp":"2022-13-11T12:29:19+0000","rule":{"level":5}}""")]
    [InlineData("""{"timestamp":"2022-02-30T12:29:19+0000","rule":{"level":5}}""")]
    public void ParseWazuh_RequiredFieldMissingOrWrongType_ReturnsWrongShape(string line) =>
        AssertError(ParseErrorCode.WrongShape, AlertParser.ParseWazuh(Lines.Utf8(line)));

    [Theory]
    [InlineData("""{"timestamp":"2017-01-30T21:04:22.803913+0000","alert":{"severity":1}}""")]
    [InlineData("""{"timestamp":"2017-01-30T21:04:22.803913+0000","event_type":1,"alert":{"severity":1}}""")]
    [InlineData("""{"timestamp":"2017-01-30T21:04:22.803913+0000","event_type":["alert"],"alert":{"severity":1}}""")]
    [InlineData("""{"timestamp":"2017-01-30T21:04:22.803913+0000","event_type":"alert"}""")]
    [InlineData("""{"timestamp":"2017-01-30T21:04:22.803913+0000","event_type":"alert","alert":"ET SCAN"}""")]
    [InlineData("""{"event_type":"alert","alert":{"severity":1}}""")]
    [InlineData("""{"timestamp":"not a time","event_type":"alert","alert":{"severity":1}}""")]
    public void ParseSuricata_RequiredFieldMissingOrWrongType_ReturnsWrongShape(string line) =>
        AssertError(ParseErrorCode.WrongShape, AlertParser.ParseSuricata(Lines.Utf8(line)));

    [Fact]
    public void Parse_SystemSource_ReturnsWrongShape()
    {
        AssertError(ParseErrorCode.WrongShape, AlertParser.Parse(AlertSource.System, Lines.Wazuh()));
        AssertError(ParseErrorCode.WrongShape, AlertParser.Parse((AlertSource)99, Lines.Wazuh()));
    }

    [Fact]
    public void Parse_TenMegabyteLine_ReturnsTooLongQuickly()
    {
        var prefix = Lines.Utf8("""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"level":5},"full_log":" """);
        var line = new byte[10 * 1024 * 1024];
        line.AsSpan().Fill((byte)'a');
        prefix.CopyTo(line, 0);
        line[^2] = (byte)'"';
        line[^1] = (byte)'}';

        var watch = Stopwatch.StartNew();
        foreach (var source in Sources)
        {
            for (var i = 0; i < 100; i++)
            {
                AssertError(ParseErrorCode.TooLong, AlertParser.Parse(source, line));
            }
        }
        watch.Stop();
        // 200 rejections of a 10 MB line: a parse (or even one UTF-8 scan) of each would take far longer.
        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Parse_LineOverConfiguredLimit_ReturnsTooLong()
    {
        var line = Lines.Wazuh();
        var options = new ParseOptions { MaxLineBytes = line.Length - 1 };
        AssertError(ParseErrorCode.TooLong, AlertParser.ParseWazuh(line, options));
        Assert.True(AlertParser.ParseWazuh(line, options with { MaxLineBytes = line.Length }).IsAlert);
    }

    [Fact]
    public void Parse_LineAtLimitWithNewline_IsNotTooLong()
    {
        var line = Lines.Wazuh();
        var withNewline = line.Concat("\r\n"u8.ToArray()).ToArray();
        Assert.True(AlertParser.ParseWazuh(withNewline, new ParseOptions { MaxLineBytes = line.Length }).IsAlert);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 })]
    public void Parse_InvalidUtf8InAString_ReturnsInvalidUtf8(byte[] bad)
    {
        var line = Lines.Utf8("""{"timestamp":"2022-05-11T12:29:19.905+0000","event_type":"alert","alert":{"severity":1},"rule":{"level":5,"description":"x""")
            .Concat(bad)
            .Concat(Lines.Utf8("\"}}"))
            .ToArray();
        foreach (var source in Sources)
        {
            AssertError(ParseErrorCode.InvalidUtf8, AlertParser.Parse(source, line));
        }
    }

    [Fact]
    public void Parse_InvalidUtf8OutsideStrings_ReturnsInvalidUtf8()
    {
        byte[] line = [0xFE, 0xFF, (byte)'{', (byte)'}'];
        foreach (var source in Sources)
        {
            AssertError(ParseErrorCode.InvalidUtf8, AlertParser.Parse(source, line));
        }
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{\"a\":", "}")]
    public void Parse_TenThousandDeepNesting_ReturnsTooDeep(string open, string close)
    {
        var deep = string.Concat(Enumerable.Repeat(open, 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000));
        var inAlert = """{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"level":5},"event_type":"alert","alert":{},"x":""" + deep + "}";
        foreach (var source in Sources)
        {
            AssertError(ParseErrorCode.TooDeep, AlertParser.Parse(source, Lines.Utf8(deep)));
            AssertError(ParseErrorCode.TooDeep, AlertParser.Parse(source, Lines.Utf8(inAlert)));
            // Unbalanced (cut) deep nesting is still reported as too deep: the limit is met before the end.
            AssertError(ParseErrorCode.TooDeep, AlertParser.Parse(source, Lines.Utf8(deep[..15_000])));
        }
    }

    [Fact]
    public void Parse_NestingExactlyAtLimit_IsAcceptedAndOneMoreIsTooDeep()
    {
        // The root object is level 1, "x" opens levels 2..n.
        static byte[] Nested(int total) => Lines.Wazuh(extra: "\"x\":" + new string('[', total - 1) + new string(']', total - 1));
        var options = new ParseOptions { MaxDepth = 10 };
        Assert.True(AlertParser.ParseWazuh(Nested(10), options).IsAlert);
        AssertError(ParseErrorCode.TooDeep, AlertParser.ParseWazuh(Nested(11), options));
    }

    [Fact]
    public void Parse_InvalidUtf8BeatsTooDeepAndTooLongBeatsAll_OrderIsStable()
    {
        var deepAndBad = Lines.Utf8(new string('[', 100)).Concat(new byte[] { 0xFF }).ToArray();
        AssertError(ParseErrorCode.InvalidUtf8, AlertParser.ParseWazuh(deepAndBad));
        AssertError(ParseErrorCode.TooLong, AlertParser.ParseWazuh(deepAndBad, new ParseOptions { MaxLineBytes = 50 }));
    }

    [Fact]
    public void Parse_ErrorResult_HasMessageAndNoAlert()
    {
        var result = AlertParser.ParseWazuh(Lines.Utf8("{\"a\":"));
        Assert.True(result.IsError);
        Assert.False(result.IsAlert);
        Assert.False(result.IsNonAlert);
        Assert.False(string.IsNullOrWhiteSpace(result.ErrorMessage));
    }

    private static void AssertError(ParseErrorCode expected, ParseResult result)
    {
        Assert.False(result.IsAlert, "expected an error, got an alert");
        Assert.Equal(expected, result.Error);
        Assert.False(string.IsNullOrEmpty(result.ErrorMessage));
    }
}
