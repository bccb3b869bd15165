namespace Socme.Core.Data.Audit;

/// <summary>One security-relevant action: who, what, on which tenant, when, from where, and whether it worked.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public Guid? ActorId { get; set; }
    /// <summary>The user's email, <c>node:&lt;id&gt;</c>, <c>system</c> or <c>anonymous</c>.</summary>
    public required string Actor { get; set; }
    /// <summary>Dotted verb, e.g. <c>client.create</c>, <c>node.enroll.failed</c>.</summary>
    public required string Action { get; set; }
    public Guid? ClientId { get; set; }
    public string? Target { get; set; }
    /// <summary>JSON details (never secrets).</summary>
    public string? Details { get; set; }
    public string? RemoteIp { get; set; }
    public bool Success { get; set; }
}
