using System.Text.Json.Nodes;
using Socme.Alerts;
using Socme.Integrations.Tests.Fakes;
using Socme.Integrations.Tests.Support;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests;

/// <summary>TheHive 3/4 legacy API: <c>POST /api/alert</c> with <c>artifacts</c>.</summary>
public sealed class LegacyFlavourTests
{
    [Fact]
    public async Task EscalateAsync_Legacy_PostsApiAlertWithArtifacts()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake, o => { o.Flavour = TheHiveApiFlavour.Legacy; o.Tlp = 4; });

        var result = await sut.Client.EscalateAsync(Sample.Input() with { Level = 15 });

        Assert.Equal(EscalationOutcome.Created, result.Outcome);
        var request = Assert.Single(fake.Requests);
        Assert.Equal(("POST", "/api/alert"), (request.Method, request.Path));
        Assert.Equal($"Bearer {fake.ApiKey}", request.Headers["Authorization"]);

        var body = Assert.Single(fake.ReceivedAlertBodies);
        Assert.Equal(3, (int?)body["severity"]); // critical has no legacy level
        Assert.Equal(3, (int?)body["tlp"]);      // red is 3 on legacy
        Assert.False(body.ContainsKey("observables"));
        Assert.False(body.ContainsKey("pap"));
        Assert.False(body.ContainsKey("externalLink"));
        Assert.Contains("[Open in SOCme](https://socme.example/alerts/1001)", (string?)body["description"], StringComparison.Ordinal);
        Assert.Equal(
            ["ip|203.0.113.7", "ip|10.0.0.50", "other|paco"],
            body["artifacts"]!.AsArray().Select(a => $"{(string?)a!["dataType"]}|{(string?)a["data"]}"));

        var stored = Assert.Single(fake.Alerts);
        Assert.True(stored.Legacy);
        Assert.Equal(stored.Id, result.TheHiveId);
        Assert.Equal(new Uri($"{fake.BaseUrl}index.html#!/alert/{stored.Id}/details"), result.Link);
    }

    [Theory]
    [InlineData(SeverityBand.Low, 1)]
    [InlineData(SeverityBand.Medium, 2)]
    [InlineData(SeverityBand.High, 3)]
    [InlineData(SeverityBand.Critical, 3)]
    public async Task EscalateAsync_Legacy_SeverityOneToThree(SeverityBand band, int expected)
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake, o => o.Flavour = TheHiveApiFlavour.Legacy);

        var result = await sut.Client.EscalateAsync(Sample.Input() with { Band = band });

        Assert.Equal(EscalationOutcome.Created, result.Outcome);
        Assert.Equal(expected, (int?)Assert.Single(fake.ReceivedAlertBodies)["severity"]);
    }

    [Fact]
    public async Task EscalateAsync_LegacyTwice_AlreadyExistsFoundThroughSearch()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake, o => o.Flavour = TheHiveApiFlavour.Legacy);

        var first = await sut.Client.EscalateAsync(Sample.Input());
        var second = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.AlreadyExists, second.Outcome);
        Assert.Equal(first.TheHiveId, second.TheHiveId);
        Assert.Single(fake.Alerts);
        var search = fake.Requests[^1];
        Assert.Equal(("POST", "/api/alert/_search", "?range=0-1"), (search.Method, search.Path, search.Query));
        var expected = JsonNode.Parse("""
            {"query":{"_and":[{"_field":"type","_value":"socme"},{"_field":"source","_value":"SOCme"},{"_field":"sourceRef","_value":"1001"}]}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(search.Body)), search.Body);
    }
}
