namespace Socme.Core.Data.Notifications;

/// <summary>
/// The outbox: "alert A matched rule R, whose actions notify or escalate", written in the same transaction as the alert
/// (so an alert is never stored without its notifications, nor a notification queued for an alert that was rolled back).
/// The dispatcher turns each intent into deliveries (one per channel, TheHive), applying throttles and digests, and then
/// marks it processed. (rule, alert) is unique: a resent alert is a duplicate at ingest and queues nothing.
/// </summary>
public sealed class NotificationIntent : ITenantOwned
{
    public long Id { get; set; }
    public Guid ClientId { get; set; }
    public long AlertId { get; set; }
    public Guid RuleId { get; set; }
    public long CreatedMs { get; set; }
    /// <summary>When the dispatcher expanded it into deliveries; null while pending.</summary>
    public long? ProcessedMs { get; set; }
}
