namespace Socme.Notify.Internal;

/// <summary>The default template of each kind: short for SMS and voice, richer for email and chats.</summary>
internal static class DefaultTemplates
{
    public const string Title =
        "[SOCme] {{client.name}}: {{#single}}{{alert.band}} — {{alert.title}}{{/single}}{{#digest}}{{count}} alerts{{/digest}}";

    public const string EmailText =
        """
        SOCme — {{client.name}}: {{count}} alert(s)

        {{#alerts}}
        [{{alert.band}} {{alert.level}}] {{alert.title}}
          time: {{alert.time}}   source: {{alert.source}}   rule: {{alert.rule.id}}
          agent: {{alert.agent}}   {{alert.src}} -> {{alert.dst}}
          MITRE: {{alert.mitre}}
          {{alert.url}}

        {{/alerts}}
        {{#more}}
        ... and {{more}} more.
        {{/more}}
        """;

    public const string EmailHtml =
        """
        <!DOCTYPE html>
        <html><body style="font-family:sans-serif">
        <h2>SOCme — {{client.name}}: {{count}} alert(s)</h2>
        <table cellpadding="4" style="border-collapse:collapse">
        <tr><th align="left">Band</th><th align="left">Level</th><th align="left">Alert</th><th align="left">Time</th><th align="left">Agent</th><th align="left">Source → destination</th><th align="left">MITRE</th></tr>
        {{#alerts}}
        <tr><td>{{alert.band}}</td><td>{{alert.level}}</td><td><a href="{{alert.url}}">{{alert.title}}</a><br><small>{{alert.source}} rule {{alert.rule.id}}</small></td><td>{{alert.time}}</td><td>{{alert.agent}}</td><td>{{alert.src}} → {{alert.dst}}</td><td>{{alert.mitre}}</td></tr>
        {{/alerts}}
        </table>
        {{#more}}
        <p>… and {{more}} more.</p>
        {{/more}}
        </body></html>
        """;

    /// <summary>Chats: Markdown-ish lines (values are escaped for each chat's dialect).</summary>
    public const string Chat =
        """
        *SOCme — {{client.name}}*: {{count}} alert(s)
        {{#alerts}}
        • *{{alert.band}} {{alert.level}}* {{alert.title}} — {{alert.agent}} {{alert.src}} → {{alert.dst}} ({{alert.time}}) {{alert.url}}
        {{/alerts}}
        {{#more}}
        … and {{more}} more
        {{/more}}
        """;

    /// <summary>Discord: a header line; each shown alert is an embed.</summary>
    public const string DiscordHeader =
        "**SOCme — {{client.name}}**: {{count}} alert(s){{#more}} (showing {{shown}}){{/more}}";

    /// <summary>Telegram with parse_mode=HTML.</summary>
    public const string TelegramHtml =
        """
        <b>SOCme — {{client.name}}</b>: {{count}} alert(s)
        {{#alerts}}
        • <b>{{alert.band}} {{alert.level}}</b> {{alert.title}} — {{alert.agent}} {{alert.src}} → {{alert.dst}} ({{alert.time}}) <a href="{{alert.url}}">open</a>
        {{/alerts}}
        {{#more}}
        … and {{more}} more
        {{/more}}
        """;

    /// <summary>Plain text lines (webhook "text", ntfy, Gotify).</summary>
    public const string PlainText =
        """
        {{#alerts}}
        [{{alert.band}} {{alert.level}}] {{alert.title}} — {{alert.agent}} {{alert.src}} -> {{alert.dst}} ({{alert.time}}) {{alert.url}}
        {{/alerts}}
        {{#more}}
        ... and {{more}} more
        {{/more}}
        """;

    public const string Sms =
        "SOCme {{client.name}}: {{#single}}{{alert.band}} L{{alert.level}} {{alert.title}} ({{alert.agent}}){{/single}}{{#digest}}{{count}} alerts, first: {{alert.band}} {{alert.title}}{{/digest}}";

    public const string Voice =
        "SOCme alert for {{client.name}}. {{#single}}Severity {{alert.band}}, level {{alert.level}}: {{alert.title}}.{{/single}}{{#digest}}{{count}} alerts. The first, severity {{alert.band}}: {{alert.title}}.{{/digest}}";
}
