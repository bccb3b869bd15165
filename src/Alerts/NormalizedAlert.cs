namespace Socme.Alerts;

/// <summary>Where an alert comes from.</summary>
public enum AlertSource
{
    Wazuh = 1,
    Suricata = 2,
    /// <summary>Raised by the core itself (fleet events: node silent, source silent, ...).</summary>
    System = 3,
}

/// <summary>Severity bands, as in Wazuh: low 0–6, medium 7–11, high 12–14, critical 15.</summary>
public enum SeverityBand
{
    Low = 0,
    Medium = 1,
    High = 2,
    Critical = 3,
}

/// <summary>One alert, normalised from a Wazuh or Suricata line, with the raw JSON kept whole.</summary>
public sealed record NormalizedAlert
{
    public required AlertSource Source { get; init; }

    /// <summary>Stable key: the Wazuh <c>id</c> when present and well-formed, else the SHA-256 (hex) of the raw line.</summary>
    public required string Key { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Level 0–15 (Suricata severity mapped, see <see cref="Severity"/>).</summary>
    public required int Level { get; init; }

    public SeverityBand Band => Severity.BandOf(Level);

    public string? RuleId { get; init; }
    public string? RuleDescription { get; init; }
    public IReadOnlyList<string> RuleGroups { get; init; } = [];
    public IReadOnlyList<string> MitreTactics { get; init; } = [];
    public IReadOnlyList<string> MitreTechniques { get; init; } = [];

    public string? AgentId { get; init; }
    public string? AgentName { get; init; }
    public string? AgentIp { get; init; }

    public string? SrcIp { get; init; }
    public int? SrcPort { get; init; }
    public string? DstIp { get; init; }
    public int? DstPort { get; init; }
    public string? Protocol { get; init; }

    /// <summary>Suricata signature text (Wazuh: null).</summary>
    public string? Signature { get; init; }
    /// <summary>Suricata signature category (Wazuh: null).</summary>
    public string? Category { get; init; }

    /// <summary>The original line's JSON text, unchanged.</summary>
    public required string Raw { get; init; }
}
