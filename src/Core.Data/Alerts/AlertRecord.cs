using Socme.Alerts;

namespace Socme.Core.Data.Alerts;

/// <summary>Triage status of an alert.</summary>
public enum AlertStatus
{
    New = 0,
    Acknowledged = 1,
    InProgress = 2,
    Escalated = 3,
    Closed = 4,
}

/// <summary>An analyst's verdict on an alert.</summary>
public enum AlertVerdict
{
    TruePositive = 1,
    FalsePositive = 2,
    Benign = 3,
}

/// <summary>A stored alert: normalised fields, the raw JSON kept whole, and its triage state.</summary>
/// <remarks>
/// Times are Unix milliseconds (<c>long</c>) so that both SQLite and PostgreSQL order and compare them in SQL
/// and the bulk ingest path writes them without a provider-specific date format.
/// List fields (groups, MITRE ids, tags) are stored as <c>,a,b,</c> (comma-delimited with leading and
/// trailing commas) so that a single-value filter is a plain <c>LIKE '%,a,%'</c> on both providers.
/// </remarks>
public sealed class AlertRecord : ITenantOwned
{
    public long Id { get; set; }
    public Guid ClientId { get; set; }
    public Guid NodeId { get; set; }
    public AlertSource Source { get; set; }
    public required string Key { get; set; }

    public long TimeMs { get; set; }
    public long ReceivedMs { get; set; }

    public int Level { get; set; }
    public SeverityBand Band { get; set; }
    public string? RuleId { get; set; }
    public string? RuleDescription { get; set; }
    public string? RuleGroups { get; set; }
    public string? MitreTactics { get; set; }
    public string? MitreTechniques { get; set; }
    public string? AgentName { get; set; }
    public string? AgentIp { get; set; }
    public string? SrcIp { get; set; }
    public int? SrcPort { get; set; }
    public string? DstIp { get; set; }
    public int? DstPort { get; set; }
    public string? Protocol { get; set; }
    public string? Signature { get; set; }
    public string? Category { get; set; }
    public required string Raw { get; set; }

    public AlertStatus Status { get; set; }
    public AlertVerdict? Verdict { get; set; }
    public string? VerdictReason { get; set; }
    public Guid? AssigneeId { get; set; }
    public string? Tags { get; set; }
    public long? AcknowledgedMs { get; set; }
    public long? ClosedMs { get; set; }
    public long UpdatedMs { get; set; }
    /// <summary>TheHive's id of the alert this one was escalated to (null until escalated).</summary>
    public string? TheHiveId { get; set; }
    /// <summary>The escalated alert in TheHive's web interface.</summary>
    public string? TheHiveUrl { get; set; }
}
