using System.Net.Http.Headers;
using System.Security;
using System.Text;

namespace Socme.Notify.Internal.Channels;

// SMS / voice through an HTTP gateway. Twilio preset: POST form To/From/Body to {base}/2010-04-01/Accounts/{sid}/Messages.json,
// or To/From/Twiml (<Response><Say>…</Say></Response>) to .../Calls.json, Basic auth sid:token (twilio.com/docs/messaging/api/message-resource,
// twilio.com/docs/voice/api/call-resource). Generic preset: method, URL template, body template, headers.
internal sealed class GatewayChannel(bool voice) : IChannel
{
    public const int SmsMaxChars = 480;

    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var text = TemplateValues.SingleLine(TemplateValues.Render(s.Raw("text_template"), m, Escape.None)).Trim();
        if (!voice)
        {
            text = HttpDelivery.Truncate(text, SmsMaxChars);
        }
        return s.Get("provider") == "generic" ? SendGeneric(s, text, c, ct) : SendTwilio(s, text, c, ct);
    }

    /// <summary>TwiML that says <paramref name="text"/>, XML-escaped.</summary>
    public static string Twiml(string text) => "<Response><Say>" + SecurityElement.Escape(text) + "</Say></Response>";

    private Task<NotifyResult> SendTwilio(Settings s, string text, SendContext c, CancellationToken ct)
    {
        var sid = s.Get("account_sid");
        var url = new Uri($"{s.Get("api_base_url").TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(sid)}/{(voice ? "Calls" : "Messages")}.json");
        var form = new List<KeyValuePair<string, string>>
        {
            new("To", s.Get("to")),
            new("From", s.Get("from")),
            voice ? new("Twiml", Twiml(text)) : new("Body", text),
        };
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(sid + ":" + s.Get("auth_token")));
        return c.Http.SendAsync(url, (u, sameOrigin) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, u) { Content = new FormUrlEncodedContent(form) };
            if (sameOrigin)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            }
            return request;
        }, s.Config.AllowPrivateNetwork, ct);
    }

    private static Task<NotifyResult> SendGeneric(Settings s, string text, SendContext c, CancellationToken ct)
    {
        var values = new GatewayRequest.Values(s.Get("to"), s.Get("from"), text);
        var url = new Uri(GatewayRequest.RenderUrl(s.Raw("url_template"), values), UriKind.Absolute);
        var method = new HttpMethod(s.Get("method"));
        var contentType = s.Get("content_type");
        var body = s.Has("body_template") && method != HttpMethod.Get
            ? GatewayRequest.RenderBody(s.Raw("body_template"), contentType, values)
            : null;
        HeaderList.Parse(s.Raw("headers"), out var headers);
        return c.Http.SendAsync(url, (u, sameOrigin) =>
        {
            var request = new HttpRequestMessage(method, u);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, contentType switch
                {
                    "json" => "application/json",
                    "form" => "application/x-www-form-urlencoded",
                    _ => "text/plain",
                });
            }
            if (sameOrigin)
            {
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }
            return request;
        }, s.Config.AllowPrivateNetwork, ct);
    }
}
