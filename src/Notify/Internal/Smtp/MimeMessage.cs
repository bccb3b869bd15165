using System.Globalization;
using System.Text;

namespace Socme.Notify.Internal.Smtp;

/// <summary>
/// Builds a MIME <c>multipart/alternative</c> message (text + HTML, UTF-8, base64) with an RFC 2047 subject.
/// Header values come only from validated addresses and single-line text, so nothing can inject a header.
/// </summary>
internal static class MimeMessage
{
    public static string Build(string from, string? fromName, IReadOnlyList<string> to, string subject, string text, string html,
        DateTimeOffset date, string messageIdLocal)
    {
        foreach (var address in to.Append(from))
        {
            if (!EmailAddress.IsValid(address))
            {
                throw new ArgumentException("Invalid email address in a header.", nameof(to));
            }
        }
        var boundary = "=_socme_" + messageIdLocal;
        var domain = from[(from.LastIndexOf('@') + 1)..];
        var sb = new StringBuilder();
        Header(sb, "Date", date.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture));
        Header(sb, "From", string.IsNullOrWhiteSpace(fromName) ? from : EncodeWords(TemplateValues.SingleLine(fromName).Trim()) + " <" + from + ">");
        Header(sb, "To", string.Join(",\r\n ", to));
        Header(sb, "Subject", EncodeWords(TemplateValues.SingleLine(subject).Trim()));
        Header(sb, "Message-ID", "<" + messageIdLocal + "@" + domain + ">");
        Header(sb, "MIME-Version", "1.0");
        Header(sb, "Auto-Submitted", "auto-generated");
        Header(sb, "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
        sb.Append("\r\n");
        Part(sb, boundary, "text/plain", text);
        Part(sb, boundary, "text/html", html);
        sb.Append("--").Append(boundary).Append("--\r\n");
        return sb.ToString();
    }

    private static void Header(StringBuilder sb, string name, string value) => sb.Append(name).Append(": ").Append(value).Append("\r\n");

    private static void Part(StringBuilder sb, string boundary, string type, string content)
    {
        sb.Append("--").Append(boundary).Append("\r\n");
        Header(sb, "Content-Type", type + "; charset=utf-8");
        Header(sb, "Content-Transfer-Encoding", "base64");
        sb.Append("\r\n");
        var canonical = content.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\r", "\n", StringComparison.Ordinal)
            .Replace("\n", "\r\n", StringComparison.Ordinal);
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(canonical));
        for (var i = 0; i < b64.Length; i += 76)
        {
            sb.Append(b64, i, Math.Min(76, b64.Length - i)).Append("\r\n");
        }
    }

    /// <summary>
    /// Plain printable ASCII stays as is; anything else becomes RFC 2047 <c>=?utf-8?B?…?=</c> words of at most 75
    /// characters, folded, never splitting a character.
    /// </summary>
    public static string EncodeWords(string value)
    {
        if (value.Length <= 900 && value.All(c => c is >= ' ' and <= '~') && !value.Contains("=?", StringComparison.Ordinal))
        {
            return value;
        }
        var words = new List<string>();
        var chunk = new StringBuilder();
        var chunkBytes = 0;
        var e = StringInfo.GetTextElementEnumerator(value);
        while (e.MoveNext())
        {
            var element = e.GetTextElement();
            var n = Encoding.UTF8.GetByteCount(element);
            if (chunkBytes + n > 45 && chunk.Length > 0)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
                chunkBytes = 0;
            }
            chunk.Append(element);
            chunkBytes += n;
        }
        if (chunk.Length > 0)
        {
            words.Add(Word(chunk.ToString()));
        }
        return string.Join("\r\n ", words);
    }

    private static string Word(string s) => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) + "?=";
}
