using System.Text.Json.Nodes;
using Socme.Integrations.Tests.Fakes;
using Socme.Integrations.Tests.Support;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests;

/// <summary>Escalating the same SOCme alert again never creates a second TheHive alert.</summary>
public sealed class EscalationIdempotencyTests
{
    [Fact]
    public async Task EscalateAsync_Twice_SecondIsAlreadyExistsWithTheSameId()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake);

        var first = await sut.Client.EscalateAsync(Sample.Input());
        var second = await sut.Client.EscalateAsync(Sample.Input() with { Title = "changed title" });

        Assert.Equal(EscalationOutcome.Created, first.Outcome);
        Assert.Equal(EscalationOutcome.AlreadyExists, second.Outcome);
        Assert.True(second.IsEscalated);
        Assert.Equal(first.TheHiveId, second.TheHiveId);
        Assert.Equal(first.Link, second.Link);
        Assert.Null(second.Reason);
        Assert.Single(fake.Alerts);

        var query = fake.Requests[^1];
        Assert.Equal(("POST", "/api/v1/query"), (query.Method, query.Path));
        Assert.Equal("?name=socme-find-alert", query.Query);
        var expected = JsonNode.Parse("""
            {"query":[{"_name":"listAlert"},
                      {"_and":[{"_field":"type","_value":"socme"},{"_field":"source","_value":"SOCme"},{"_field":"sourceRef","_value":"1001"}],"_name":"filter"},
                      {"_name":"page","from":0,"to":1}]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(query.Body)), query.Body);
    }

    [Fact]
    public async Task EscalateAsync_AlertCreatedEarlierByAnotherInstance_FoundAmongOthers()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.Seed(new JsonObject { ["type"] = "socme", ["source"] = "SOCme", ["sourceRef"] = "1000", ["title"] = "a", ["description"] = "d" });
        var existing = fake.Seed(new JsonObject { ["type"] = "socme", ["source"] = "SOCme", ["sourceRef"] = "1001", ["title"] = "b", ["description"] = "d" });
        fake.Seed(new JsonObject { ["type"] = "other", ["source"] = "SOCme", ["sourceRef"] = "1001", ["title"] = "c", ["description"] = "d" });
        using var sut = new ClientUnderTest(fake);

        var result = await sut.Client.EscalateAsync(Sample.Input(1001));

        Assert.Equal(EscalationOutcome.AlreadyExists, result.Outcome);
        Assert.Equal(existing.Id, result.TheHiveId);
        Assert.Equal(3, fake.Alerts.Count);
    }

    [Fact]
    public async Task EscalateAsync_SameSourceRefInAnotherOrganisation_CreatesThere()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.AddOrganisation("Other");
        using var inDefault = new ClientUnderTest(fake);
        using var inOther = new ClientUnderTest(fake, o => o.Organisation = "Other");

        var a = await inDefault.Client.EscalateAsync(Sample.Input());
        var b = await inOther.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Created, a.Outcome);
        Assert.Equal(EscalationOutcome.Created, b.Outcome);
        Assert.NotEqual(a.TheHiveId, b.TheHiveId);
    }

    [Fact]
    public async Task EscalateAsync_ResponseLostThenRetried_AlreadyExistsNotASecondAlert()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake);
        await sut.Client.EscalateAsync(Sample.Input()); // TheHive created it; pretend SOCme never saw the answer

        var retried = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.AlreadyExists, retried.Outcome);
        Assert.Single(fake.Alerts);
        Assert.Equal(2, fake.ReceivedAlertBodies.Count);
    }

    [Fact]
    public async Task EscalateAsync_DuplicateButLookupFails_RetryThenAlreadyExists()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake);
        var created = await sut.Client.EscalateAsync(Sample.Input());
        fake.FailNext(503, path: "/api/v1/query");

        var first = await sut.Client.EscalateAsync(Sample.Input());
        var second = await sut.Client.EscalateAsync(Sample.Input());

        Assert.Equal(EscalationOutcome.Retry, first.Outcome);
        Assert.Equal(503, first.StatusCode);
        Assert.Equal(EscalationOutcome.AlreadyExists, second.Outcome);
        Assert.Equal(created.TheHiveId, second.TheHiveId);
        Assert.Single(fake.Alerts);
    }
}
