using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Socme.Notify.Internal.Smtp;

/// <summary>An SMTP reply that was not the one expected at <see cref="Stage"/>.</summary>
internal sealed class SmtpReplyException(int code, string stage, string text)
    : Exception($"SMTP {code.ToString(CultureInfo.InvariantCulture)} at {stage}: {text}")
{
    public int Code => code;
    public string Stage => stage;
}

/// <summary>A refusal of the client itself (no STARTTLS offered, credentials in clear, ...): permanent.</summary>
internal sealed class SmtpPolicyException(string message) : Exception(message);

/// <summary>
/// A minimal SMTP client over a socket (RFC 5321): EHLO, STARTTLS (RFC 3207) or implicit TLS (RFC 8314),
/// AUTH PLAIN/LOGIN (RFC 4954), MAIL/RCPT/DATA with dot-stuffing, QUIT.
/// </summary>
internal sealed class SmtpSession(Socket socket, string host, string? trustedThumbprint) : IAsyncDisposable
{
    private const int MaxLine = 4096;
    private Stream _stream = new NetworkStream(socket, ownsSocket: true);
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    public bool IsTls { get; private set; }

    public async Task StartTlsAsync(CancellationToken ct)
    {
        if (_start != _end)
        {
            // Bytes after the 220 reply to STARTTLS would be read as if they came over TLS (CVE-2011-0411 class).
            throw new SmtpPolicyException("SMTP server sent data before the TLS handshake");
        }
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = ValidateCertificate,
        }, ct);
        _stream = ssl;
        IsTls = true;
    }

    private bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null || string.IsNullOrEmpty(trustedThumbprint))
        {
            return false;
        }
        var actual = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        return string.Equals(actual, trustedThumbprint.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Sends one command line and reads the reply; throws <see cref="SmtpReplyException"/> unless its code is expected.</summary>
    public async Task<(int Code, List<string> Lines)> CommandAsync(string? line, string stage, CancellationToken ct, params int[] expected)
    {
        if (line is not null)
        {
            if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new SmtpPolicyException("refused to send a command containing CR or LF");
            }
            await WriteAsync(line + "\r\n", ct);
        }
        var reply = await ReadReplyAsync(ct);
        if (Array.IndexOf(expected, reply.Code) < 0)
        {
            throw new SmtpReplyException(reply.Code, stage, HttpDelivery.Short(string.Join(" ", reply.Lines), 200));
        }
        return reply;
    }

    /// <summary>Sends the message for DATA: dot-stuffed, ended by CRLF.CRLF.</summary>
    public async Task SendDataAsync(string message, CancellationToken ct)
    {
        var sb = new StringBuilder(message.Length + 64);
        foreach (var line in message.Split("\r\n"))
        {
            if (line.StartsWith('.'))
            {
                sb.Append('.');
            }
            sb.Append(line).Append("\r\n");
        }
        if (message.EndsWith("\r\n", StringComparison.Ordinal))
        {
            sb.Length -= 2;
        }
        sb.Append(".\r\n");
        await WriteAsync(sb.ToString(), ct);
    }

    private async Task WriteAsync(string text, CancellationToken ct)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await _stream.FlushAsync(ct);
    }

    private async Task<(int Code, List<string> Lines)> ReadReplyAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(ct);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                || (line.Length > 3 && line[3] != ' ' && line[3] != '-'))
            {
                throw new IOException("malformed SMTP reply");
            }
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] == ' ')
            {
                return (code, lines);
            }
            if (lines.Count > 100)
            {
                throw new IOException("SMTP reply too long");
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var length = lf - _start;
                if (length > 0 && _buffer[lf - 1] == '\r')
                {
                    length--;
                }
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = lf + 1;
                return line;
            }
            if (_end - _start >= MaxLine)
            {
                throw new IOException("SMTP reply line too long");
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (read == 0)
            {
                throw new IOException("SMTP server closed the connection");
            }
            _end += read;
        }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}
