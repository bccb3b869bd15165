using System.Text.Json.Nodes;
using Socme.Alerts;
using Socme.Integrations.Tests.Fakes;
using Socme.Integrations.Tests.Support;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests;

/// <summary>What the client sends to TheHive 5 (<c>POST /api/v1/alert</c>), checked on the fake's side.</summary>
public sealed class EscalationPayloadTests
{
    [Fact]
    public async Task EscalateAsync_V1_SendsTheDocumentedInputAlert()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake, o => { o.Tlp = 1; o.Pap = 3; });

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Created, result.Outcome);
        var stored = Assert.Single(fake.Alerts);
        Assert.Equal(stored.Id, result.TheHiveId);
        Assert.StartsWith("~", result.TheHiveId, StringComparison.Ordinal);
        Assert.Equal(new Uri(fake.BaseUrl, $"alerts/{Uri.EscapeDataString(stored.Id)}/details"), result.Link);

        var request = Assert.Single(fake.Requests);
        Assert.Equal(("POST", "/api/v1/alert"), (request.Method, request.Path));
        Assert.Equal($"Bearer {fake.ApiKey}", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.False(request.Headers.ContainsKey("X-Organisation"));

        var body = Assert.Single(fake.ReceivedAlertBodies);
        Assert.Equal("socme", (string?)body["type"]);
        Assert.Equal("SOCme", (string?)body["source"]);
        Assert.Equal("1001", (string?)body["sourceRef"]);
        Assert.Equal("sshd: brute force trying to get access to the system", (string?)body["title"]);
        var description = (string)body["description"]!;
        Assert.StartsWith("Rule **5712** fired 8 times.\n\n**Raw alert**\n\n```json\n{\"rule\":", description, StringComparison.Ordinal);
        Assert.EndsWith("}\n```", description, StringComparison.Ordinal);
        Assert.Equal(2, (int?)body["severity"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), (long?)body["date"]);
        Assert.Equal(1, (int?)body["tlp"]);
        Assert.Equal(3, (int?)body["pap"]);
        Assert.Equal("https://socme.example/alerts/1001", (string?)body["externalLink"]);
        Assert.Equal(
            ["socme", "client:Acme", "source:wazuh", "rule:5712", "agent:web01", "T1110", "triage:urgent"],
            body["tags"]!.AsArray().Select(t => (string)t!));
        Assert.False(body.ContainsKey("artifacts"));

        var observables = body["observables"]!.AsArray().Select(o => o!.AsObject()).ToList();
        Assert.Equal(
            ["ip|203.0.113.7", "ip|10.0.0.50", "other|paco"],
            observables.Select(o => $"{(string?)o["dataType"]}|{(string?)o["data"]}"));
        var target = observables[1];
        Assert.Equal(["dst", "private", "agent"], target["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("destination IP; agent IP", (string?)target["message"]);
        Assert.All(observables, o => Assert.Equal(1, (int?)o["tlp"]));
    }

    [Fact]
    public async Task EscalateAsync_V1_OutputAlertReadBackConfirmsLabels()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake);

        var result = await sut.Client.EscalateAsync(Sample.Input() with { Level = 15 });

        using var http = new HttpClient();
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(fake.BaseUrl, $"api/v1/alert/{result.TheHiveId}"));
        get.Headers.Authorization = new("Bearer", fake.ApiKey);
        using var response = await http.SendAsync(get);
        var output = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(4, (int?)output["severity"]);
        Assert.Equal("CRITICAL", (string?)output["severityLabel"]);
        Assert.Equal("AMBER", (string?)output["tlpLabel"]);
        Assert.Equal("AMBER", (string?)output["papLabel"]);
        Assert.Equal(3, (int?)output["observableCount"]);
    }

    [Theory]
    [InlineData(0, null, 1)]
    [InlineData(6, null, 1)]
    [InlineData(7, null, 2)]
    [InlineData(12, null, 3)]
    [InlineData(15, null, 4)]
    [InlineData(3, SeverityBand.Critical, 4)]
    [InlineData(15, SeverityBand.Medium, 2)]
    public async Task EscalateAsync_V1_SeverityFromBand(int level, SeverityBand? band, int expected)
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake);

        var result = await sut.Client.EscalateAsync(Sample.Input() with { Level = level, Band = band });

        Assert.Equal(EscalationOutcome.Created, result.Outcome);
        Assert.Equal(expected, (int?)Assert.Single(fake.ReceivedAlertBodies)["severity"]);
    }

    [Fact]
    public async Task EscalateAsync_Organisation_SentAsXOrganisationAndAlertCreatedThere()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.AddOrganisation("Acme-SOC");
        using var sut = new ClientUnderTest(fake, o => o.Organisation = "Acme-SOC");

        var result = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Created, result.Outcome);
        Assert.Equal("Acme-SOC", Assert.Single(fake.Requests).Headers["X-Organisation"]);
        Assert.Equal("Acme-SOC", Assert.Single(fake.Alerts).Organisation);
    }

    [Fact]
    public async Task EscalateAsync_CorpusSuricataHttpAlert_ObservablesTypedAndAccepted()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake);
        var line = Corpus.Line(Corpus.Suricata("stamus-suricata-analytics-training02-eve.json"), 102);

        var result = await sut.Client.EscalateAsync(Inputs.FromLine(AlertSource.Suricata, line, alertId: 77));

        Assert.Equal(EscalationOutcome.Created, result.Outcome);
        var body = Assert.Single(fake.ReceivedAlertBodies);
        Assert.Equal(1, (int?)body["severity"]); // Suricata severity 3 → level 5 → low
        Assert.Equal(
            ["ip", "ip", "domain", "url", "hash", "filename"],
            body["observables"]!.AsArray().Select(o => (string?)o!["dataType"]));
        Assert.Contains("rule:2049438", body["tags"]!.AsArray().Select(t => (string?)t));
    }

    [Fact]
    public async Task EscalateAsync_RawJsonOff_DescriptionUnchanged()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake, o => o.IncludeRawJson = false);

        await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal("Rule **5712** fired 8 times.", (string?)Assert.Single(fake.ReceivedAlertBodies)["description"]);
    }
}
