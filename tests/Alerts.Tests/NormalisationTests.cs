using Socme.Alerts.Tests.Support;

namespace Socme.Alerts.Tests;

/// <summary>Field-by-field normalisation rules on small hand-written lines.</summary>
public class NormalisationTests
{
    [Fact]
    public void ParseWazuh_AllFields_AreNormalised()
    {
        var line = Lines.Wazuh(
            """{"level":10,"id":"5712","description":"sshd brute force","groups":["syslog","sshd","syslog"],"mitre":{"id":["T1110","T1110.001"],"tactic":["Credential Access","Credential Access"],"technique":["Brute Force"]}}""",
            """ "agent":{"id":"001","name":"web-1","ip":"10.0.0.5"},"id":"1652272159.1549653","data":{"srcip":"172.17.1.1","srcport":"56404","dstip":"10.0.0.5","dstport":22,"protocol":"TCP"}""");

        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseWazuh(line).Alert);

        Assert.Equal(AlertSource.Wazuh, alert.Source);
        Assert.Equal("1652272159.1549653", alert.Key);
        Assert.Equal(new DateTimeOffset(2022, 5, 11, 12, 29, 19, 905, TimeSpan.Zero), alert.Timestamp);
        Assert.Equal(10, alert.Level);
        Assert.Equal(SeverityBand.Medium, alert.Band);
        Assert.Equal("5712", alert.RuleId);
        Assert.Equal("sshd brute force", alert.RuleDescription);
        Assert.Equal(["syslog", "sshd"], alert.RuleGroups);
        Assert.Equal(["Credential Access"], alert.MitreTactics);
        Assert.Equal(["T1110", "T1110.001"], alert.MitreTechniques);
        Assert.Equal(("001", "web-1", "10.0.0.5"), (alert.AgentId, alert.AgentName, alert.AgentIp));
        Assert.Equal(("172.17.1.1", 56404, "10.0.0.5", 22), (alert.SrcIp, alert.SrcPort, alert.DstIp, alert.DstPort));
        Assert.Equal("TCP", alert.Protocol);
        Assert.Null(alert.Signature);
        Assert.Null(alert.Category);
    }

    [Fact]
    public void ParseWazuh_OptionalFieldsOfWrongType_AreTreatedAsAbsent()
    {
        var line = Lines.Wazuh(
            """{"level":5,"id":{"x":1},"description":42,"groups":7,"mitre":["T1110"]}""",
            """ "agent":"web-1","data":{"srcip":["1.2.3.4"],"srcport":"abc","dstport":70000,"dstip":null,"protocol":6}""");

        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseWazuh(line).Alert);

        Assert.Null(alert.RuleId);
        Assert.Null(alert.RuleDescription);
        Assert.Empty(alert.RuleGroups);
        Assert.Empty(alert.MitreTactics);
        Assert.Empty(alert.MitreTechniques);
        Assert.Null(alert.AgentName);
        Assert.Null(alert.SrcIp);
        Assert.Null(alert.SrcPort);
        Assert.Null(alert.DstPort);
        Assert.Null(alert.DstIp);
        Assert.Null(alert.Protocol);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("\"7\"", 7)]
    [InlineData("7.9", 7)]
    [InlineData("0", 0)]
    [InlineData("-3", 0)]
    [InlineData("16", 15)]
    [InlineData("99999999999999999999999", 15)]
    [InlineData("\"12\"", 12)]
    public void ParseWazuh_Level_IsNumericAndClamped(string levelJson, int expected)
    {
        var alert = AlertParser.ParseWazuh(Lines.Wazuh("{\"level\":" + levelJson + "}")).Alert;
        Assert.Equal(expected, Assert.IsType<NormalizedAlert>(alert).Level);
    }

    [Fact]
    public void ParseWazuh_NestedFieldsWithKnownNames_AreNotMistakenForTopLevelOnes()
    {
        var line = Lines.Utf8("""
            {"data":{"gcp":{"protocol":"UDP","srcip":"9.9.9.9"}},"x":{"rule":{"level":15},"timestamp":"bad"},"timestamp":"2022-05-11T12:29:19Z","rule":{"details":{"level":"15","id":"x"},"level":3,"id":"1"}}
            """);
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseWazuh(line).Alert);
        Assert.Equal(3, alert.Level);
        Assert.Equal("1", alert.RuleId);
        Assert.Null(alert.Protocol);
        Assert.Null(alert.SrcIp);
    }

    [Fact]
    public void ParseWazuh_SuricataAlertDecodedByWazuh_TakesEveAddressNames()
    {
        var line = Lines.Wazuh(extra: """ "data":{"src_ip":"1.1.1.1","src_port":"1234","dest_ip":"2.2.2.2","dest_port":"80","proto":"TCP"}""");
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseWazuh(line).Alert);
        Assert.Equal(("1.1.1.1", 1234, "2.2.2.2", 80, "TCP"), (alert.SrcIp, alert.SrcPort, alert.DstIp, alert.DstPort, alert.Protocol));
    }

    [Fact]
    public void ParseWazuh_EscapedNamesAndValues_AreUnescaped()
    {
        var line = Lines.Utf8("""{"time\u0073tamp":"2022-05-11T12:29:19.905\u002B0000","rule":{"le\u0076el":"\u0035","description":"a \"quoted\" \u00e9 \ud83d\ude00"},"id":"1652272159\u002E1"}""");
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseWazuh(line).Alert);
        Assert.Equal(5, alert.Level);
        Assert.Equal("a \"quoted\" é 😀", alert.RuleDescription);
        Assert.Equal("1652272159.1", alert.Key);
    }

    [Fact]
    public void ParseWazuh_RawAndLineEndings_RawIsTheLineWithoutTrailingNewline()
    {
        var text = """{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{"level":5},  "note":"é"}  """;
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseWazuh(Lines.Utf8(text + "\r\n")).Alert);
        Assert.Equal(text, alert.Raw);
    }

    [Fact]
    public void ParseSuricata_AllFields_AreNormalised()
    {
        var line = Lines.SuricataAlert(
            """{"action":"allowed","gid":1,"signature_id":2001219,"rev":19,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2}""",
            """ "flow_id":1,"in_iface":"eth0","host":"sensor-1","src_ip":"8.42.77.171","src_port":49678,"dest_ip":"138.68.3.71","dest_port":22,"proto":"TCP" """);

        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line).Alert);

        Assert.Equal(AlertSource.Suricata, alert.Source);
        Assert.Equal(64, alert.Key.Length);
        Assert.Equal(new DateTimeOffset(2017, 1, 30, 21, 4, 22, TimeSpan.Zero).AddTicks(8039130), alert.Timestamp);
        Assert.Equal(8, alert.Level);
        Assert.Equal("2001219", alert.RuleId);
        Assert.Equal("ET SCAN Potential SSH Scan", alert.RuleDescription);
        Assert.Equal("ET SCAN Potential SSH Scan", alert.Signature);
        Assert.Equal("Attempted Information Leak", alert.Category);
        Assert.Equal(["Attempted Information Leak"], alert.RuleGroups);
        Assert.Equal("sensor-1", alert.AgentName);
        Assert.Null(alert.AgentId);
        Assert.Null(alert.AgentIp);
        Assert.Equal(("8.42.77.171", 49678, "138.68.3.71", 22), (alert.SrcIp, alert.SrcPort, alert.DstIp, alert.DstPort));
        Assert.Equal("TCP", alert.Protocol);
    }

    [Fact]
    public void ParseSuricata_EtMitreMetadata_TacticIdsBecomeCanonicalNamesAndTechniquesStayIds()
    {
        var line = Lines.SuricataAlert("""
            {"signature_id":2044877,"signature":"ET MALWARE x","category":"A Network Trojan was detected","severity":1,"metadata":{"mitre_tactic_id":["TA0011","TA0011"],"mitre_tactic_name":["Command_And_Control"],"mitre_technique_id":["T1071","T1071.001"],"mitre_technique_name":["Application_Layer_Protocol"],"signature_severity":["Major"]}}
            """);
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line).Alert);
        Assert.Equal(["Command and Control"], alert.MitreTactics);
        Assert.Equal(["T1071", "T1071.001"], alert.MitreTechniques);
        Assert.Equal(12, alert.Level);
        Assert.Equal(SeverityBand.High, alert.Band);
    }

    [Theory]
    [InlineData("""{"mitre_tactic_name":["Initial_Access","lateral_movement","Some_New_Tactic"]}""", new[] { "Initial Access", "Lateral Movement", "Some New Tactic" })]
    [InlineData("""{"mitre_tactic_id":["TA0001","TA9999"]}""", new[] { "Initial Access", "TA9999" })]
    [InlineData("""{"mitre_tactic_id":"TA0040"}""", new[] { "Impact" })]
    [InlineData("""{"mitre_tactic_id":[1,{"a":"TA0001"}],"mitre_technique_id":7}""", new string[0])]
    public void ParseSuricata_MitreTactics_PreferIdsElseCanonicalisedNames(string metadata, string[] expected)
    {
        var line = Lines.SuricataAlert("""{"severity":1,"metadata":""" + metadata + "}");
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line).Alert);
        Assert.Equal(expected, alert.MitreTactics);
    }

    [Fact]
    public void ParseSuricata_OptionalFieldsOfWrongType_AreTreatedAsAbsent()
    {
        var line = Lines.SuricataAlert(
            """{"signature_id":[1],"signature":{"a":1},"category":false,"severity":"high","metadata":"x"}""",
            """ "src_ip":1,"src_port":"abc","dest_ip":{},"dest_port":-1,"proto":null,"host":7""");
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line).Alert);
        Assert.Null(alert.RuleId);
        Assert.Null(alert.Signature);
        Assert.Null(alert.Category);
        Assert.Empty(alert.RuleGroups);
        Assert.Equal(Severity.FromSuricataSeverity(3), alert.Level);
        Assert.Null(alert.SrcIp);
        Assert.Null(alert.SrcPort);
        Assert.Null(alert.DstIp);
        Assert.Null(alert.DstPort);
        Assert.Null(alert.Protocol);
        Assert.Null(alert.AgentName);
    }

    [Theory]
    [InlineData("dns")]
    [InlineData("flow")]
    [InlineData("stats")]
    [InlineData("something-new")]
    public void ParseSuricata_NonAlertEvent_ReturnsNotAnAlertWithItsType(string eventType)
    {
        var result = AlertParser.ParseSuricata(Lines.Utf8($$$"""{"timestamp":"2017-01-30T21:04:22.803913+0000","event_type":"{{{eventType}}}","dns":{}}"""));
        Assert.True(result.IsNonAlert);
        Assert.False(result.IsError);
        Assert.Equal(eventType, result.NonAlertEventType);
    }

    [Fact]
    public void ParseSuricata_NonAlertWithoutTimestamp_IsStillNotAnAlert() =>
        Assert.Equal("stats", AlertParser.ParseSuricata(Lines.Utf8("""{"event_type":"stats","stats":{"uptime":1}}""")).NonAlertEventType);

    [Fact]
    public void ParseSuricata_Anomaly_IsNotAnAlertUnlessOptedIn()
    {
        var line = Lines.Utf8("""{"timestamp":"2016-01-11T05:10:54.612110-0800","event_type":"anomaly","src_ip":"192.168.122.149","proto":"TCP","anomaly":{"type":"applayer","event":"APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION","layer":"proto_detect"}}""");

        Assert.Equal("anomaly", AlertParser.ParseSuricata(line).NonAlertEventType);

        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line, new ParseOptions { SuricataAnomalyIsAlert = true }).Alert);
        Assert.Equal(3, alert.Level);
        Assert.Equal("APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION", alert.Signature);
        Assert.Equal("applayer", alert.Category);
        Assert.Null(alert.RuleId);
        Assert.Equal(TimeSpan.FromHours(-8), alert.Timestamp.Offset);
    }

    [Fact]
    public void ParseSuricata_AnomalyWithOnlyType_UsesTypeAsSignature()
    {
        var line = Lines.Utf8("""{"timestamp":"2016-01-11T05:10:54Z","event_type":"anomaly","anomaly":{"type":"decode"}}""");
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line, new ParseOptions { SuricataAnomalyIsAlert = true }).Alert);
        Assert.Equal("decode", alert.Signature);
    }

    [Fact]
    public void ParseSuricata_AlertObjectBeforeEventType_IsStillAnAlert()
    {
        var line = Lines.Utf8("""{"alert":{"severity":1,"signature":"s"},"timestamp":"2017-01-30T21:04:22Z","event_type":"alert"}""");
        Assert.Equal(12, Assert.IsType<NormalizedAlert>(AlertParser.ParseSuricata(line).Alert).Level);
    }

    [Theory]
    [InlineData("2022-05-11T12:29:19.905+0000", 2022, 5, 11, 12, 29, 19, 9_050_000, 0)]
    [InlineData("2017-01-30T21:04:22.803913+0000", 2017, 1, 30, 21, 4, 22, 8_039_130, 0)]
    [InlineData("2022-05-11T12:29:19Z", 2022, 5, 11, 12, 29, 19, 0, 0)]
    [InlineData("2022-05-11T12:29:19.5z", 2022, 5, 11, 12, 29, 19, 5_000_000, 0)]
    [InlineData("2022-05-11T12:29:19.123456789+00:00", 2022, 5, 11, 12, 29, 19, 1_234_567, 0)]
    [InlineData("2022-05-11T12:29:19+05:30", 2022, 5, 11, 12, 29, 19, 0, 330)]
    [InlineData("2022-05-11T12:29:19-0800", 2022, 5, 11, 12, 29, 19, 0, -480)]
    [InlineData("2022-05-11T12:29:19+02", 2022, 5, 11, 12, 29, 19, 0, 120)]
    [InlineData("2019-01-02T03:50:11.315110", 2019, 1, 2, 3, 50, 11, 3_151_100, 0)]
    [InlineData("2024-02-29 23:59:59", 2024, 2, 29, 23, 59, 59, 0, 0)]
    public void ParseWazuh_Timestamp_AcceptsIso8601Variants(string text, int y, int mo, int d, int h, int mi, int s, long fractionTicks, int offsetMinutes)
    {
        var line = Lines.Utf8($$$"""{"timestamp":"{{{text}}}","rule":{"level":1}}""");
        var alert = Assert.IsType<NormalizedAlert>(AlertParser.ParseWazuh(line).Alert);
        var expected = new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.FromMinutes(offsetMinutes)).AddTicks(fractionTicks);
        Assert.Equal(expected, alert.Timestamp);
        Assert.Equal(expected.Offset, alert.Timestamp.Offset);
    }

    [Theory]
    [InlineData("2022-05-11")]
    [InlineData("2022-05-11T12:29")]
    [InlineData("2022-05-11T24:00:00Z")]
    [InlineData("2022-05-11T12:60:00Z")]
    [InlineData("2022-05-11T12:29:60Z")]
    [InlineData("2023-02-29T12:29:19Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+0100")]
    [InlineData("9999-12-31T23:59:59-0100")]
    [InlineData("2022-05-11T12:29:19.+0000")]
    [InlineData("2022-05-11T12:29:19+1500")]
    [InlineData("2022-05-11T12:29:19+0060")]
    [InlineData("2022-05-11T12:29:19+00:0")]
    [InlineData("2022-05-11T12:29:19 +0000")]
    [InlineData("2022-05-11T12:29:19Zjunk")]
    [InlineData("2022/05/11T12:29:19Z")]
    [InlineData("")]
    public void ParseWazuh_TimestampInvalid_ReturnsWrongShape(string text)
    {
        var line = Lines.Utf8($$$"""{"timestamp":"{{{text}}}","rule":{"level":1}}""");
        Assert.Equal(ParseErrorCode.WrongShape, AlertParser.ParseWazuh(line).Error);
    }
}
