using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>Telegram, ntfy and Gotify requests.</summary>
public sealed class PushChannelTests
{
    [Fact]
    public async Task Telegram_PostsSendMessageWithHtmlEscapedText()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(200, """{"ok":true,"result":{"message_id":1}}""");
        var config = TestNotify.Config(ChannelKind.Telegram, ("bot_token", "123456:ABC-def_ghi"), ("chat_id", "-1001234"),
            ("api_base_url", receiver.BaseUri.AbsoluteUri));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single(TestNotify.HostileAlert()));

        Assert.True(result.IsDelivered);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/bot123456:ABC-def_ghi/sendMessage", request.Path);
        var json = request.Json;
        Assert.Equal("-1001234", json.GetProperty("chat_id").GetString());
        Assert.Equal("HTML", json.GetProperty("parse_mode").GetString());
        var text = json.GetProperty("text").GetString()!;
        Assert.Contains("&lt;script&gt;", text, StringComparison.Ordinal);
        Assert.Contains("<b>SOCme — Acme Café</b>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ntfy_PublishesJsonToServerRoot_WithBearerTokenAndBandPriority()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var config = TestNotify.Config(ChannelKind.Ntfy, ("server_url", receiver.BaseUri.AbsoluteUri), ("topic", "socme_acme"),
            ("token", "tk_secret123"));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single(TestNotify.Alert(15)));

        Assert.True(result.IsDelivered);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/", request.Path);
        Assert.Equal("Bearer tk_secret123", request.Header("Authorization"));
        var json = request.Json;
        Assert.Equal("socme_acme", json.GetProperty("topic").GetString());
        Assert.Equal(5, json.GetProperty("priority").GetInt32());
        Assert.Equal("[SOCme] Acme Café: critical — SSH brute force", json.GetProperty("title").GetString());
        Assert.Equal("rotating_light", json.GetProperty("tags")[0].GetString());
        Assert.Equal("https://soc.example.org/alerts/42", json.GetProperty("click").GetString());
    }

    [Fact]
    public async Task Gotify_PostsMessageWithAppKey()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var config = TestNotify.Config(ChannelKind.Gotify, ("server_url", receiver.BaseUri.AbsoluteUri), ("app_token", "AbCdEf123"));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single(TestNotify.Alert(7)));

        Assert.True(result.IsDelivered);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/message", request.Path);
        Assert.Equal("AbCdEf123", request.Header("X-Gotify-Key"));
        var json = request.Json;
        Assert.Equal(5, json.GetProperty("priority").GetInt32());
        Assert.Equal("text/plain", json.GetProperty("extras").GetProperty("client::display").GetProperty("contentType").GetString());
        Assert.Contains("SSH brute force", json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
