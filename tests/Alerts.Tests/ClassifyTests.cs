using Socme.Alerts.Tests.Support;

namespace Socme.Alerts.Tests;

public class ClassifyTests
{
    [Fact]
    public void Classify_WazuhAlert_ReturnsAlertWithClampedLevel()
    {
        Assert.Equal(LineKind.Alert, AlertParser.Classify(AlertSource.Wazuh, Lines.Wazuh("""{"level":10}"""), out var level));
        Assert.Equal(10, level);
        Assert.Equal(LineKind.Alert, AlertParser.Classify(AlertSource.Wazuh, Lines.Wazuh("""{"level":"22"}"""), out level));
        Assert.Equal(15, level);
    }

    [Fact]
    public void Classify_WazuhLevelFound_DoesNotReadTheRestOfTheLine()
    {
        // Everything after rule.level is garbage: classification must stop before it.
        var line = Lines.Utf8("""{"timestamp":"x","rule":{"level":7,"description":""" + "\u0001 not json at all");
        Assert.Equal(LineKind.Alert, AlertParser.Classify(AlertSource.Wazuh, line, out var level));
        Assert.Equal(7, level);
        Assert.True(AlertParser.ParseWazuh(line).IsError);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("""{"rule":{"id":"1"}}""")]
    [InlineData("""{"rule":{"level":{}}}""")]
    [InlineData("""{"rule":"x"}""")]
    public void Classify_WazuhWithoutLevel_ReturnsInvalid(string text)
    {
        Assert.Equal(LineKind.Invalid, AlertParser.Classify(AlertSource.Wazuh, Lines.Utf8(text), out var level));
        Assert.Equal(-1, level);
    }

    [Fact]
    public void Classify_SuricataNonAlert_StopsAtEventType()
    {
        var line = Lines.Utf8("""{"timestamp":"2017-01-30T21:04:22Z","event_type":"dns","dns":{ this is not json""");
        Assert.Equal(LineKind.Other, AlertParser.Classify(AlertSource.Suricata, line, out var level));
        Assert.Equal(-1, level);
    }

    [Fact]
    public void Classify_SuricataAnomaly_ReturnsAnomalyLevel3()
    {
        var line = Lines.Utf8("""{"event_type":"anomaly","anomaly":{"type":"decode"}}""");
        Assert.Equal(LineKind.Anomaly, AlertParser.Classify(AlertSource.Suricata, line, out var level));
        Assert.Equal(3, level);
    }

    [Theory]
    [InlineData("""{"event_type":"alert","alert":{"severity":1}}""", 12)]
    [InlineData("""{"alert":{"severity":2},"event_type":"alert"}""", 8)]
    [InlineData("""{"event_type":"alert","alert":{"signature":"s"}}""", 5)]
    public void Classify_SuricataAlert_ReturnsMappedSeverity(string text, int expected)
    {
        Assert.Equal(LineKind.Alert, AlertParser.Classify(AlertSource.Suricata, Lines.Utf8(text), out var level));
        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData("""{"event_type":"alert"}""")]
    [InlineData("""{"event_type":7}""")]
    [InlineData("""{"timestamp":"2017-01-30T21:04:22Z"}""")]
    [InlineData("""{"event_type":"alert","alert":""")]
    public void Classify_SuricataWithoutWhatItNeeds_ReturnsInvalid(string text) =>
        Assert.Equal(LineKind.Invalid, AlertParser.Classify(AlertSource.Suricata, Lines.Utf8(text), out _));

    [Fact]
    public void Classify_TooLongOrSystem_ReturnsInvalid()
    {
        var line = Lines.Wazuh();
        Assert.Equal(LineKind.Invalid, AlertParser.Classify(AlertSource.Wazuh, line, out _, new ParseOptions { MaxLineBytes = 10 }));
        Assert.Equal(LineKind.Invalid, AlertParser.Classify(AlertSource.System, line, out _));
    }

    [Fact]
    public void Classify_DeepNesting_ReturnsInvalid()
    {
        var line = Lines.Utf8(new string('[', 10_000));
        Assert.Equal(LineKind.Invalid, AlertParser.Classify(AlertSource.Wazuh, line, out _));
        Assert.Equal(LineKind.Invalid, AlertParser.Classify(AlertSource.Suricata, line, out _));
    }
}
