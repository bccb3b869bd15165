using System.Text;
using Socme.Notify.Internal.Smtp;

namespace Socme.Notify.Tests;

/// <summary>MIME building: encoded subject, no header injection.</summary>
public sealed class MimeMessageTests
{
    private static readonly DateTimeOffset Date = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Subject_WithCrLf_CannotAddHeaders()
    {
        var mime = MimeMessage.Build("a@example.org", null, ["b@example.org"], "hi\r\nBcc: evil@example.org", "t", "<p>h</p>", Date, "id1");

        var headers = mime[..mime.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.DoesNotContain("\r\nBcc:", headers, StringComparison.Ordinal);
        Assert.Contains("Subject: hi  Bcc: evil@example.org\r\n", headers, StringComparison.Ordinal);
    }

    [Fact]
    public void Address_WithCrLf_IsRejected() =>
        Assert.Throws<ArgumentException>(() => MimeMessage.Build("a@example.org", null, ["b@example.org\r\nBcc: x@y.org"], "s", "t", "h", Date, "id"));

    [Fact]
    public void EncodeWords_LongNonAscii_FoldsIntoShortWordsThatDecodeBack()
    {
        var subject = string.Concat(Enumerable.Repeat("Alerte critique é 🔥 ", 12));

        var encoded = MimeMessage.EncodeWords(subject);

        var words = encoded.Split("\r\n ");
        Assert.All(words, w => Assert.True(w.Length <= 75, w));
        var decoded = string.Concat(words.Select(w => Encoding.UTF8.GetString(Convert.FromBase64String(w["=?utf-8?B?".Length..^2]))));
        Assert.Equal(subject, decoded);
    }
}
