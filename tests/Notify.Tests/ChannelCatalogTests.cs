using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>The catalogue: kinds, secret fields, per-field validation.</summary>
public sealed class ChannelCatalogTests
{
    [Fact]
    public void All_CoversEveryKind_WithCoreIds()
    {
        Assert.Equal(Enum.GetValues<ChannelKind>().Order(), ChannelCatalog.All.Select(d => d.Kind).Order());
        Assert.Equal(["discord", "gotify", "mattermost", "ntfy", "slack", "sms", "smtp", "teams", "telegram", "voice", "webhook"],
            ChannelCatalog.All.Select(d => d.Id).Order(StringComparer.Ordinal).ToArray());
        Assert.True(ChannelCatalog.TryParseKind("Slack", out var kind));
        Assert.Equal(ChannelKind.Slack, kind);
    }

    [Theory]
    [InlineData(ChannelKind.Slack, "webhook_url")]
    [InlineData(ChannelKind.Discord, "webhook_url")]
    [InlineData(ChannelKind.Teams, "webhook_url")]
    [InlineData(ChannelKind.Mattermost, "webhook_url")]
    [InlineData(ChannelKind.Telegram, "bot_token")]
    [InlineData(ChannelKind.Smtp, "password")]
    [InlineData(ChannelKind.Gotify, "app_token")]
    [InlineData(ChannelKind.Sms, "auth_token")]
    [InlineData(ChannelKind.Webhook, "secret")]
    public void SecretFields_IncludeTokensAndTokenUrls(ChannelKind kind, string field) =>
        Assert.Contains(field, ChannelCatalog.SecretFields(kind));

    [Fact]
    public void SecretFields_ExcludePlainSettings()
    {
        Assert.DoesNotContain("host", ChannelCatalog.SecretFields(ChannelKind.Smtp));
        Assert.DoesNotContain("chat_id", ChannelCatalog.SecretFields(ChannelKind.Telegram));
    }

    [Fact]
    public void Validate_Smtp_ReportsEachBadField()
    {
        var errors = ChannelCatalog.Validate(TestNotify.Config(ChannelKind.Smtp,
            ("port", "abc"), ("security", "ssl"), ("from", "a@b\r\nBcc: x@y"), ("to", "ok@example.org, bad"), ("username", "u"), ("colour", "red")));

        Assert.Equal(["colour", "from", "host", "password", "port", "security", "to"], errors.Select(e => e.Field).Order(StringComparer.Ordinal).ToArray());
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void Validate_ValidSmtp_HasNoErrors() =>
        Assert.Empty(ChannelCatalog.Validate(TestNotify.Config(ChannelKind.Smtp, ("host", "smtp.example.org"), ("from", "soc@example.org"), ("to", "a@example.org; b@example.org"))));

    [Fact]
    public void Validate_GenericGatewayBodyThatIsNotJson_IsFieldError()
    {
        var errors = ChannelCatalog.Validate(TestNotify.Config(ChannelKind.Sms, ("provider", "generic"), ("to", "+1"),
            ("url_template", "https://gw.example.org/send?to={{to}}"), ("body_template", "{\"text\": {{message}}}")));

        Assert.Equal("body_template", Assert.Single(errors).Field);
    }
}
