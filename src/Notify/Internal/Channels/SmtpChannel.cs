using System.Text;
using Socme.Notify.Internal.Smtp;

namespace Socme.Notify.Internal.Channels;

// SMTP email: RFC 5321 session (EHLO, STARTTLS RFC 3207 or implicit TLS RFC 8314, AUTH PLAIN/LOGIN RFC 4954), MIME multipart/alternative (RFC 2045-2047).
internal sealed class SmtpChannel : IChannel
{
    public async Task<NotifyResult> SendAsync(Settings s, NotificationMessage m, SendContext c, CancellationToken ct)
    {
        var security = s.Get("security");
        var host = s.Get("host");
        var from = s.Get("from");
        var to = EmailAddress.Split(s.Get("to"));
        var subject = TemplateValues.Render(s.Raw("subject_template"), m, Escape.None);
        var text = TemplateValues.Render(s.Raw("text_template"), m, Escape.None);
        var html = TemplateValues.Render(s.Raw("html_template"), m, Escape.Html);
        var message = MimeMessage.Build(from, s.Get("from_name"), to, subject, text, html, c.Time.GetUtcNow(), Guid.NewGuid().ToString("N"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(c.Options.SmtpTimeout);
        var t = timeout.Token;
        var socket = await OutboundGuard.ConnectAsync(c.CompiledPolicy, host, s.Int("port"), s.Config.AllowPrivateNetwork, t);
        await using var session = new SmtpSession(socket, host, s.Get("tls_thumbprint"));
        try
        {
            if (security == "tls")
            {
                await session.StartTlsAsync(t);
            }
            await session.CommandAsync(null, "greeting", t, 220);
            var ehlo = s.Get("helo_name");
            var caps = (await session.CommandAsync("EHLO " + ehlo, "EHLO", t, 250)).Lines;
            if (security == "starttls")
            {
                if (!HasCap(caps, "STARTTLS"))
                {
                    return NotifyResult.Permanent("SMTP server does not offer STARTTLS (security is starttls)");
                }
                await session.CommandAsync("STARTTLS", "STARTTLS", t, 220);
                await session.StartTlsAsync(t);
                caps = (await session.CommandAsync("EHLO " + ehlo, "EHLO", t, 250)).Lines;
            }
            if (s.Has("username"))
            {
                if (!session.IsTls && !s.Bool("allow_insecure_auth"))
                {
                    return NotifyResult.Permanent("refusing to send SMTP credentials without TLS (use starttls or tls, or allow_insecure_auth for a trusted local relay)");
                }
                await AuthenticateAsync(session, caps, s.Get("username"), s.Get("password"), t);
            }
            await session.CommandAsync($"MAIL FROM:<{from}>", "MAIL FROM", t, 250);
            foreach (var rcpt in to)
            {
                await session.CommandAsync($"RCPT TO:<{rcpt}>", "RCPT TO", t, 250, 251);
            }
            await session.CommandAsync("DATA", "DATA", t, 354);
            await session.SendDataAsync(message, t);
            await session.CommandAsync(null, "end of data", t, 250);
        }
        catch (SmtpReplyException ex)
        {
            return ex.Code is >= 400 and < 500 ? NotifyResult.Retry(ex.Message) : NotifyResult.Permanent(ex.Message);
        }
        catch (SmtpPolicyException ex)
        {
            return NotifyResult.Permanent(ex.Message);
        }
        try
        {
            await session.CommandAsync("QUIT", "QUIT", t, 221);
        }
        catch (Exception ex) when (ex is IOException or SmtpReplyException or OperationCanceledException)
        {
            // The message was accepted at the end of DATA; a failed QUIT does not change that.
        }
        return NotifyResult.Delivered;
    }

    private static bool HasCap(List<string> caps, string name) =>
        caps.Exists(l => l.Equals(name, StringComparison.OrdinalIgnoreCase) || l.StartsWith(name + " ", StringComparison.OrdinalIgnoreCase));

    private static async Task AuthenticateAsync(SmtpSession session, List<string> caps, string user, string password, CancellationToken ct)
    {
        var mechanisms = caps.Where(l => l.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase) || l.StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase))
            .SelectMany(l => l[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        static string B64(string v) => Convert.ToBase64String(Encoding.UTF8.GetBytes(v));
        if (mechanisms.Contains("PLAIN"))
        {
            await session.CommandAsync("AUTH PLAIN " + B64("\0" + user + "\0" + password), "AUTH", ct, 235);
        }
        else if (mechanisms.Contains("LOGIN"))
        {
            await session.CommandAsync("AUTH LOGIN", "AUTH", ct, 334);
            await session.CommandAsync(B64(user), "AUTH", ct, 334);
            await session.CommandAsync(B64(password), "AUTH", ct, 235);
        }
        else
        {
            throw new SmtpPolicyException("SMTP server offers neither AUTH PLAIN nor AUTH LOGIN");
        }
    }
}
