using System.Text;
using System.Text.Json;

namespace Socme.Notify.Internal;

/// <summary>Renders a generic gateway's URL and body templates: <c>{{to}}</c>, <c>{{from}}</c>, <c>{{message}}</c>.</summary>
internal static class GatewayRequest
{
    public sealed record Values(string To, string From, string Message);

    /// <summary>Values are URL-encoded (a value can add neither a path segment nor a query parameter).</summary>
    public static string RenderUrl(string template, Values values) => Render(template, values, Uri.EscapeDataString);

    /// <summary>json: values JSON-string-escaped (write them inside quotes); form: URL-encoded; text: as is.</summary>
    public static string RenderBody(string template, string contentType, Values values) => Render(template, values, contentType switch
    {
        "json" => v => JsonEncodedText.Encode(v).ToString(),
        "form" => Uri.EscapeDataString,
        _ => v => v,
    });

    private static string Render(string template, Values values, Func<string, string> escape)
    {
        var parsed = Template.Parse(template, CatalogData.GatewayNames, new HashSet<string>());
        if (parsed.Errors.Count > 0)
        {
            throw new InvalidTemplateException(parsed.Errors[0]);
        }
        var sb = new StringBuilder();
        parsed.Render(sb, name => escape(name switch
        {
            "to" => values.To,
            "from" => values.From,
            "message" => values.Message,
            _ => "",
        }), _ => []);
        return sb.ToString();
    }
}
