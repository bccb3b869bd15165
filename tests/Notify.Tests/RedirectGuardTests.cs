using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>Redirects are followed by the library, each hop going through the guard again.</summary>
public sealed class RedirectGuardTests
{
    [Fact]
    public async Task AllowedHost_RedirectingToRefusedHost_IsRefused()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        // Same server, but named "localhost": 127.0.0.1 is allow-listed, localhost is not.
        receiver.Then(307, null, headers: r => r.Headers.Location = $"http://localhost:{receiver.Port}/elsewhere");

        var result = await TestNotify.Notifier()
            .SendAsync(TestNotify.Config(ChannelKind.Webhook, ("url", receiver.Url("hook").AbsoluteUri)), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Contains("destination localhost refused", result.Reason, StringComparison.Ordinal);
        Assert.Equal("/hook", Assert.Single(receiver.Requests).Path);
    }

    [Fact]
    public async Task AllowedHost_RedirectingToMetadataAddress_IsRefused()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(302, null, headers: r => r.Headers.Location = "http://169.254.169.254/latest/meta-data/");

        var result = await TestNotify.Notifier()
            .SendAsync(TestNotify.Config(ChannelKind.Webhook, ("url", receiver.Url("hook").AbsoluteUri)), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Contains("cloud metadata", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameOriginRedirect_IsFollowed_WithBodyAndHeaders()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(308, null, headers: r => r.Headers.Location = "/moved");
        var config = TestNotify.Config(ChannelKind.Webhook, ("url", receiver.Url("hook").AbsoluteUri), ("headers", "Authorization: Bearer x1"));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single());

        Assert.True(result.IsDelivered);
        var requests = receiver.Requests;
        Assert.Equal(["/hook", "/moved"], requests.Select(r => r.Path).ToArray());
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal("Bearer x1", requests[1].Header("Authorization"));
    }

    [Fact]
    public async Task RedirectLoop_StopsAfterLimit()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            receiver.Then(307, null, headers: r => r.Headers.Location = "/again");
        }

        var result = await TestNotify.Notifier()
            .SendAsync(TestNotify.Config(ChannelKind.Webhook, ("url", receiver.Url("hook").AbsoluteUri)), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Equal(4, receiver.Requests.Count);
    }
}
