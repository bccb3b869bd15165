using System.Globalization;
using System.Text.Json;
using Socme.Alerts;

namespace Socme.Notify.Internal.Channels;

/// <summary>Reads a "retry after N seconds" number from a JSON error body.</summary>
internal static class JsonRetryAfter
{
    public static TimeSpan? Read(string body, params string[] path)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var e = doc.RootElement;
            foreach (var name in path)
            {
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e))
                {
                    return null;
                }
            }
            return e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var seconds) && seconds >= 0 && seconds < 86_400 * 7
                ? TimeSpan.FromSeconds(seconds)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

// Telegram Bot API: POST {base}/bot<token>/sendMessage {chat_id, text, parse_mode: HTML}; errors {ok:false, description, parameters.retry_after} (core.telegram.org/bots/api).
internal sealed class TelegramChannel : IChannel
{
    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var token = s.Get("bot_token");
        if (!token.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is ':' or '_' or '-'))
        {
            return Task.FromResult(NotifyResult.Permanent("invalid configuration: bot_token has characters a Telegram token never has"));
        }
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.Html).TrimEnd();
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("chat_id", s.Get("chat_id"));
            w.WriteString("text", HttpDelivery.Truncate(text, 4096));
            w.WriteString("parse_mode", "HTML");
            w.WriteStartObject("link_preview_options");
            w.WriteBoolean("is_disabled", true);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        var url = new Uri(s.Get("api_base_url").TrimEnd('/') + "/bot" + token + "/sendMessage");
        return c.Http.SendAsync(url, (u, _) => new HttpRequestMessage(HttpMethod.Post, u) { Content = HttpDelivery.JsonContent(body) },
            s.Config.AllowPrivateNetwork, ct,
            (response, raw) => (int)response.StatusCode is >= 200 and < 300
                ? null
                : HttpDelivery.Classify(response, raw, c.Time, retryAfter: JsonRetryAfter.Read(raw, "parameters", "retry_after")));
    }
}

// ntfy publish as JSON: POST {topic, title, message, priority 1-5, tags, click} to the server root; Authorization: Bearer <token> (docs.ntfy.sh/publish).
internal sealed class NtfyChannel : IChannel
{
    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var title = TemplateValues.SingleLine(TemplateValues.Render(s.Raw("title_template"), m, Escape.None)).Trim();
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.None).TrimEnd();
        var top = TopBand(m);
        var priority = s.Get("priority") switch
        {
            "min" => 1,
            "low" => 2,
            "default" => 3,
            "high" => 4,
            "max" => 5,
            _ => top switch { SeverityBand.Critical => 5, SeverityBand.High => 4, SeverityBand.Medium => 3, _ => 2 },
        };
        var first = m.Alerts[0];
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("topic", s.Get("topic"));
            w.WriteString("title", HttpDelivery.Truncate(title, 250));
            w.WriteString("message", HttpDelivery.Truncate(text, 4000));
            w.WriteNumber("priority", priority);
            w.WriteStartArray("tags");
            foreach (var tag in s.Get("tags").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                w.WriteStringValue(tag);
            }
            w.WriteEndArray();
            if (first.Url is { IsAbsoluteUri: true } u)
            {
                w.WriteString("click", u.AbsoluteUri);
            }
            w.WriteEndObject();
        });
        var token = s.Get("token");
        return c.Http.SendAsync(new Uri(s.Get("server_url").TrimEnd('/') + "/"), (url, sameOrigin) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = HttpDelivery.JsonContent(body) };
            if (token.Length > 0 && sameOrigin)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }
            return request;
        }, s.Config.AllowPrivateNetwork, ct);
    }

    internal static SeverityBand TopBand(NotificationMessage m) => m.Alerts.Max(a => a.Band);
}

// Gotify: POST {server}/message, X-Gotify-Key: <app token>, {title, message, priority, extras} (gotify.net/api-docs).
internal sealed class GotifyChannel : IChannel
{
    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var title = TemplateValues.SingleLine(TemplateValues.Render(s.Raw("title_template"), m, Escape.None)).Trim();
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.None).TrimEnd();
        var priority = int.TryParse(s.Get("priority"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p
            : NtfyChannel.TopBand(m) switch { SeverityBand.Critical => 10, SeverityBand.High => 8, SeverityBand.Medium => 5, _ => 2 };
        var first = m.Alerts[0];
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("title", title);
            w.WriteString("message", text);
            w.WriteNumber("priority", priority);
            w.WriteStartObject("extras");
            w.WriteStartObject("client::display");
            w.WriteString("contentType", "text/plain");
            w.WriteEndObject();
            if (first.Url is { IsAbsoluteUri: true } u)
            {
                w.WriteStartObject("client::notification");
                w.WriteStartObject("click");
                w.WriteString("url", u.AbsoluteUri);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        });
        var key = s.Get("app_token");
        return c.Http.SendAsync(new Uri(s.Get("server_url").TrimEnd('/') + "/message"), (url, sameOrigin) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = HttpDelivery.JsonContent(body) };
            if (sameOrigin)
            {
                request.Headers.TryAddWithoutValidation("X-Gotify-Key", key);
            }
            return request;
        }, s.Config.AllowPrivateNetwork, ct);
    }
}
