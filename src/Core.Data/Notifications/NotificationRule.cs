namespace Socme.Core.Data.Notifications;

/// <summary>
/// A notification rule: conditions on an alert, actions when it matches, throttling or a digest. A rule belongs to one
/// client, or (<see cref="ClientId"/> null) applies to every client. Conditions, actions, throttle and digest are stored
/// as JSON (their shape is the wire DTOs' <c>RuleConditions</c>, <c>RuleActions</c>, <c>RuleThrottle</c>, <c>RuleDigest</c>).
/// </summary>
public sealed class NotificationRule
{
    public Guid Id { get; set; }
    /// <summary>The client, or null for a rule of every client (admins only).</summary>
    public Guid? ClientId { get; set; }
    public required string Name { get; set; }
    /// <summary>Rules run in ascending position, global and per-client rules together.</summary>
    public int Position { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>When this rule matches, the rules after it are not evaluated for that alert.</summary>
    public bool StopProcessing { get; set; }
    public required string ConditionsJson { get; set; }
    public required string ActionsJson { get; set; }
    public string? ThrottleJson { get; set; }
    public string? DigestJson { get; set; }
    /// <summary>After this time (Unix ms) the rule no longer matches (a temporary suppression).</summary>
    public long? ExpiresMs { get; set; }
    /// <summary>Alerts matched since the rule was created (counted at ingest, in the alerts' transaction).</summary>
    public long MatchCount { get; set; }
    public long? LastMatchMs { get; set; }
    /// <summary>The preset the rule was made from (brute-force-mail, compromise-mail-call, escalate-thehive), if any.</summary>
    public string? Preset { get; set; }
    public long CreatedMs { get; set; }
    public long UpdatedMs { get; set; }
}
