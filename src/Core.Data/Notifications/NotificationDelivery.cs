namespace Socme.Core.Data.Notifications;

/// <summary>Where a delivery stands.</summary>
public enum DeliveryState
{
    /// <summary>Due at <see cref="NotificationDelivery.NextAttemptMs"/> (first try or a retry).</summary>
    Pending = 0,
    Delivered = 1,
    /// <summary>Failed for good (a permanent error, or retries past the maximum age); <see cref="NotificationDelivery.LastError"/> says why.</summary>
    Dead = 2,
    /// <summary>Over the rule's throttle: counted, not sent.</summary>
    Throttled = 3,
    /// <summary>Waiting for its digest window to close.</summary>
    InDigest = 4,
    /// <summary>Sent as part of the digest delivery <see cref="NotificationDelivery.DigestId"/>.</summary>
    Digested = 5,
}

/// <summary>
/// One send to one channel (or to TheHive) for one alert, or for a digest of alerts, with its retries: the delivery log.
/// <see cref="DedupeKey"/> is unique, so an intent processed twice (a dispatcher that died before marking it) never sends
/// twice. Every alert of a delivery belongs to <see cref="ClientId"/>.
/// </summary>
public sealed class NotificationDelivery : ITenantOwned
{
    public long Id { get; set; }
    public Guid ClientId { get; set; }
    public Guid? RuleId { get; set; }
    /// <summary>The channel; null when <see cref="Target"/> is TheHive.</summary>
    public Guid? ChannelId { get; set; }
    /// <summary>"channel" or "thehive".</summary>
    public required string Target { get; set; }
    /// <summary>The alert (for a digest: the first alert of the digest).</summary>
    public long? AlertId { get; set; }
    /// <summary>The throttle group key (the rule's group-by values), when the rule throttles.</summary>
    public string? GroupKey { get; set; }
    /// <summary>rule | channel | client | window start, for deliveries collected into one digest.</summary>
    public string? DigestKey { get; set; }
    /// <summary>For <see cref="DeliveryState.Digested"/> rows: the delivery that carried them.</summary>
    public long? DigestId { get; set; }
    /// <summary>Alerts this delivery carries (1, or a digest's count).</summary>
    public int AlertCount { get; set; } = 1;
    public required string DedupeKey { get; set; }
    public DeliveryState State { get; set; }
    public int Attempts { get; set; }
    public long NextAttemptMs { get; set; }
    /// <summary>A dispatcher holds the row until then (SQLite has no SKIP LOCKED; PostgreSQL uses both).</summary>
    public long? LeaseUntilMs { get; set; }
    public string? LastError { get; set; }
    /// <summary>TheHive's alert id (or another peer's id for what was created).</summary>
    public string? ExternalId { get; set; }
    public string? ExternalLink { get; set; }
    /// <summary>A test send from the channel page (no rule, no alert).</summary>
    public bool IsTest { get; set; }
    public long CreatedMs { get; set; }
    public long UpdatedMs { get; set; }
    public long? DeliveredMs { get; set; }
}
