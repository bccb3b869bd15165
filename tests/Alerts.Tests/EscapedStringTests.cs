using Socme.Alerts.Tests.Support;

namespace Socme.Alerts.Tests;

/// <summary>
/// JSON escapes in the fields that are read. An escaped lone surrogate is valid JSON (RFC 8259) and may come from
/// attacker-chosen log text: it must not make a real alert fail to parse.
/// </summary>
public class EscapedStringTests
{
    [Theory]
    [InlineData("\\uD800", "\uFFFD")]
    [InlineData("\\uDC00x", "\uFFFDx")]
    [InlineData("a\\uD83D\\u0041", "a\uFFFDA")]
    [InlineData("\\uD83D\\uDE00", "😀")]
    [InlineData("\\uD83D\\uD83D\\uDE00", "\uFFFD😀")]
    [InlineData("tab\\tnl\\ncr\\rq\\\"bs\\\\sl\\/b\\bf\\f", "tab\tnl\ncr\rq\"bs\\sl/b\bf\f")]
    [InlineData("\\u00e9\\u0800\\u00", "é\u0800\\u00")]
    public void ParseWazuh_EscapedDescription_IsDecodedWithoutFailing(string escaped, string expected)
    {
        var line = Lines.Wazuh("{\"level\":5,\"description\":\"" + escaped + "\"}");
        var result = AlertParser.ParseWazuh(line);
        if (escaped.EndsWith("\\u00", StringComparison.Ordinal))
        {
            // A truncated \u escape is a syntax error the reader rejects.
            Assert.Equal(ParseErrorCode.InvalidJson, result.Error);
            return;
        }
        Assert.Equal(expected, Assert.IsType<NormalizedAlert>(result.Alert).RuleDescription);
    }

    [Fact]
    public void ParseSuricata_LoneSurrogatesInEveryReadField_StillAnAlert()
    {
        var line = Lines.SuricataAlert(
            """{"signature_id":"1\uD800","signature":"sig \uDFFF","category":"\uD800","severity":1,"metadata":{"mitre_tactic_name":["x\uD800"],"mitre_technique_id":["T\uD800"]}}""",
            """ "src_ip":"\uD800","dest_ip":"\uDC00","proto":"\uD800","host":"h\uD800" """);
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line).Alert);
        Assert.Equal("sig \uFFFD", alert.Signature);
        Assert.Equal("h\uFFFD", alert.AgentName);
        Assert.Equal(["x\uFFFD"], alert.MitreTactics);
    }

    [Fact]
    public void ParseSuricata_EscapedEventType_IsRecognised()
    {
        var line = Lines.Utf8("""{"timestamp":"2017-01-30T21:04:22Z","event_type":"\u0061lert","alert":{"severity":2}}""");
        Assert.Equal(8, Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line).Alert).Level);
        var dns = Lines.Utf8("""{"event_type":"dn\u0073\uD800"}""");
        Assert.Equal("dns\uFFFD", AlertParser.ParseSuricata(dns).NonAlertEventType);
    }

    [Fact]
    public void ParseWazuh_LoneSurrogateInTimestampOrId_IsWrongShapeOrHashedNotAnException()
    {
        var badTime = Lines.Utf8("""{"timestamp":"2022-05-11T12:29:19\uD800","rule":{"level":5}}""");
        Assert.Equal(ParseErrorCode.WrongShape, AlertParser.ParseWazuh(badTime).Error);

        var badId = Lines.Wazuh(extra: "\"id\":\"1.\\uD800\"");
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseWazuh(badId).Alert);
        Assert.Equal(64, alert.Key.Length);
        Assert.Equal(alert.Key, AlertParser.StableKey(AlertSource.Wazuh, badId));
    }
}
