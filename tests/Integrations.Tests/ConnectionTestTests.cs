using Socme.Integrations.Tests.Fakes;
using Socme.Integrations.Tests.Support;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests;

/// <summary>The settings page's "test" button.</summary>
public sealed class ConnectionTestTests
{
    [Fact]
    public async Task TestConnectionAsync_V1_UserAndOrganisation()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.AddOrganisation("Acme-SOC");
        using var sut = new ClientUnderTest(fake, o => o.Organisation = "Acme-SOC");

        var result = await sut.Client.TestConnectionAsync();

        Assert.True(result.Success, result.Reason);
        Assert.Equal(TheHiveFake.UserLogin, result.User);
        Assert.Equal("Acme-SOC", result.Organisation);
        var request = Assert.Single(fake.Requests);
        Assert.Equal(("GET", "/api/v1/user/current"), (request.Method, request.Path));
        Assert.Equal("Acme-SOC", request.Headers["X-Organisation"]);
    }

    [Fact]
    public async Task TestConnectionAsync_Legacy_UsesApiUserCurrent()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake, o => o.Flavour = TheHiveApiFlavour.Legacy);

        var result = await sut.Client.TestConnectionAsync();

        Assert.True(result.Success, result.Reason);
        Assert.Equal(TheHiveFake.UserLogin, result.User);
        Assert.Equal("/api/user/current", Assert.Single(fake.Requests).Path);
    }

    [Fact]
    public async Task TestConnectionAsync_RejectedKey_FalseWithReasonWithoutKey()
    {
        await using var fake = await TheHiveFake.StartAsync();
        fake.RejectAllAsUnauthorized = true;
        using var sut = new ClientUnderTest(fake);

        var result = await sut.Client.TestConnectionAsync();

        Assert.False(result.Success);
        Assert.Equal(401, result.StatusCode);
        Assert.Contains("rejected the API key", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.ApiKey, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnectionAsync_UnknownOrganisation_403()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(fake, o => o.Organisation = "Nope");

        var result = await sut.Client.TestConnectionAsync();

        Assert.False(result.Success);
        Assert.Equal(403, result.StatusCode);
        Assert.Contains("'Nope'", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnectionAsync_BaseUrlWithPathPrefix_NotTheHive()
    {
        await using var fake = await TheHiveFake.StartAsync();
        using var sut = new ClientUnderTest(new Uri(fake.BaseUrl, "thehive/"), fake.ApiKey);

        var result = await sut.Client.TestConnectionAsync();

        Assert.False(result.Success);
        Assert.Equal(404, result.StatusCode);
        Assert.Equal("/thehive/api/v1/user/current", Assert.Single(fake.Requests).Path);
    }
}
