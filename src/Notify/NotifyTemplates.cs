using Socme.Notify.Internal;

namespace Socme.Notify;

/// <summary>
/// The placeholder language of message templates: <c>{{client.name}}</c>, <c>{{alert.title}}</c>, ...; sections
/// <c>{{#alerts}}…{{/alerts}}</c> (once per shown alert), <c>{{#more}}…{{/more}}</c> (only when alerts were left out),
/// <c>{{#digest}}…{{/digest}}</c> and <c>{{#single}}…{{/single}}</c>.
/// </summary>
/// <remarks>
/// Values are escaped for where the text goes (HTML email, Markdown chats, JSON, TwiML): the template text is the
/// admin's, trusted markup; the values are alert data, untrusted. Every control character in a value (CR, LF, tab, ...)
/// becomes a space, so a value can neither inject an email header nor break a Markdown line. Outside
/// <c>{{#alerts}}</c>, <c>{{alert.*}}</c> is the first alert.
/// </remarks>
public static class NotifyTemplates
{
    /// <summary>Every placeholder a message template may use.</summary>
    public static IReadOnlyList<string> Placeholders => TemplateValues.Names;

    /// <summary>Every section a message template may open.</summary>
    public static IReadOnlyList<string> Sections => TemplateValues.SectionNames;

    /// <summary>Errors in a template (unknown placeholder, unclosed section, ...); empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(string template) =>
        Template.Parse(template ?? "", TemplateValues.NameSet, TemplateValues.SectionSet).Errors;
}
