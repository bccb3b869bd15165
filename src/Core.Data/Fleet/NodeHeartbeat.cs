namespace Socme.Core.Data.Fleet;

/// <summary>One heartbeat with its vitals; kept for a configurable time for the vitals history.</summary>
public sealed class NodeHeartbeat : ITenantOwned
{
    public long Id { get; set; }
    public Guid ClientId { get; set; }
    public Guid NodeId { get; set; }
    public DateTime ReceivedAt { get; set; }
    public required string Vitals { get; set; }
}
