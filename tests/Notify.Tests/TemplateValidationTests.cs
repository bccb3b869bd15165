using Socme.Notify.Tests.Support;

namespace Socme.Notify.Tests;

/// <summary>Template errors are found at save time (validation), not at send time.</summary>
public sealed class TemplateValidationTests
{
    [Fact]
    public void Validate_UnknownPlaceholder_NamesIt()
    {
        var errors = NotifyTemplates.Validate("Hello {{client.name}} {{alert.password}}");

        Assert.Equal("Unknown placeholder '{{alert.password}}'.", Assert.Single(errors));
    }

    [Theory]
    [InlineData("{{#alerts}}x")]
    [InlineData("x{{/alerts}}")]
    [InlineData("{{#bogus}}x{{/bogus}}")]
    [InlineData("{{#alerts}}{{#alerts}}x{{/alerts}}{{/alerts}}")]
    [InlineData("{{client.name")]
    [InlineData("{{}}")]
    public void Validate_MalformedTemplate_HasErrors(string template) => Assert.NotEmpty(NotifyTemplates.Validate(template));

    [Fact]
    public void Validate_EveryPlaceholderAndSection_IsValid()
    {
        var template = string.Join(" ", NotifyTemplates.Placeholders.Select(p => "{{" + p + "}}"))
            + string.Concat(NotifyTemplates.Sections.Select(s => "{{#" + s + "}}x{{/" + s + "}}"));

        Assert.Empty(NotifyTemplates.Validate(template));
    }

    [Fact]
    public void ChannelValidate_UnknownPlaceholderInTemplateField_IsFieldError()
    {
        var errors = ChannelCatalog.Validate(TestNotify.Config(ChannelKind.Slack,
            ("webhook_url", "https://hooks.slack.com/services/T/B/X"), ("text_template", "{{alert.nope}}")));

        var error = Assert.Single(errors);
        Assert.Equal("text_template", error.Field);
        Assert.Contains("{{alert.nope}}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithInvalidTemplate_IsPermanent_NotACrash()
    {
        var config = TestNotify.Config(ChannelKind.Slack, ("webhook_url", "https://hooks.slack.com/services/T/B/X"), ("text_template", "{{#alerts}}"));

        var result = await TestNotify.Notifier().SendAsync(config, TestNotify.Single());

        Assert.Equal(NotifyOutcome.Permanent, result.Outcome);
        Assert.StartsWith("invalid configuration: text_template", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_OfEveryKind_AreValid()
    {
        foreach (var field in ChannelCatalog.All.SelectMany(d => d.Fields).Where(f => f.Type == FieldType.Template))
        {
            Assert.Empty(NotifyTemplates.Validate(field.Default!));
        }
    }
}
