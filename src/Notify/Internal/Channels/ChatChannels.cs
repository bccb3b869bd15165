using Socme.Alerts;

namespace Socme.Notify.Internal.Channels;

internal static class Chat
{
    public static Task<NotifyResult> PostJson(SendContext c, Settings s, string urlField, byte[] body, CancellationToken ct) =>
        c.Http.SendAsync(s.Url(urlField), (url, _) =>
            new HttpRequestMessage(HttpMethod.Post, url) { Content = HttpDelivery.JsonContent(body) }, s.Config.AllowPrivateNetwork, ct);
}

// Slack incoming webhook: POST {"text": mrkdwn} (api.slack.com/messaging/webhooks); & < > escaped in values.
internal sealed class SlackChannel : IChannel
{
    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.SlackMrkdwn).TrimEnd();
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("text", HttpDelivery.Truncate(text, 39_000));
            w.WriteBoolean("mrkdwn", true);
            w.WriteBoolean("unfurl_links", false);
            w.WriteEndObject();
        });
        return Chat.PostJson(c, s, "webhook_url", body, ct);
    }
}

// Mattermost incoming webhook: POST {"text", "channel"?, "username"?} (developers.mattermost.com/integrate/webhooks/incoming).
internal sealed class MattermostChannel : IChannel
{
    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.Markdown).TrimEnd();
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("text", HttpDelivery.Truncate(text, 16_000));
            if (s.Has("channel"))
            {
                w.WriteString("channel", s.Get("channel"));
            }
            if (s.Has("username"))
            {
                w.WriteString("username", s.Get("username"));
            }
            w.WriteEndObject();
        });
        return Chat.PostJson(c, s, "webhook_url", body, ct);
    }
}

// Discord Execute Webhook: POST {content ≤ 2000, username, allowed_mentions: {parse: []}, embeds ≤ 10} (discord.com/developers/docs/resources/webhook).
internal sealed class DiscordChannel : IChannel
{
    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.Markdown).TrimEnd();
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("content", HttpDelivery.Truncate(text, 2000));
            if (s.Has("username"))
            {
                w.WriteString("username", s.Get("username"));
            }
            w.WriteStartObject("allowed_mentions");
            w.WriteStartArray("parse");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("embeds");
            foreach (var a in m.Alerts.Take(10))
            {
                w.WriteStartObject();
                w.WriteString("title", HttpDelivery.Truncate(a.Title, 256));
                if (a.Url is { IsAbsoluteUri: true } u)
                {
                    w.WriteString("url", u.AbsoluteUri);
                }
                w.WriteNumber("color", Colors.Of(a.Band));
                w.WriteString("timestamp", a.Time);
                w.WriteString("description", HttpDelivery.Truncate(TemplateValues.EscapeText(Facts.Line(a), Escape.Markdown), 4096));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return c.Http.SendAsync(s.Url("webhook_url"), (url, _) =>
            new HttpRequestMessage(HttpMethod.Post, url) { Content = HttpDelivery.JsonContent(body) }, s.Config.AllowPrivateNetwork, ct,
            (response, raw) => (int)response.StatusCode == 429
                ? HttpDelivery.Classify(response, raw, c.Time, retryAfter: HttpDelivery.RetryAfter(response, c.Time) ?? JsonRetryAfter.Read(raw, "retry_after"))
                : null);
    }
}

// Microsoft Teams Workflows webhook: POST {"type":"message","attachments":[{contentType: application/vnd.microsoft.card.adaptive, content: AdaptiveCard 1.4}]}.
internal sealed class TeamsChannel : IChannel
{
    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var title = TemplateValues.SingleLine(TemplateValues.Render(s.Raw("title_template"), m, Escape.Markdown)).Trim();
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.Markdown).TrimEnd();
        var first = m.Alerts[0];
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message");
            w.WriteStartArray("attachments");
            w.WriteStartObject();
            w.WriteString("contentType", "application/vnd.microsoft.card.adaptive");
            w.WriteNull("contentUrl");
            w.WriteStartObject("content");
            w.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            w.WriteString("type", "AdaptiveCard");
            w.WriteString("version", "1.4");
            w.WriteStartArray("body");
            TextBlock(w, title, bold: true);
            TextBlock(w, text, bold: false);
            if (!m.IsDigest)
            {
                w.WriteStartObject();
                w.WriteString("type", "FactSet");
                w.WriteStartArray("facts");
                foreach (var (name, value) in Facts.Of(first))
                {
                    w.WriteStartObject();
                    w.WriteString("title", name);
                    w.WriteString("value", TemplateValues.EscapeText(value, Escape.Markdown));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (first.Url is { IsAbsoluteUri: true } u)
            {
                w.WriteStartArray("actions");
                w.WriteStartObject();
                w.WriteString("type", "Action.OpenUrl");
                w.WriteString("title", "Open in SOCme");
                w.WriteString("url", u.AbsoluteUri);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return Chat.PostJson(c, s, "webhook_url", body, ct);
    }

    private static void TextBlock(System.Text.Json.Utf8JsonWriter w, string text, bool bold)
    {
        w.WriteStartObject();
        w.WriteString("type", "TextBlock");
        w.WriteString("text", text);
        w.WriteBoolean("wrap", true);
        if (bold)
        {
            w.WriteString("weight", "Bolder");
            w.WriteString("size", "Medium");
        }
        w.WriteEndObject();
    }
}

internal static class Colors
{
    public static int Of(SeverityBand band) => band switch
    {
        SeverityBand.Critical => 0x8E24AA,
        SeverityBand.High => 0xE53935,
        SeverityBand.Medium => 0xFB8C00,
        _ => 0x1E88E5,
    };
}

/// <summary>Name/value facts of one alert (unescaped).</summary>
internal static class Facts
{
    public static IEnumerable<(string Name, string Value)> Of(AlertView a)
    {
        yield return ("Level", $"{a.Level} ({TemplateValues.BandName(a.Band)})");
        yield return ("Time", a.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        yield return ("Source", a.Source.ToString().ToLowerInvariant() + (a.RuleId is null ? "" : " rule " + a.RuleId));
        if (a.Agent is not null)
        {
            yield return ("Agent", a.Agent);
        }
        if (a.SrcIp is not null || a.DstIp is not null)
        {
            yield return ("Flow", $"{a.SrcIp ?? "-"}{(a.SrcPort is { } sp ? ":" + sp : "")} → {a.DstIp ?? "-"}{(a.DstPort is { } dp ? ":" + dp : "")}");
        }
        if (a.Mitre.Count > 0)
        {
            yield return ("MITRE", string.Join(", ", a.Mitre));
        }
    }

    public static string Line(AlertView a) => string.Join(" · ", Of(a).Select(f => $"{f.Name}: {f.Value}"));
}
