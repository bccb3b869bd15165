using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Socme.Notify.Internal;
using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>Values are escaped for their context; the template's own markup is kept.</summary>
public sealed class TemplateEscapingTests
{
    private static string Render(string template, Escape escape, AlertView? alert = null) =>
        TemplateValues.Render(template, TestNotify.Single(alert ?? TestNotify.HostileAlert()), escape);

    [Fact]
    public void Html_EscapesValues_KeepsTemplateMarkup() =>
        Assert.Equal("<b>&lt;script&gt;alert(1)&lt;/script&gt; &quot;}, &quot;x&quot;: &quot;y</b>",
            Render("<b>{{alert.rule.description}}</b>", Escape.Html));

    [Fact]
    public void AnyContext_CrLfInValues_BecomesSpaces()
    {
        foreach (var escape in Enum.GetValues<Escape>())
        {
            var line = Render("Agent: {{alert.agent}}", escape);
            Assert.DoesNotContain('\r', line);
            Assert.DoesNotContain('\n', line);
        }
    }

    [Fact]
    public void SlackMrkdwn_NeutralisesSpecialMentions() =>
        Assert.Equal("*bold* _it_ &lt;!channel&gt; @everyone [x](http://evil)", Render("{{alert.signature}}", Escape.SlackMrkdwn));

    [Fact]
    public void Markdown_BackslashEscapesAndBreaksMentions() =>
        Assert.Equal("\\*bold\\* \\_it\\_ \\<\\!channel\\> @\u200Beveryone \\[x\\]\\(http\\://evil\\)", Render("{{alert.signature}}", Escape.Markdown));

    [Fact]
    public void MissingValues_RenderAsDash_AndSectionsFollowTheMessage()
    {
        var alert = TestNotify.Alert() with { Agent = null, Url = null };
        var digest = NotificationMessage.Digest(TestNotify.Client, [alert, TestNotify.Alert(3)], totalCount: 7);

        var text = TemplateValues.Render("{{#single}}one{{/single}}{{#digest}}{{count}}:{{/digest}}{{#alerts}}[{{alert.level}} {{alert.agent}} {{alert.url}}]{{/alerts}}{{#more}}+{{more}}{{/more}}",
            digest, Escape.None);

        Assert.Equal("7:[12 - -][3 web-01 https://soc.example.org/alerts/42]+5", text);
    }

    [Fact]
    public void Property_HtmlEscapedValue_NeverContainsMarkupCharacters() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), s =>
        {
            var html = Render("{{alert.agent}}", Escape.Html, TestNotify.Alert() with { Agent = s.Get });
            return html.IndexOfAny(['<', '>', '"', '\'', '\r', '\n']) < 0;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Property_MarkdownEscapedValue_HasNoUnescapedSpecial() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), s =>
        {
            var md = Render("{{alert.agent}}", Escape.Markdown, TestNotify.Alert() with { Agent = s.Get });
            for (var i = 0; i < md.Length; i++)
            {
                if (md[i] == '\\')
                {
                    i++;
                    continue;
                }
                if ("*_`[]<>|~#".Contains(md[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Property_JsonGatewayBody_AlwaysParsesAndRoundTrips() =>
        Prop.ForAll(ArbMap.Default.ArbFor<NonNull<string>>(), s =>
        {
            var body = GatewayRequest.RenderBody("""{"text":"{{message}}"}""", "json", new GatewayRequest.Values("+1", "+2", s.Get));
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.GetProperty("text").GetString() == s.Get;
        }).QuickCheckThrowOnFailure();
}
