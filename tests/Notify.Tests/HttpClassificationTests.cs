using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>HTTP answers mapped to delivered / retry (with delay) / permanent.</summary>
public sealed class HttpClassificationTests
{
    private static ChannelConfig Slack(HttpReceiver r) => TestNotify.Config(ChannelKind.Slack, ("webhook_url", r.Url("services/T/B/secrettoken").AbsoluteUri));

    [Fact]
    public async Task ServerError_ThenOk_IsRetryThenDelivered()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(500, "boom", "text/plain");
        var notifier = TestNotify.Notifier();

        var first = await notifier.SendAsync(Slack(receiver), TestNotify.Single());
        var second = await notifier.SendAsync(Slack(receiver), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Retry, first.Outcome);
        Assert.Null(first.RetryAfter);
        Assert.StartsWith("HTTP 500", first.Reason, StringComparison.Ordinal);
        Assert.Equal(NotifyOutcome.Delivered, second.Outcome);
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task TooManyRequests_WithRetryAfterSeconds_IsRetryWithThatDelay()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(429, "rate_limited", "text/plain", r => r.Headers.RetryAfter = "17");

        var result = await TestNotify.Notifier().SendAsync(Slack(receiver), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(17), result.RetryAfter);
    }

    [Fact]
    public async Task ServiceUnavailable_WithRetryAfterDate_IsRelativeToTheClock()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(503, null, headers: r => r.Headers.RetryAfter = TestNotify.Now.AddMinutes(2).ToString("R"));

        var result = await TestNotify.Notifier().SendAsync(Slack(receiver), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(2), result.RetryAfter);
    }

    [Fact]
    public async Task BadRequest_IsPermanent_WithServiceText()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(400, "invalid_payload", "text/plain");

        var result = await TestNotify.Notifier().SendAsync(Slack(receiver), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Equal("HTTP 400 Bad Request: invalid_payload", result.Reason);
    }

    [Fact]
    public async Task Telegram429_UsesParametersRetryAfter()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 33","parameters":{"retry_after":33}}""");
        var config = TestNotify.Config(ChannelKind.Telegram, ("bot_token", "123456:SECRETtoken"), ("chat_id", "42"),
            ("api_base_url", receiver.BaseUri.AbsoluteUri));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single());

        Assert.Equal(NotifyOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(33), result.RetryAfter);
        Assert.Contains("Too Many Requests: retry after 33", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorBodyEchoingTheToken_ReasonIsMasked()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(401, """{"ok":false,"error_code":401,"description":"Unauthorized token 123456:SECRETtoken"}""");
        var config = TestNotify.Config(ChannelKind.Telegram, ("bot_token", "123456:SECRETtoken"), ("chat_id", "42"),
            ("api_base_url", receiver.BaseUri.AbsoluteUri));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.DoesNotContain("SECRETtoken", result.Reason, StringComparison.Ordinal);
        Assert.Contains("Unauthorized token ***", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfiguration_IsPermanent_WithoutSending()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var config = TestNotify.Config(ChannelKind.Slack, ("webhook_url", "not a url"));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.StartsWith("invalid configuration: webhook_url:", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("not a url", result.Reason, StringComparison.Ordinal);
    }
}
