using System.Security.Cryptography;
using Socme.Alerts.Tests.Support;

namespace Socme.Alerts.Tests;

public class StableKeyTests
{
    [Fact]
    public void StableKey_WazuhWithWellFormedId_IsTheId()
    {
        var line = Lines.Wazuh(extra: "\"id\":\"1652272159.1549653\"");
        Assert.Equal("1652272159.1549653", AlertParser.StableKey(AlertSource.Wazuh, line));
        Assert.Equal("1652272159.1549653", AlertParser.ParseWazuh(line).Alert!.Key);
    }

    [Theory]
    [InlineData("\"id\":\"1652272159\"")]
    [InlineData("\"id\":\"1652272159.\"")]
    [InlineData("\"id\":\".1549653\"")]
    [InlineData("\"id\":\"1652272159.1549653.1\"")]
    [InlineData("\"id\":\"1652272159.15x\"")]
    [InlineData("\"id\":\"123456789012345678901.1\"")]
    [InlineData("\"id\":\" 1652272159.1\"")]
    [InlineData("\"id\":1652272159.1549653")]
    [InlineData("\"id\":null")]
    [InlineData("\"ids\":\"1652272159.1549653\"")]
    [InlineData("\"data\":{\"id\":\"1652272159.1549653\"}")]
    public void StableKey_WazuhWithoutWellFormedTopLevelId_IsSha256OfTheLine(string member)
    {
        var line = Lines.Wazuh(extra: member);
        var expected = Convert.ToHexStringLower(SHA256.HashData(line));
        Assert.Equal(expected, AlertParser.StableKey(AlertSource.Wazuh, line));
        Assert.Equal(expected, AlertParser.ParseWazuh(line).Alert!.Key);
    }

    [Fact]
    public void StableKey_WazuhIdWithTwentyDigitParts_IsTheId()
    {
        var id = "12345678901234567890.12345678901234567890";
        Assert.Equal(id, AlertParser.StableKey(AlertSource.Wazuh, Lines.Wazuh(extra: $"\"id\":\"{id}\"")));
    }

    [Fact]
    public void StableKey_Suricata_IsAlwaysTheHashEvenWithAnId()
    {
        var line = Lines.SuricataAlert(extra: "\"id\":\"1652272159.1549653\"");
        var expected = Convert.ToHexStringLower(SHA256.HashData(line));
        Assert.Equal(expected, AlertParser.StableKey(AlertSource.Suricata, line));
        Assert.Equal(expected, AlertParser.ParseSuricata(line).Alert!.Key);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r\n\r\n")]
    public void StableKey_TrailingNewline_IsTrimmedBeforeHashing(string ending)
    {
        var line = Lines.SuricataAlert();
        var withEnding = line.Concat(Lines.Utf8(ending)).ToArray();
        Assert.Equal(AlertParser.StableKey(AlertSource.Suricata, line), AlertParser.StableKey(AlertSource.Suricata, withEnding));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(line)), AlertParser.StableKey(AlertSource.Suricata, withEnding));
    }

    [Fact]
    public void StableKey_SameLineTwice_IsDeterministic()
    {
        var wazuh = Corpus.Line(AlertSource.Wazuh, Corpus.WazuhReal, 42).Bytes;
        var suricata = Corpus.Line(AlertSource.Suricata, "surevego-testdata-eve.json", 49).Bytes;
        Assert.Equal(AlertParser.StableKey(AlertSource.Wazuh, wazuh), AlertParser.StableKey(AlertSource.Wazuh, wazuh.ToArray()));
        Assert.Equal(AlertParser.StableKey(AlertSource.Suricata, suricata), AlertParser.StableKey(AlertSource.Suricata, suricata.ToArray()));
        Assert.Equal("1652272159.1549653", AlertParser.StableKey(AlertSource.Wazuh, wazuh));
        Assert.Matches("^[0-9a-f]{64}$", AlertParser.StableKey(AlertSource.Suricata, suricata));
    }

    [Fact]
    public void StableKey_DifferentLines_HaveDifferentHashes()
    {
        var a = Lines.SuricataAlert(extra: "\"flow_id\":1");
        var b = Lines.SuricataAlert(extra: "\"flow_id\":2");
        Assert.NotEqual(AlertParser.StableKey(AlertSource.Suricata, a), AlertParser.StableKey(AlertSource.Suricata, b));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"id\":\"1.1\"")]
    public void StableKey_NotAnAlert_IsStillAKeyAndDoesNotThrow(string text)
    {
        var key = AlertParser.StableKey(AlertSource.Wazuh, Lines.Utf8(text));
        Assert.False(string.IsNullOrEmpty(key));
    }

    [Fact]
    public void StableKey_WazuhIdAfterDeepUnrelatedValue_IsFound()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var line = Lines.Wazuh(extra: $"\"x\":{deep},\"id\":\"1.2\"");
        Assert.Equal("1.2", AlertParser.StableKey(AlertSource.Wazuh, line));
    }
}
