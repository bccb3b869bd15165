using Socme.Alerts;
using Socme.Integrations.Tests.Support;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests;

/// <summary>Mapping details of the request body and of TheHive's error answers.</summary>
public sealed class AlertPayloadTests
{
    private static readonly TheHiveOptions V1 = new() { BaseUrl = new Uri("https://hive.example/"), ApiKey = "k" };

    [Theory]
    [InlineData(SeverityBand.Low, TheHiveApiFlavour.V1, 1)]
    [InlineData(SeverityBand.Medium, TheHiveApiFlavour.V1, 2)]
    [InlineData(SeverityBand.High, TheHiveApiFlavour.V1, 3)]
    [InlineData(SeverityBand.Critical, TheHiveApiFlavour.V1, 4)]
    [InlineData(SeverityBand.Critical, TheHiveApiFlavour.Legacy, 3)]
    [InlineData(SeverityBand.Low, TheHiveApiFlavour.Legacy, 1)]
    public void SeverityOf_Band_TheHiveSeverity(SeverityBand band, TheHiveApiFlavour flavour, int expected) =>
        Assert.Equal(expected, AlertPayload.SeverityOf(band, flavour));

    [Fact]
    public void Tags_DeduplicatedTrimmedAndOrdered()
    {
        var input = Sample.Input() with
        {
            ClientName = " Acme ",
            RuleId = null,
            AgentName = "",
            MitreTechniques = ["T1110", "t1110", "T1078.004"],
            Tags = ["  ", "SOCME", "x" + new string('y', 300)],
            Source = AlertSource.Suricata,
        };

        var tags = AlertPayload.Tags(input);

        Assert.Equal(["socme", "client:Acme", "source:suricata", "T1110", "T1078.004", "x" + new string('y', 127)], tags);
    }

    [Fact]
    public void Build_RawJsonWithBackticks_FenceLongerThanAnyRun()
    {
        var input = Sample.Input() with { RawJson = """{"full_log":"a ``` b ```` c"}""" };

        var description = (string)AlertPayload.Build(V1, input, [])["description"]!;

        Assert.Contains("\n`````json\n{\"full_log\":\"a ``` b ```` c\"}\n`````", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LongRawJson_Cut()
    {
        var options = new TheHiveOptions { BaseUrl = V1.BaseUrl, ApiKey = "k", MaxRawJsonChars = 10 };
        var input = Sample.Input() with { RawJson = "{\"a\":\"0123456789abcdef\"}" };

        var description = (string)AlertPayload.Build(options, input, [])["description"]!;

        Assert.Contains("```json\n{\"a\":\"0123\n```", description, StringComparison.Ordinal);
        Assert.EndsWith("(raw alert cut at 10 characters)", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EmptyTitleAndDescription_Placeholders()
    {
        var body = AlertPayload.Build(V1, Sample.Input() with { Title = " ", Description = "", RawJson = null }, []);

        Assert.Equal("SOCme alert", (string?)body["title"]);
        Assert.Equal("(no description)", (string?)body["description"]);
    }

    [Fact]
    public void Build_VeryLongTitle_Cut()
    {
        var body = AlertPayload.Build(V1, Sample.Input() with { Title = new string('t', 2000) }, []);

        Assert.Equal(AlertPayload.MaxTitleLength, ((string)body["title"]!).Length);
    }

    [Theory]
    [InlineData("""{"type":"CreateError","message":"Alert socme:SOCme:1 already exist in organisation SOC"}""", true)]
    [InlineData("""{"type":"ConflictError","message":"[alert][d159c8f7]: version conflict, document already exists (current version [1])","object":{}}""", true)]
    [InlineData("""{"type":"CreateError","message":"Observable already exists"}""", false)]
    [InlineData("""{"type":"AttributeCheckingError","message":"[title: MissingAttribute]"}""", false)]
    [InlineData("version conflict, document already exists for alert", true)]
    [InlineData("", false)]
    [InlineData("<html>oops</html>", false)]
    public void TheHiveError_IsDuplicateAlert(string body, bool expected) =>
        Assert.Equal(expected, TheHiveError.Parse(body).IsDuplicateAlert);

    [Fact]
    public void AlertLink_UiBaseUrlAndEscaping()
    {
        using var http = new HttpClient();
        var options = new TheHiveOptions { BaseUrl = new Uri("http://10.0.0.5:9000/"), UiBaseUrl = new Uri("https://hive.example/th/"), ApiKey = "k" };

        var link = new TheHiveClient(http, options).AlertLink("~123/x");

        Assert.Equal("https://hive.example/th/alerts/~123%2Fx/details", link.AbsoluteUri);
    }
}
