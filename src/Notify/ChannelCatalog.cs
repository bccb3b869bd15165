using System.Collections.Frozen;
using System.Globalization;
using Socme.Notify.Internal;

namespace Socme.Notify;

/// <summary>The kinds of channel. <see cref="ChannelDescriptor.Id"/> is the stable lower-case name stored by the core.</summary>
public enum ChannelKind
{
    Smtp,
    Webhook,
    Slack,
    Teams,
    Discord,
    Mattermost,
    Telegram,
    Ntfy,
    Gotify,
    Sms,
    Voice,
}

/// <summary>How a field is edited and validated.</summary>
public enum FieldType
{
    Text,
    /// <summary>An absolute http(s) URL.</summary>
    Url,
    Number,
    Boolean,
    /// <summary>One of <see cref="ChannelField.Choices"/>.</summary>
    Choice,
    Email,
    /// <summary>Comma-separated email addresses.</summary>
    EmailList,
    /// <summary>A message template (multi-line); see <see cref="NotifyTemplates"/>.</summary>
    Template,
    /// <summary>A gateway template using <c>{{to}}</c>, <c>{{from}}</c>, <c>{{message}}</c>.</summary>
    GatewayTemplate,
    /// <summary>HTTP headers, one <c>Name: value</c> per line.</summary>
    Headers,
}

/// <summary>
/// One setting of a channel kind, for forms, validation, encryption and masking. <c>Secret</c> fields are encrypted at
/// rest and masked on display (passwords, tokens, webhook URLs that embed a token).
/// </summary>
public sealed record ChannelField(string Name, string Label, FieldType Type, bool Required, bool Secret, string? Default, string Help)
{
    public IReadOnlyList<string> Choices { get; init; } = [];
}

/// <summary>A channel kind: its fields and the documentation its payload follows.</summary>
public sealed record ChannelDescriptor(ChannelKind Kind, string Id, string DisplayName, string Source, IReadOnlyList<ChannelField> Fields)
{
    public ChannelField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}

/// <summary>A validation error of one field (<see cref="Field"/> is empty for the whole configuration).</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => Field.Length == 0 ? Message : $"{Field}: {Message}";
}

/// <summary>
/// One channel's settings as the core stores them (plain and decrypted secret fields merged), by field name.
/// Absent or empty fields take their <see cref="ChannelField.Default"/>.
/// </summary>
public sealed record ChannelConfig(ChannelKind Kind, IReadOnlyDictionary<string, string?> Values)
{
    /// <summary>
    /// An admin allowed this channel to reach loopback, private and link-local addresses (never the cloud metadata
    /// address); see <see cref="OutboundGuard.AllowPrivateNetwork"/>.
    /// </summary>
    public bool AllowPrivateNetwork { get; init; }
}

/// <summary>Every channel kind with its fields, and validation of a <see cref="ChannelConfig"/>.</summary>
public static class ChannelCatalog
{
    public static IReadOnlyList<ChannelDescriptor> All { get; } = CatalogData.Build();

    private static readonly FrozenDictionary<ChannelKind, ChannelDescriptor> ByKind = All.ToFrozenDictionary(d => d.Kind);
    private static readonly FrozenDictionary<string, ChannelDescriptor> ById =
        All.ToFrozenDictionary(d => d.Id, StringComparer.OrdinalIgnoreCase);

    public static ChannelDescriptor Get(ChannelKind kind) => ByKind[kind];

    /// <summary>Parses a stored kind name (<c>smtp</c>, <c>slack</c>, ...).</summary>
    public static bool TryParseKind(string? id, out ChannelKind kind)
    {
        if (id is not null && ById.TryGetValue(id, out var d))
        {
            kind = d.Kind;
            return true;
        }
        kind = default;
        return false;
    }

    /// <summary>The names of the fields of <paramref name="kind"/> that must be encrypted and masked.</summary>
    public static IReadOnlyList<string> SecretFields(ChannelKind kind) =>
        Get(kind).Fields.Where(f => f.Secret).Select(f => f.Name).ToList();

    /// <summary>Every problem of <paramref name="config"/>, per field; empty when it can be saved and used.</summary>
    public static IReadOnlyList<FieldError> Validate(ChannelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var descriptor = Get(config.Kind);
        var errors = new List<FieldError>();
        foreach (var name in config.Values.Keys)
        {
            if (descriptor.Field(name) is null)
            {
                errors.Add(new(name, $"Unknown field for a {descriptor.DisplayName} channel."));
            }
        }
        foreach (var field in descriptor.Fields)
        {
            config.Values.TryGetValue(field.Name, out var value);
            if (string.IsNullOrWhiteSpace(value))
            {
                if (field.Required && string.IsNullOrWhiteSpace(field.Default))
                {
                    errors.Add(new(field.Name, "Required."));
                }
                continue;
            }
            if (FieldValidation.Check(field, value) is { } message)
            {
                errors.Add(new(field.Name, message));
            }
        }
        CatalogData.CheckKind(config, new Settings(config), errors);
        return errors;
    }
}

/// <summary>Field values of a config with defaults applied.</summary>
internal sealed class Settings(ChannelConfig config)
{
    private readonly ChannelDescriptor _descriptor = ChannelCatalog.Get(config.Kind);

    public ChannelConfig Config => config;

    public string Get(string name)
    {
        if (config.Values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v))
        {
            return v.Trim();
        }
        return _descriptor.Field(name)?.Default ?? "";
    }

    /// <summary>Like <see cref="Get"/> but keeps leading/trailing whitespace (templates).</summary>
    public string Raw(string name) =>
        config.Values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : _descriptor.Field(name)?.Default ?? "";

    public bool Has(string name) => Get(name).Length > 0;

    public int Int(string name) => int.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;

    public bool Bool(string name) => bool.TryParse(Get(name), out var b) && b;

    public Uri Url(string name) => new(Get(name), UriKind.Absolute);

    /// <summary>The values of every secret field that is set, for masking reasons.</summary>
    public IEnumerable<string> SecretValues() =>
        _descriptor.Fields.Where(f => f.Secret).Select(f => Get(f.Name)).Where(s => s.Length > 0);
}
