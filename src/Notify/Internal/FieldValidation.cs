using System.Globalization;
using System.Text.Json;

namespace Socme.Notify.Internal;

/// <summary>The checks of one field value by its <see cref="FieldType"/>.</summary>
internal static class FieldValidation
{
    public static string? Check(ChannelField field, string value) => field.Type switch
    {
        FieldType.Url => CheckUrl(value),
        FieldType.Number => int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "Must be a whole number.",
        FieldType.Boolean => bool.TryParse(value.Trim(), out _) ? null : "Must be true or false.",
        FieldType.Choice => field.Choices.Contains(value.Trim(), StringComparer.Ordinal) ? null : $"Must be one of: {string.Join(", ", field.Choices)}.",
        FieldType.Email => EmailAddress.IsValid(value.Trim()) ? null : "Not a valid email address.",
        FieldType.EmailList => CheckEmailList(value),
        FieldType.Template => Join(NotifyTemplates.Validate(value)),
        FieldType.GatewayTemplate => Join(Template.Parse(value, CatalogData.GatewayNames, new HashSet<string>()).Errors),
        FieldType.Headers => HeaderList.Parse(value, out _),
        _ => value.Any(char.IsControl) ? "Must be one line, without control characters." : null,
    };

    private static string? Join(IReadOnlyList<string> errors) => errors.Count == 0 ? null : string.Join(" ", errors);

    private static string? CheckUrl(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "Must be an absolute http:// or https:// URL.";
        }
        return uri.UserInfo.Length > 0 ? "Must not contain a user name or password." : null;
    }

    private static string? CheckEmailList(string value)
    {
        var bad = EmailAddress.Split(value).Where(a => !EmailAddress.IsValid(a)).ToList();
        if (bad.Count > 0)
        {
            return $"Not a valid email address: {string.Join(", ", bad.Select(b => JsonSerializer.Serialize(TemplateValues.SingleLine(b))))}.";
        }
        return EmailAddress.Split(value).Count == 0 ? "At least one address." : null;
    }
}

/// <summary>Plain <c>local@domain</c> addresses: no display names, no spaces, no CR/LF, no angle brackets.</summary>
internal static class EmailAddress
{
    public static IReadOnlyList<string> Split(string list) =>
        list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool IsValid(string address)
    {
        if (address.Length is 0 or > 254)
        {
            return false;
        }
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return false;
        }
        foreach (var c in address)
        {
            if (c <= ' ' || c == 0x7F || "<>()[],;:\"\\".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }
        var domain = address[(at + 1)..];
        return !domain.Contains('@', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.');
    }
}

/// <summary>Admin-defined HTTP headers: one <c>Name: value</c> per line; some names are reserved.</summary>
internal static class HeaderList
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE",
        "Trailer", "Expect", "Proxy-Authorization", "Proxy-Connection", "X-Socme-Signature", "X-Socme-Timestamp",
    };

    private const string TokenChars = "!#$%&'*+-.^_`|~";

    /// <summary>Null when valid (headers in <paramref name="headers"/>), else the error.</summary>
    public static string? Parse(string text, out List<KeyValuePair<string, string>> headers)
    {
        headers = [];
        var lineNo = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNo++;
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return $"Line {lineNo}: expected 'Name: value'.";
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || TokenChars.Contains(c, StringComparison.Ordinal)))
            {
                return $"Line {lineNo}: '{TemplateValues.SingleLine(name)}' is not a valid header name.";
            }
            if (Reserved.Contains(name))
            {
                return $"Line {lineNo}: the {name} header is set by SOCme and cannot be overridden.";
            }
            if (value.Any(c => char.IsControl(c) && c != '\t'))
            {
                return $"Line {lineNo}: control characters are not allowed in a header value.";
            }
            headers.Add(new(name, value));
        }
        return null;
    }
}
