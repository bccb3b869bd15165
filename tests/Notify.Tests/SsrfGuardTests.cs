using System.Net;
using System.Net.Sockets;
using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>The SSRF guard refuses non-public destinations unless allow-listed, before any connection is made.</summary>
public sealed class SsrfGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("[::1]", "loopback")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("localhost", "loopback")]
    [InlineData("[::ffff:127.0.0.1]", "loopback")]
    [InlineData("100.64.1.1", "private")]
    [InlineData("0.0.0.0", "unspecified")]
    public async Task Webhook_ToRefusedAddress_IsPermanentWithClearReason(string host, string kind)
    {
        var result = await TestNotify.Notifier(allowLoopback: false)
            .SendAsync(TestNotify.Config(ChannelKind.Webhook, ("url", $"http://{host}:9/hook")), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Contains("refused", result.Reason, StringComparison.Ordinal);
        Assert.Contains(kind, result.Reason, StringComparison.Ordinal);
        Assert.Contains("allow-list", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_LoopbackReceiver_GetsNoConnection()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var result = await TestNotify.Notifier(allowLoopback: false)
                .SendAsync(TestNotify.Config(ChannelKind.Webhook, ("url", $"http://127.0.0.1:{port}/hook")), TestNotify.Single());

            Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
            // A connect would have completed in the kernel before SendAsync returned: it would be pending here.
            Assert.False(listener.Pending());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Smtp_ToLoopbackNotAllowed_IsPermanent()
    {
        var config = TestNotify.Config(ChannelKind.Smtp, ("host", "localhost"), ("port", "25"), ("security", "none"),
            ("from", "a@example.org"), ("to", "b@example.org"));

        var result = await TestNotify.Notifier(allowLoopback: false).SendAsync(config, TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Contains("destination localhost refused", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelAllowPrivateNetwork_ReachesLoopback()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var config = TestNotify.Config(ChannelKind.Webhook, ("url", receiver.Url("h").AbsoluteUri)) with { AllowPrivateNetwork = true };

        var result = await TestNotify.Notifier(allowLoopback: false).SendAsync(config, TestNotify.Single());

        Assert.True(result.IsDelivered);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task PlainHttp_NotAllowed_IsPermanent()
    {
        var result = await TestNotify.Notifier(configure: o => o.AllowPlainHttp = false)
            .SendAsync(TestNotify.Config(ChannelKind.Webhook, ("url", "http://127.0.0.1:9/h")), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Contains("plain http", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.8.8.8", null)]
    [InlineData("2606:4700:4700::1111", null)]
    [InlineData("192.168.1.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("::ffff:10.1.2.3", "private")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("2002:a9fe:a9fe::1", "link-local (cloud metadata)")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    public void RefusalReason_ClassifiesAddresses(string address, string? expected) =>
        Assert.Equal(expected, OutboundGuard.RefusalReason(IPAddress.Parse(address)));
}
