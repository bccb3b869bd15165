using System.Security.Cryptography;
using System.Text;
using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>The signed generic webhook: JSON shape, HMAC signature, custom headers.</summary>
public sealed class WebhookChannelTests
{
    [Fact]
    public async Task Send_SignsTimestampDotBody_AndAddsCustomHeaders()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var config = TestNotify.Config(ChannelKind.Webhook, ("url", receiver.Url("hooks/socme?x=1").AbsoluteUri),
            ("secret", "whsec-123"), ("headers", "Authorization: Bearer abc\nX-Tenant: acme"));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single(TestNotify.HostileAlert()));

        Assert.Equal(NotifyOutcome.Delivered, result.Outcome);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/socme", request.Path);
        Assert.Equal("?x=1", request.Query);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("Bearer abc", request.Header("Authorization"));
        Assert.Equal("acme", request.Header("X-Tenant"));
        var timestamp = request.Header("X-Socme-Timestamp")!;
        Assert.Equal(TestNotify.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), timestamp);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec-123"),
            (byte[])[.. Encoding.UTF8.GetBytes(timestamp + "."), .. request.Body]));
        Assert.Equal(expected, request.Header("X-Socme-Signature"));

        var json = request.Json;
        Assert.Equal("alert", json.GetProperty("event").GetString());
        Assert.Equal(TestNotify.Client.Id.ToString(), json.GetProperty("client").GetProperty("id").GetString());
        Assert.Equal("Acme Café", json.GetProperty("client").GetProperty("name").GetString());
        var alert = Assert.Single(json.GetProperty("alerts").EnumerateArray());
        Assert.Equal("<script>alert(1)</script> \"}, \"x\": \"y", alert.GetProperty("rule").GetProperty("description").GetString());
        Assert.Equal("evil\r\nBcc: victim@example.org", alert.GetProperty("agent").GetString());
        Assert.Equal(12, alert.GetProperty("level").GetInt32());
        Assert.Equal("high", alert.GetProperty("band").GetString());
        Assert.Equal(22, alert.GetProperty("dst_port").GetInt32());
        Assert.Contains("<script>alert(1)</script>", json.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithoutSecret_HasNoSignatureHeader()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var config = TestNotify.Config(ChannelKind.Webhook, ("url", receiver.Url("h").AbsoluteUri));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single());

        Assert.True(result.IsDelivered);
        Assert.Null(Assert.Single(receiver.Requests).Header("X-Socme-Signature"));
    }

    [Theory]
    [InlineData("Host: evil.example")]
    [InlineData("Content-Length: 1")]
    [InlineData("X-Socme-Signature: sha256=00")]
    [InlineData("x-socme-timestamp: 1")]
    public void Validate_ReservedHeader_IsRefused(string header)
    {
        var errors = ChannelCatalog.Validate(TestNotify.Config(ChannelKind.Webhook, ("url", "https://example.org/h"), ("headers", header)));

        var error = Assert.Single(errors);
        Assert.Equal("headers", error.Field);
        Assert.Contains("cannot be overridden", error.Message, StringComparison.Ordinal);
    }
}
