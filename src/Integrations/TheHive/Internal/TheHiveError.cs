using System.Text.Json;

namespace Socme.Integrations.TheHive;

/// <summary>TheHive's error body <c>{"type": "...", "message": "..."}</c> (as thehive4py's session reads it), parsed leniently.</summary>
internal sealed record TheHiveError(string? Type, string? Message)
{
    public static TheHiveError Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return new(null, null);
        }
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                return new(Str(doc.RootElement, "type"), Str(doc.RootElement, "message"));
            }
        }
        catch (JsonException)
        {
        }
        return new(null, body.Trim());
    }

    /// <summary>
    /// True when TheHive refused the create because (type, source, sourceRef) is taken: TheHive 4/5 answer
    /// <c>CreateError</c> "Alert t:s:r already exist in organisation o" (AlertSrv.scala), TheHive 3 <c>ConflictError</c>
    /// "[alert][id]: version conflict, document already exists" (issues #203, #1111). "Observable already exists"
    /// (issue #1514) is not a duplicate alert.
    /// </summary>
    public bool IsDuplicateAlert =>
        string.Equals(Type, "ConflictError", StringComparison.OrdinalIgnoreCase)
        || (Message is not null
            && Message.Contains("already exist", StringComparison.OrdinalIgnoreCase)
            && Message.Contains("alert", StringComparison.OrdinalIgnoreCase));

    public string Describe() => (Type, Message) switch
    {
        (null, null) => "",
        (null, var m) => m!,
        (var t, null) => t!,
        var (t, m) => $"{t}: {m}",
    };

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? ObservableExtractor.Text(v) : null;
}
