namespace Socme.Core.Data.Alerts;

/// <summary>A comment on an alert.</summary>
public sealed class AlertComment : ITenantOwned
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public Guid ClientId { get; set; }
    public Guid? AuthorId { get; set; }
    public required string Author { get; set; }
    public required string Body { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One change of an alert's triage state, for its timeline.</summary>
public sealed class AlertHistoryEntry : ITenantOwned
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public Guid ClientId { get; set; }
    public Guid? ActorId { get; set; }
    public required string Actor { get; set; }
    /// <summary>What changed: status, verdict, assignee, tags, comment, ...</summary>
    public required string Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    public DateTime At { get; set; }
}
