using Socme.Alerts;

namespace Socme.Core.Features.Ingest;

/// <summary>
/// One alert as the columns of its <c>alerts</c> row, lengths already fitted to the columns: built while the request
/// is parsed, so that the single SQLite writer only binds values.
/// </summary>
internal sealed record IngestRow(
    AlertSource Source,
    string Key,
    long TimeMs,
    int Level,
    SeverityBand Band,
    string? RuleId,
    string? RuleDescription,
    string? RuleGroups,
    string? MitreTactics,
    string? MitreTechniques,
    string? AgentName,
    string? AgentIp,
    string? SrcIp,
    int? SrcPort,
    string? DstIp,
    int? DstPort,
    string? Protocol,
    string? Signature,
    string? Category,
    string Raw)
{
    /// <summary>What the notification rules decided (status, tags, assignee, outbox intents); null when no rule matched.</summary>
    public Notifications.RuleOutcome? Outcome { get; init; }

    /// <summary>The row of a parsed alert stored under <paramref name="key"/>.</summary>
    public static IngestRow From(NormalizedAlert a, string key)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(
            a.Source, key, a.Timestamp.ToUnixTimeMilliseconds(), a.Level, a.Band,
            Fit(a.RuleId, 64), Fit(a.RuleDescription, 2000), List(a.RuleGroups), List(a.MitreTactics), List(a.MitreTechniques),
            Fit(a.AgentName, 255), Fit(a.AgentIp, 64), Fit(a.SrcIp, 64), a.SrcPort, Fit(a.DstIp, 64), a.DstPort,
            Fit(a.Protocol, 32), Fit(a.Signature, 2000), Fit(a.Category, 255), Fit(a.Raw, int.MaxValue)!);
    }

    public static string? Fit(string? s, int max)
    {
        if (s is null)
        {
            return null;
        }
        if (s.Contains('\0', StringComparison.Ordinal))
        {
            s = s.Replace("\0", "", StringComparison.Ordinal);
        }
        return s.Length <= max ? s : s[..max];
    }

    /// <summary>A list as <c>,a,b,</c> (see AlertRecord), or null when empty.</summary>
    public static string? List(IReadOnlyList<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return null;
        }
        var parts = new List<string>(items.Count);
        foreach (var i in items)
        {
            var v = Fit(i, 200)?.Replace(",", " ", StringComparison.Ordinal).Trim();
            if (!string.IsNullOrEmpty(v))
            {
                parts.Add(v);
            }
        }
        return parts.Count == 0 ? null : "," + string.Join(',', parts) + ",";
    }
}
