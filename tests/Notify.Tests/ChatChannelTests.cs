using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>Slack, Teams, Discord and Mattermost payloads, with their Markdown escaping.</summary>
public sealed class ChatChannelTests
{
    private static async Task<ReceivedRequest> SendAsync(ChannelKind kind, NotificationMessage message, params (string, string)[] extra)
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var config = TestNotify.Config(kind, [("webhook_url", receiver.Url("hooks/T000/B000/XXXX").AbsoluteUri), .. extra]);
        var result = await TestNotify.Notifier().SendAsync(config, message);
        Assert.Equal(NotifyOutcome.Delivered, result.Outcome);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/T000/B000/XXXX", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        return request;
    }

    [Fact]
    public async Task Slack_TextIsMrkdwnEscaped()
    {
        var request = await SendAsync(ChannelKind.Slack, TestNotify.Single(TestNotify.HostileAlert()));

        var text = request.Json.GetProperty("text").GetString()!;
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
        Assert.Contains("*SOCme — Acme Café*", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mattermost_TextIsMarkdownEscaped_WithChannelAndUsername()
    {
        var request = await SendAsync(ChannelKind.Mattermost, TestNotify.Single(TestNotify.HostileAlert()), ("channel", "soc-alerts"));

        var json = request.Json;
        Assert.Equal("soc-alerts", json.GetProperty("channel").GetString());
        Assert.Equal("SOCme", json.GetProperty("username").GetString());
        var text = json.GetProperty("text").GetString()!;
        Assert.Contains("\\<script\\>alert\\(1\\)\\</script\\>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discord_ContentEmbedsAndNoMentions()
    {
        var alert = TestNotify.HostileAlert() with { RuleDescription = "@everyone look" };
        var request = await SendAsync(ChannelKind.Discord, NotificationMessage.Digest(TestNotify.Client, [alert, TestNotify.Alert(15)], totalCount: 5));

        var json = request.Json;
        Assert.Equal(0, json.GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength());
        Assert.Equal("**SOCme — Acme Café**: 5 alert(s) (showing 2)", json.GetProperty("content").GetString());
        var embeds = json.GetProperty("embeds").EnumerateArray().ToList();
        Assert.Equal(2, embeds.Count);
        Assert.Equal("@everyone look", embeds[0].GetProperty("title").GetString());
        Assert.Equal("https://soc.example.org/alerts/42", embeds[0].GetProperty("url").GetString());
        Assert.Equal(0x8E24AA, embeds[1].GetProperty("color").GetInt32());
    }

    [Fact]
    public async Task Teams_SendsAdaptiveCardInWorkflowEnvelope()
    {
        var request = await SendAsync(ChannelKind.Teams, TestNotify.Single());

        var json = request.Json;
        Assert.Equal("message", json.GetProperty("type").GetString());
        var attachment = Assert.Single(json.GetProperty("attachments").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        var body = card.GetProperty("body").EnumerateArray().ToList();
        Assert.Equal("[SOCme] Acme Café: high — SSH brute force", body[0].GetProperty("text").GetString());
        Assert.Equal("FactSet", body[2].GetProperty("type").GetString());
        Assert.Equal("https://soc.example.org/alerts/42", card.GetProperty("actions")[0].GetProperty("url").GetString());
    }
}
