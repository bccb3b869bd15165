using System.Text;
using System.Web;
using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>SMS and voice through the Twilio preset and the generic gateway preset.</summary>
public sealed class GatewayChannelTests
{
    private static (string, string)[] Twilio(HttpReceiver r) =>
    [
        ("provider", "twilio"), ("account_sid", "AC0123456789abcdef0123456789abcdef"), ("auth_token", "tw-token-42"),
        ("from", "+15550001111"), ("to", "+33612345678"), ("api_base_url", r.BaseUri.AbsoluteUri),
    ];

    [Fact]
    public async Task TwilioSms_PostsFormWithBasicAuth()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(201, """{"sid":"SM1","status":"queued"}""");

        var result = await TestNotify.Notifier().SendAsync(TestNotify.Config(ChannelKind.Sms, Twilio(receiver)), TestNotify.Single());

        Assert.True(result.IsDelivered);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json", request.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC0123456789abcdef0123456789abcdef:tw-token-42")),
            request.Header("Authorization"));
        var form = HttpUtility.ParseQueryString(request.BodyText);
        Assert.Equal("+33612345678", form["To"]);
        Assert.Equal("+15550001111", form["From"]);
        Assert.Equal("SOCme Acme Café: high L12 SSH brute force (web-01)", form["Body"]);
    }

    [Fact]
    public async Task TwilioVoice_SendsXmlEscapedTwiml()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Then(201, "{}");

        var result = await TestNotify.Notifier().SendAsync(TestNotify.Config(ChannelKind.Voice, Twilio(receiver)),
            TestNotify.Single(TestNotify.Alert(description: "<Hangup/> & \"quotes\"")));

        Assert.True(result.IsDelivered);
        var request = Assert.Single(receiver.Requests);
        Assert.EndsWith("/Calls.json", request.Path, StringComparison.Ordinal);
        var twiml = HttpUtility.ParseQueryString(request.BodyText)["Twiml"]!;
        Assert.StartsWith("<Response><Say>", twiml, StringComparison.Ordinal);
        Assert.Contains("&lt;Hangup/&gt; &amp; &quot;quotes&quot;", twiml, StringComparison.Ordinal);
        var doc = System.Xml.Linq.XDocument.Parse(twiml);
        Assert.Single(doc.Root!.Elements());
        Assert.Contains("<Hangup/> & \"quotes\"", doc.Root.Element("Say")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generic_RendersUrlAndJsonBodyTemplates_WithEscaping()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        var config = TestNotify.Config(ChannelKind.Sms, ("provider", "generic"), ("to", "+33 6&x=1"),
            ("url_template", receiver.BaseUri.AbsoluteUri + "send?to={{to}}&key=k1"),
            ("body_template", """{"to":"{{to}}","text":"{{message}}"}"""), ("headers", "X-Api-Key: gw-key"));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single(TestNotify.HostileAlert()));

        Assert.True(result.IsDelivered);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/send", request.Path);
        Assert.Equal("+33 6&x=1", HttpUtility.ParseQueryString(request.Query)["to"]);
        Assert.Equal("gw-key", request.Header("X-Api-Key"));
        var json = request.Json;
        Assert.Equal("+33 6&x=1", json.GetProperty("to").GetString());
        Assert.Contains("<script>alert(1)</script> \"}, \"x\": \"y", json.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwilioWithoutCredentials_NamesEachField()
    {
        var errors = ChannelCatalog.Validate(TestNotify.Config(ChannelKind.Sms, ("to", "+33612345678")));

        Assert.Equal(["account_sid", "auth_token", "from"], errors.Select(e => e.Field).Order().ToArray());
    }
}
