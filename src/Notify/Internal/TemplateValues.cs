using System.Globalization;
using System.Text;
using Socme.Alerts;

namespace Socme.Notify.Internal;

/// <summary>How values are escaped where a rendered template goes.</summary>
internal enum Escape
{
    /// <summary>Plain text (email text part, SMS, JSON strings built by a writer, TwiML escaped as a whole afterwards).</summary>
    None,
    /// <summary>HTML email, Telegram parse_mode=HTML.</summary>
    Html,
    /// <summary>Slack mrkdwn: only &amp;, &lt;, &gt; are special (links and mentions are written &lt;...&gt;).</summary>
    SlackMrkdwn,
    /// <summary>CommonMark-like chats (Discord, Mattermost, Teams TextBlock): backslash-escaped punctuation, no @-mentions.</summary>
    Markdown,
}

/// <summary>The placeholders of message templates and their values for one message.</summary>
internal static class TemplateValues
{
    public static readonly IReadOnlyList<string> Names =
    [
        "client.name", "client.id", "count", "shown", "more",
        "alert.title", "alert.time", "alert.level", "alert.band", "alert.source",
        "alert.rule.id", "alert.rule.description", "alert.signature", "alert.agent",
        "alert.src_ip", "alert.src_port", "alert.src", "alert.dst_ip", "alert.dst_port", "alert.dst",
        "alert.mitre", "alert.url",
    ];

    public static readonly IReadOnlyList<string> SectionNames = ["alerts", "more", "digest", "single"];

    public static readonly IReadOnlySet<string> NameSet = new HashSet<string>(Names, StringComparer.Ordinal);
    public static readonly IReadOnlySet<string> SectionSet = new HashSet<string>(SectionNames, StringComparer.Ordinal);

    private const string Missing = "-";

    public static string Render(string template, NotificationMessage message, Escape escape)
    {
        var parsed = Template.Parse(template, NameSet, SectionSet);
        if (parsed.Errors.Count > 0)
        {
            throw new InvalidTemplateException(parsed.Errors[0]);
        }
        var sb = new StringBuilder();
        Func<string, string> Scope(AlertView alert) => name => Value(name, message, alert, escape);
        parsed.Render(sb, Scope(message.Alerts[0]), name => name switch
        {
            "alerts" => message.Alerts.Select(a => (Func<string, string>?)Scope(a)),
            "more" => message.More > 0 ? [null] : [],
            "digest" => message.IsDigest ? [null] : [],
            "single" => message.IsDigest ? [] : [null],
            _ => [],
        });
        return sb.ToString();
    }

    private static string Value(string name, NotificationMessage m, AlertView a, Escape escape)
    {
        var raw = name switch
        {
            "client.name" => m.Client.Name,
            "client.id" => m.Client.Id.ToString(),
            "count" => m.TotalCount.ToString(CultureInfo.InvariantCulture),
            "shown" => m.Alerts.Count.ToString(CultureInfo.InvariantCulture),
            "more" => m.More.ToString(CultureInfo.InvariantCulture),
            "alert.title" => a.Title,
            "alert.time" => a.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            "alert.level" => a.Level.ToString(CultureInfo.InvariantCulture),
            "alert.band" => BandName(a.Band),
            "alert.source" => a.Source.ToString().ToLowerInvariant(),
            "alert.rule.id" => a.RuleId,
            "alert.rule.description" => a.RuleDescription,
            "alert.signature" => a.Signature,
            "alert.agent" => a.Agent,
            "alert.src_ip" => a.SrcIp,
            "alert.src_port" => a.SrcPort?.ToString(CultureInfo.InvariantCulture),
            "alert.src" => Endpoint(a.SrcIp, a.SrcPort),
            "alert.dst_ip" => a.DstIp,
            "alert.dst_port" => a.DstPort?.ToString(CultureInfo.InvariantCulture),
            "alert.dst" => Endpoint(a.DstIp, a.DstPort),
            "alert.mitre" => a.Mitre.Count == 0 ? null : string.Join(", ", a.Mitre),
            "alert.url" => null,
            _ => throw new InvalidTemplateException($"Unknown placeholder '{{{{{name}}}}}'."),
        };
        if (name == "alert.url")
        {
            return a.Url is { IsAbsoluteUri: true } u && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
                ? EscapeUrl(u.AbsoluteUri, escape)
                : Missing;
        }
        return EscapeText(string.IsNullOrWhiteSpace(raw) ? Missing : raw, escape);
    }

    public static string BandName(SeverityBand band) => band.ToString().ToLowerInvariant();

    private static string? Endpoint(string? ip, int? port) =>
        string.IsNullOrWhiteSpace(ip) ? null
        : port is null ? ip
        : ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{port.Value.ToString(CultureInfo.InvariantCulture)}"
        : $"{ip}:{port.Value.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Every control character (CR, LF, tab, NEL, U+2028/2029, ...) becomes one space.</summary>
    public static string SingleLine(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            sb.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c);
        }
        return sb.ToString();
    }

    public static string EscapeText(string value, Escape escape)
    {
        var line = SingleLine(value);
        return escape switch
        {
            Escape.Html => HtmlEscape(line),
            Escape.SlackMrkdwn => line.Replace("&", "&amp;", StringComparison.Ordinal)
                .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal),
            Escape.Markdown => EscapeMarkdown(line),
            _ => line,
        };
    }

    /// <summary>Escapes &amp; &lt; &gt; &quot; ' (text and attribute values); other characters stay as they are (UTF-8).</summary>
    public static string HtmlEscape(string value)
    {
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '"' => sb.Append("&quot;"),
                '\'' => sb.Append("&#39;"),
                _ => sb.Append(c),
            };
        }
        return sb.ToString();
    }

    private const string MarkdownSpecials = "\\`*_~|<>#[](){}!+-=:";

    private static string EscapeMarkdown(string line)
    {
        var sb = new StringBuilder(line.Length + 8);
        foreach (var c in line)
        {
            if (MarkdownSpecials.Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\').Append(c);
            }
            else if (c == '@')
            {
                // "@everyone", "@channel", "@here": a zero-width space after '@' keeps it from being a mention.
                sb.Append("@\u200B");
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static string EscapeUrl(string absoluteUri, Escape escape)
    {
        switch (escape)
        {
            case Escape.Html:
                return HtmlEscape(absoluteUri);
            case Escape.SlackMrkdwn:
            case Escape.Markdown:
                var sb = new StringBuilder(absoluteUri.Length);
                foreach (var c in absoluteUri)
                {
                    if ("()<>|*_~`[]\\ \"'".Contains(c, StringComparison.Ordinal) || char.IsControl(c))
                    {
                        sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                }
                return sb.ToString();
            default:
                return SingleLine(absoluteUri);
        }
    }
}

/// <summary>A template that does not parse (caught by validation at save time; at send time a permanent failure).</summary>
internal sealed class InvalidTemplateException(string message) : Exception(message);
