using Socme.Alerts;

namespace Socme.Integrations.TheHive;

/// <summary>One SOCme alert to escalate to TheHive: what the core maps its alert row to.</summary>
/// <remarks>
/// <see cref="AlertId"/> becomes TheHive's <c>sourceRef</c>: escalating the same SOCme alert twice never creates a second
/// TheHive alert (TheHive refuses a second (type, source, sourceRef) and the client returns the existing one).
/// </remarks>
public sealed record EscalationInput
{
    /// <summary>SOCme alert id (→ <c>sourceRef</c>, as decimal text).</summary>
    public required long AlertId { get; init; }

    public required string ClientName { get; init; }

    public required string Title { get; init; }

    /// <summary>Markdown.</summary>
    public required string Description { get; init; }

    /// <summary>When the alert happened (→ <c>date</c>, epoch milliseconds).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Level 0–15.</summary>
    public required int Level { get; init; }

    /// <summary>Severity band; null means the band of <see cref="Level"/>.</summary>
    public SeverityBand? Band { get; init; }

    public AlertSource Source { get; init; } = AlertSource.Wazuh;

    public string? RuleId { get; init; }
    public string? AgentName { get; init; }
    public string? AgentIp { get; init; }
    public string? SrcIp { get; init; }
    public string? DstIp { get; init; }

    /// <summary>MITRE ATT&amp;CK technique ids (<c>T1110</c>), sent as tags.</summary>
    public IReadOnlyList<string> MitreTechniques { get; init; } = [];

    /// <summary>Extra tags (SOCme triage tags, ...), after the ones the client adds.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Link back to the alert in SOCme (→ <c>externalLink</c> on v1; appended to the description on legacy).</summary>
    public Uri? SocmeLink { get; init; }

    /// <summary>The alert's raw JSON (Wazuh or Suricata line), used for observables and appended to the description.</summary>
    public string? RawJson { get; init; }

    /// <summary>The band used for TheHive's severity.</summary>
    public SeverityBand EffectiveBand => Band ?? Severity.BandOf(Level);
}
