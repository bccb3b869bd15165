using System.Text.Json;

namespace Socme.Notify.Internal;

/// <summary>The fields of every channel kind and the checks that span several fields.</summary>
internal static class CatalogData
{
    private static ChannelField Tpl(string name, string label, string @default, string help) =>
        new(name, label, FieldType.Template, false, false, @default, help);

    private static ChannelField HookUrl(string help) =>
        new("webhook_url", "Webhook URL", FieldType.Url, true, true, null, help + " The URL embeds a token: it is stored encrypted and masked.");

    public static IReadOnlyList<ChannelDescriptor> Build() =>
    [
        new(ChannelKind.Smtp, "smtp", "Email (SMTP)", "RFC 5321 (SMTP), RFC 3207 (STARTTLS), RFC 8314 (implicit TLS), RFC 4954 (AUTH), RFC 2045-2047 (MIME)",
        [
            new("host", "SMTP server", FieldType.Text, true, false, null, "Host name of the SMTP server."),
            new("port", "Port", FieldType.Number, false, false, "587", "587 for STARTTLS, 465 for implicit TLS, 25 for relay."),
            new("security", "Security", FieldType.Choice, false, false, "starttls", "starttls: STARTTLS required; tls: implicit TLS (port 465); none: no encryption.") { Choices = ["starttls", "tls", "none"] },
            new("username", "User name", FieldType.Text, false, false, null, "For AUTH PLAIN/LOGIN; leave empty for no authentication."),
            new("password", "Password", FieldType.Text, false, true, null, "Sent only over TLS."),
            new("allow_insecure_auth", "Allow credentials without TLS", FieldType.Boolean, false, false, "false", "Only for a trusted local relay: sends the password in clear."),
            new("from", "From address", FieldType.Email, true, false, null, "Envelope and header sender."),
            new("from_name", "From name", FieldType.Text, false, false, "SOCme", "Display name of the sender."),
            new("to", "To", FieldType.EmailList, true, false, null, "Comma-separated recipient addresses."),
            new("tls_thumbprint", "Trusted certificate (SHA-256)", FieldType.Text, false, false, null, "Trust this server certificate (SHA-256 fingerprint, hex) even if its chain does not validate (self-signed)."),
            new("helo_name", "HELO name", FieldType.Text, false, false, "localhost", "The name announced in EHLO."),
            new("subject_template", "Subject", FieldType.Template, false, false, DefaultTemplates.Title, "One line; control characters in values become spaces."),
            Tpl("text_template", "Text body", DefaultTemplates.EmailText, "The text/plain part."),
            Tpl("html_template", "HTML body", DefaultTemplates.EmailHtml, "The text/html part; values are HTML-escaped."),
        ]),
        new(ChannelKind.Webhook, "webhook", "Webhook (signed JSON)", "SOCme's own: JSON body, X-Socme-Timestamp, X-Socme-Signature: sha256=HMAC-SHA256(secret, timestamp + \".\" + body)",
        [
            new("url", "URL", FieldType.Url, true, false, null, "Receives a POST with a JSON body. Do not put tokens in it: use the signing secret or a header."),
            new("secret", "Signing secret", FieldType.Text, false, true, null, "When set, X-Socme-Signature: sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\">."),
            new("headers", "Extra headers", FieldType.Headers, false, true, null, "One 'Name: value' per line (e.g. Authorization). Host, Content-Length, Content-Type and X-Socme-* cannot be set."),
            Tpl("text_template", "Text", DefaultTemplates.PlainText, "The \"text\" property of the JSON body."),
        ]),
        new(ChannelKind.Slack, "slack", "Slack", "Slack incoming webhooks: POST JSON {\"text\"} (api.slack.com/messaging/webhooks), mrkdwn escaping of & < >",
        [
            HookUrl("Slack incoming webhook URL (https://hooks.slack.com/services/...)."),
            Tpl("text_template", "Message", DefaultTemplates.Chat, "Slack mrkdwn."),
        ]),
        new(ChannelKind.Teams, "teams", "Microsoft Teams", "Teams Workflows webhook: POST {\"type\":\"message\",\"attachments\":[Adaptive Card 1.4]} (MessageCard connectors are retired)",
        [
            HookUrl("The Workflows 'Post to a channel when a webhook request is received' URL."),
            Tpl("title_template", "Title", DefaultTemplates.Title, "Card title."),
            Tpl("text_template", "Message", DefaultTemplates.Chat, "Card text (Adaptive Card Markdown subset)."),
        ]),
        new(ChannelKind.Discord, "discord", "Discord", "Discord Execute Webhook: POST {content, embeds, allowed_mentions} (discord.com/developers/docs/resources/webhook)",
        [
            HookUrl("Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)."),
            new("username", "Bot name", FieldType.Text, false, false, "SOCme", "Overrides the webhook's name."),
            Tpl("text_template", "Message", DefaultTemplates.DiscordHeader, "Discord Markdown; cut at 2000 characters. Each shown alert also becomes an embed."),
        ]),
        new(ChannelKind.Mattermost, "mattermost", "Mattermost", "Mattermost incoming webhooks: POST {text, channel, username} (developers.mattermost.com/integrate/webhooks/incoming)",
        [
            HookUrl("Mattermost incoming webhook URL (https://<server>/hooks/<key>)."),
            new("channel", "Channel", FieldType.Text, false, false, null, "Overrides the webhook's default channel."),
            new("username", "User name", FieldType.Text, false, false, "SOCme", "Overrides the webhook's user name (if the server allows it)."),
            Tpl("text_template", "Message", DefaultTemplates.Chat, "Mattermost Markdown."),
        ]),
        new(ChannelKind.Telegram, "telegram", "Telegram", "Telegram Bot API sendMessage with parse_mode HTML; 429 parameters.retry_after (core.telegram.org/bots/api)",
        [
            new("bot_token", "Bot token", FieldType.Text, true, true, null, "From @BotFather (123456:ABC...)."),
            new("chat_id", "Chat id", FieldType.Text, true, false, null, "Numeric chat id or @channelusername."),
            new("api_base_url", "API base URL", FieldType.Url, false, false, "https://api.telegram.org", "Change only for a self-hosted Bot API server."),
            Tpl("text_template", "Message", DefaultTemplates.TelegramHtml, "Telegram HTML (values are HTML-escaped); cut at 4096 characters."),
        ]),
        new(ChannelKind.Ntfy, "ntfy", "ntfy", "ntfy publish as JSON: POST {topic, title, message, priority, tags, click} to the server root (docs.ntfy.sh/publish)",
        [
            new("server_url", "Server URL", FieldType.Url, false, false, "https://ntfy.sh", "The ntfy server."),
            new("topic", "Topic", FieldType.Text, true, true, null, "On a public server the topic name is the password."),
            new("token", "Access token", FieldType.Text, false, true, null, "Sent as Authorization: Bearer (tk_...)."),
            new("priority", "Priority", FieldType.Choice, false, false, "auto", "auto follows the band (low 2, medium 3, high 4, critical 5).") { Choices = ["auto", "min", "low", "default", "high", "max"] },
            new("tags", "Tags", FieldType.Text, false, false, "rotating_light", "Comma-separated tags or emoji short codes."),
            Tpl("title_template", "Title", DefaultTemplates.Title, "Notification title."),
            Tpl("text_template", "Message", DefaultTemplates.PlainText, "Notification body (plain text)."),
        ]),
        new(ChannelKind.Gotify, "gotify", "Gotify", "Gotify POST /message with X-Gotify-Key: {title, message, priority, extras} (gotify.net/api-docs)",
        [
            new("server_url", "Server URL", FieldType.Url, true, false, null, "The Gotify server (https://push.example.org)."),
            new("app_token", "Application token", FieldType.Text, true, true, null, "An application token (sent as X-Gotify-Key)."),
            new("priority", "Priority", FieldType.Text, false, false, "auto", "auto (low 2, medium 5, high 8, critical 10) or 0–10."),
            Tpl("title_template", "Title", DefaultTemplates.Title, "Message title."),
            Tpl("text_template", "Message", DefaultTemplates.PlainText, "Message body (plain text)."),
        ]),
        Gateway(ChannelKind.Sms, "sms", "SMS (HTTP gateway)", "Twilio Messages API: POST form To/From/Body to /2010-04-01/Accounts/{sid}/Messages.json, Basic auth", DefaultTemplates.Sms),
        Gateway(ChannelKind.Voice, "voice", "Voice call (HTTP gateway)", "Twilio Calls API: POST form To/From/Twiml (<Response><Say>) to /2010-04-01/Accounts/{sid}/Calls.json, Basic auth", DefaultTemplates.Voice),
    ];

    private static ChannelDescriptor Gateway(ChannelKind kind, string id, string name, string source, string template) =>
        new(kind, id, name, source,
        [
            new("provider", "Provider", FieldType.Choice, false, false, "twilio", "twilio, or generic for any HTTP gateway.") { Choices = ["twilio", "generic"] },
            new("to", "To", FieldType.Text, true, false, null, "Recipient phone number (E.164, +33612345678). One recipient per channel."),
            new("from", "From", FieldType.Text, false, false, null, "Sender number or id (Twilio: required)."),
            new("account_sid", "Account SID", FieldType.Text, false, false, null, "Twilio: the account SID (AC...)."),
            new("auth_token", "Auth token", FieldType.Text, false, true, null, "Twilio: the auth token (Basic auth password)."),
            new("api_base_url", "API base URL", FieldType.Url, false, false, "https://api.twilio.com", "Twilio: the API base URL."),
            new("method", "Method", FieldType.Choice, false, false, "POST", "Generic: HTTP method.") { Choices = ["POST", "PUT", "GET"] },
            new("url_template", "URL template", FieldType.GatewayTemplate, false, true, null, "Generic: URL with {{to}}, {{from}}, {{message}} (URL-encoded). Secret: gateways often take a key in the URL."),
            new("body_template", "Body template", FieldType.GatewayTemplate, false, false, null, "Generic: body with {{to}}, {{from}}, {{message}}, escaped for the content type."),
            new("content_type", "Body type", FieldType.Choice, false, false, "json", "Generic: json (values JSON-escaped), form (URL-encoded) or text.") { Choices = ["json", "form", "text"] },
            new("headers", "Extra headers", FieldType.Headers, false, true, null, "Generic: one 'Name: value' per line (API keys)."),
            Tpl("text_template", "Message", template, kind == ChannelKind.Sms ? "Plain text, cut at 480 characters." : "Spoken text (XML-escaped into TwiML)."),
        ]);

    public static readonly IReadOnlySet<string> GatewayNames = new HashSet<string>(["to", "from", "message"], StringComparer.Ordinal);

    public static void CheckKind(ChannelConfig config, Settings s, List<FieldError> errors)
    {
        bool Has(string f) => errors.Exists(e => e.Field == f);
        switch (config.Kind)
        {
            case ChannelKind.Smtp:
                if (s.Has("username") && !s.Has("password"))
                {
                    errors.Add(new("password", "Required when a user name is set."));
                }
                if (!Has("port") && s.Int("port") is < 1 or > 65535)
                {
                    errors.Add(new("port", "Must be between 1 and 65535."));
                }
                if (s.Has("tls_thumbprint") && !Has("tls_thumbprint") && !IsHex(s.Get("tls_thumbprint").Replace(":", "", StringComparison.Ordinal), 64))
                {
                    errors.Add(new("tls_thumbprint", "Must be a SHA-256 fingerprint: 64 hexadecimal digits (colons allowed)."));
                }
                break;
            case ChannelKind.Ntfy:
                if (s.Has("topic") && !Has("topic") && !s.Get("topic").All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    errors.Add(new("topic", "Letters, digits, '-' and '_' only."));
                }
                break;
            case ChannelKind.Gotify:
                var p = s.Get("priority");
                if (p != "auto" && !(int.TryParse(p, out var n) && n is >= 0 and <= 10))
                {
                    errors.Add(new("priority", "auto or a number from 0 to 10."));
                }
                break;
            case ChannelKind.Sms or ChannelKind.Voice:
                CheckGateway(s, errors, Has);
                break;
        }
    }

    private static void CheckGateway(Settings s, List<FieldError> errors, Func<string, bool> has)
    {
        if (s.Get("provider") == "twilio")
        {
            foreach (var f in (string[])["account_sid", "auth_token", "from"])
            {
                if (!s.Has(f))
                {
                    errors.Add(new(f, "Required for the Twilio provider."));
                }
            }
            if (s.Has("account_sid") && !(s.Get("account_sid").StartsWith("AC", StringComparison.Ordinal) && s.Get("account_sid").All(char.IsAsciiLetterOrDigit)))
            {
                errors.Add(new("account_sid", "A Twilio account SID starts with AC and has only letters and digits."));
            }
            return;
        }
        if (!s.Has("url_template"))
        {
            errors.Add(new("url_template", "Required for the generic provider."));
            return;
        }
        if (has("url_template") || has("body_template"))
        {
            return;
        }
        var sample = new GatewayRequest.Values("+15550100", "+15550199", "sample message");
        try
        {
            var url = GatewayRequest.RenderUrl(s.Raw("url_template"), sample);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add(new("url_template", "Must give an absolute http(s) URL."));
            }
            if (s.Get("content_type") == "json" && s.Has("body_template"))
            {
                using var _ = JsonDocument.Parse(GatewayRequest.RenderBody(s.Raw("body_template"), "json", sample));
            }
        }
        catch (JsonException ex)
        {
            errors.Add(new("body_template", $"Does not give valid JSON: {ex.Message}"));
        }
    }

    internal static bool IsHex(string s, int length) => s.Length == length && s.All(char.IsAsciiHexDigit);
}
