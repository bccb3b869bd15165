using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Socme.Notify.Internal.Channels;

// SOCme's signed webhook: POST JSON; X-Socme-Timestamp: <unix s>; X-Socme-Signature: sha256=<hex HMAC-SHA256(secret, "<ts>.<body>")>;
// X-Socme-Delivery: the sender's delivery id, the same on every retry (a receiver drops repeats by it).
internal sealed class WebhookChannel : IChannel
{
    public const string SignatureHeader = "X-Socme-Signature";
    public const string TimestampHeader = "X-Socme-Timestamp";
    public const string DeliveryHeader = "X-Socme-Delivery";

    public Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext context, CancellationToken ct)
    {
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.None).TrimEnd();
        var body = Json.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            w.WriteString("event", m.IsDigest ? "digest" : "alert");
            w.WriteStartObject("client");
            w.WriteString("id", m.Client.Id);
            w.WriteString("name", m.Client.Name);
            w.WriteEndObject();
            w.WriteNumber("count", m.TotalCount);
            w.WriteNumber("more", m.More);
            w.WriteString("text", text);
            w.WriteStartArray("alerts");
            foreach (var a in m.Alerts)
            {
                AlertJson.WriteAlert(w, a);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        var timestamp = context.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var secret = s.Get("secret");
        var signature = secret.Length == 0 ? null : "sha256=" + Sign(secret, timestamp, body);
        HeaderList.Parse(s.Raw("headers"), out var headers);
        return context.Http.SendAsync(s.Url("url"), (url, sameOrigin) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = HttpDelivery.JsonContent(body) };
            request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp);
            if (m.DeliveryId is { } delivery)
            {
                request.Headers.TryAddWithoutValidation(DeliveryHeader, delivery);
            }
            if (signature is not null)
            {
                request.Headers.TryAddWithoutValidation(SignatureHeader, signature);
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

    /// <summary>Lower-case hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c> keyed with the UTF-8 secret.</summary>
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
