namespace Socme.Alerts.Tests;

public class SeverityTests
{
    [Theory]
    [InlineData(0, SeverityBand.Low)]
    [InlineData(6, SeverityBand.Low)]
    [InlineData(7, SeverityBand.Medium)]
    [InlineData(11, SeverityBand.Medium)]
    [InlineData(12, SeverityBand.High)]
    [InlineData(14, SeverityBand.High)]
    [InlineData(15, SeverityBand.Critical)]
    public void BandOf_BoundaryLevels_AreInTheRightBand(int level, SeverityBand band) =>
        Assert.Equal(band, Severity.BandOf(level));

    [Theory]
    [InlineData(SeverityBand.Low, 0)]
    [InlineData(SeverityBand.Medium, 7)]
    [InlineData(SeverityBand.High, 12)]
    [InlineData(SeverityBand.Critical, 15)]
    public void MinLevelOf_EachBand_IsItsLowestLevel(SeverityBand band, int level)
    {
        Assert.Equal(level, Severity.MinLevelOf(band));
        Assert.Equal(band, Severity.BandOf(level));
        if (level > 0)
        {
            Assert.NotEqual(band, Severity.BandOf(level - 1));
        }
    }

    [Theory]
    [InlineData(1, 12, SeverityBand.High)]
    [InlineData(2, 8, SeverityBand.Medium)]
    [InlineData(3, 5, SeverityBand.Low)]
    [InlineData(4, 3, SeverityBand.Low)]
    [InlineData(0, 3, SeverityBand.Low)]
    [InlineData(-1, 3, SeverityBand.Low)]
    [InlineData(255, 3, SeverityBand.Low)]
    public void FromSuricataSeverity_Priority_MapsToLevelAndBand(int severity, int level, SeverityBand band)
    {
        Assert.Equal(level, Severity.FromSuricataSeverity(severity));
        Assert.Equal(band, Severity.BandOf(Severity.FromSuricataSeverity(severity)));
    }

    [Theory]
    [InlineData("1", 12)]
    [InlineData("2", 8)]
    [InlineData("3", 5)]
    [InlineData("4", 3)]
    public void ParseSuricata_AlertSeverity_UsesTheMapping(string severityJson, int level)
    {
        var line = Support.Lines.SuricataAlert("{\"severity\":" + severityJson + "}");
        Assert.Equal(level, AlertParser.ParseSuricata(line).Alert!.Level);
    }

    [Fact]
    public void ParseSuricata_AlertWithoutSeverity_UsesSuricataDefaultPriority3()
    {
        var line = Support.Lines.SuricataAlert("{\"signature\":\"s\"}");
        Assert.Equal(Severity.FromSuricataSeverity(3), AlertParser.ParseSuricata(line).Alert!.Level);
    }
}
