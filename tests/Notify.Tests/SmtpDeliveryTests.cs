using System.Text;
using System.Text.RegularExpressions;
using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>Real SMTP against aiosmtpd: plain, STARTTLS + AUTH, implicit TLS, reply-code mapping, MIME content.</summary>
public sealed partial class SmtpDeliveryTests
{
    private static ChannelConfig Smtp(SmtpServer server, string security, string to = "soc@example.org", bool auth = false, bool thumbprint = true)
    {
        var values = new List<(string, string)>
        {
            ("host", "127.0.0.1"), ("port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("security", security), ("from", "socme@example.org"), ("to", to),
        };
        if (auth)
        {
            values.Add(("username", SmtpServer.User));
            values.Add(("password", SmtpServer.Password));
        }
        if (thumbprint && server.Certificate is not null)
        {
            values.Add(("tls_thumbprint", server.Certificate.Sha256));
        }
        return TestNotify.Config(ChannelKind.Smtp, [.. values]);
    }

    [Fact]
    public async Task Plain_LoopbackAllowed_DeliversMultipartWithEscapedHtmlAndEncodedSubject()
    {
        using var server = await SmtpServer.StartAsync("plain");
        var result = await TestNotify.Notifier().SendAsync(Smtp(server, "none"), TestNotify.Single(TestNotify.HostileAlert()));

        Assert.Equal(NotifyOutcome.Delivered, result.Outcome);
        var mail = Assert.Single(server.Messages());
        var (headers, parts) = Parse(mail);
        Assert.Equal("[SOCme] Acme Café: high — <script>alert(1)</script> \"}, \"x\": \"y", DecodeSubject(headers["Subject"]));
        Assert.DoesNotContain("Bcc", string.Join("\n", headers.Keys));
        Assert.Contains("multipart/alternative", headers["Content-Type"], StringComparison.Ordinal);
        Assert.Matches(@"^<[0-9a-f]{32}@example\.org>$", headers["Message-ID"]);
        Assert.Equal("Fri, 14 Mar 2025 09:26:53 +0000", headers["Date"]);
        var html = parts["text/html"];
        var text = parts["text/plain"];
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;}, &quot;x&quot;: &quot;y", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("<script>alert(1)</script>", text, StringComparison.Ordinal);
        Assert.Contains("evil  Bcc: victim@example.org", text, StringComparison.Ordinal);
        Assert.Contains("https://soc.example.org/alerts/42", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_WithAuth_Delivers()
    {
        using var server = await SmtpServer.StartAsync("starttls", auth: true);
        var result = await TestNotify.Notifier().SendAsync(Smtp(server, "starttls", auth: true), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Delivered, result.Outcome);
        Assert.Single(server.Messages());
    }

    [Fact]
    public async Task StartTls_UntrustedSelfSignedCertificate_IsPermanentAndSendsNothing()
    {
        using var server = await SmtpServer.StartAsync("starttls", auth: true);
        var result = await TestNotify.Notifier().SendAsync(Smtp(server, "starttls", auth: true, thumbprint: false), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Contains("TLS", result.Reason, StringComparison.Ordinal);
        Assert.Empty(server.Messages());
    }

    [Fact]
    public async Task ImplicitTls_WithAuth_Delivers()
    {
        using var server = await SmtpServer.StartAsync("tls", auth: true);
        var result = await TestNotify.Notifier().SendAsync(Smtp(server, "tls", auth: true), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Delivered, result.Outcome);
        Assert.Single(server.Messages());
    }

    [Fact]
    public async Task Plain_WithCredentials_RefusesToSendThemInClear()
    {
        using var server = await SmtpServer.StartAsync("plain");
        var result = await TestNotify.Notifier().SendAsync(Smtp(server, "none", auth: true), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Contains("without TLS", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(SmtpServer.Password, result.Reason, StringComparison.Ordinal);
        Assert.Empty(server.Messages());
    }

    [Theory]
    [InlineData("reject451@example.org", NotifyOutcome.Retry, "SMTP 451 at RCPT TO")]
    [InlineData("reject550@example.org", NotifyOutcome.Permanent, "SMTP 550 at RCPT TO")]
    public async Task RecipientRejected_MapsReplyCode(string to, NotifyOutcome expected, string reason)
    {
        using var server = await SmtpServer.StartAsync("plain");
        var result = await TestNotify.Notifier().SendAsync(Smtp(server, "none", to), TestNotify.Single());

        Assert.Equal(expected, result.Outcome);
        Assert.StartsWith(reason, result.Reason, StringComparison.Ordinal);
        Assert.Empty(server.Messages());
    }

    [Fact]
    public async Task StartTlsRequired_ServerWithoutStartTls_IsPermanent()
    {
        using var server = await SmtpServer.StartAsync("plain");
        var result = await TestNotify.Notifier().SendAsync(Smtp(server, "starttls"), TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.Contains("STARTTLS", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionRefused_IsRetry()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var config = TestNotify.Config(ChannelKind.Smtp, ("host", "127.0.0.1"), ("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("security", "none"), ("from", "socme@example.org"), ("to", "soc@example.org"));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single());

        Assert.Equal(NotifyOutcome.Retry, result.Outcome);
        Assert.Contains("ConnectionRefused", result.Reason, StringComparison.Ordinal);
    }

    private static (Dictionary<string, string> Headers, Dictionary<string, string> Parts) Parse(string mail)
    {
        var split = mail.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match m in HeaderLine().Matches(mail[..split].Replace("\r\n ", " ", StringComparison.Ordinal)))
        {
            headers[m.Groups[1].Value] = m.Groups[2].Value.TrimEnd('\r');
        }
        var boundary = BoundaryRegex().Match(headers["Content-Type"]).Groups[1].Value;
        var parts = new Dictionary<string, string>();
        foreach (var part in mail[split..].Split("--" + boundary).Skip(1))
        {
            var sep = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (sep < 0)
            {
                continue;
            }
            var type = ContentTypeRegex().Match(part[..sep]).Groups[1].Value;
            Assert.Contains("Content-Transfer-Encoding: base64", part[..sep], StringComparison.Ordinal);
            parts[type] = Encoding.UTF8.GetString(Convert.FromBase64String(part[sep..].Replace("\r\n", "", StringComparison.Ordinal)));
        }
        return (headers, parts);
    }

    private static string DecodeSubject(string value) => string.Concat(EncodedWord().Matches(value)
        .Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))));

    [GeneratedRegex(@"^([A-Za-z-]+): (.*)$", RegexOptions.Multiline)]
    private static partial Regex HeaderLine();
    [GeneratedRegex("boundary=\"([^\"]+)\"")]
    private static partial Regex BoundaryRegex();
    [GeneratedRegex(@"Content-Type: ([a-z]+/[a-z]+)")]
    private static partial Regex ContentTypeRegex();
    [GeneratedRegex(@"=\?utf-8\?B\?([^?]+)\?=")]
    private static partial Regex EncodedWord();
}
