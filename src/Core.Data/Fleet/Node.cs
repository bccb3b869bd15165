namespace Socme.Core.Data.Fleet;

/// <summary>A node: one client site's sensor host (Wazuh + Suricata + the SOCme agent).</summary>
/// <remarks>
/// Secrets are stored as SHA-256 hashes only: the enrolment code (one-time, short-lived) and the node token
/// (long-lived, high-entropy random, so a fast hash is sufficient and lets the ingest path look it up by index).
/// </remarks>
public sealed class Node : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid ClientId { get; set; }
    public required string Name { get; set; }
    public string? Hostname { get; set; }

    public string? EnrollmentCodeHash { get; set; }
    public DateTime? EnrollmentExpiresAt { get; set; }
    public DateTime? EnrolledAt { get; set; }

    public string? TokenHash { get; set; }
    public DateTime? TokenIssuedAt { get; set; }

    /// <summary>The SSH host public keys sent at enrolment (OpenSSH format, one per line), pinned for fleet ops.</summary>
    public string? SshHostKeys { get; set; }

    public DateTime? LastSeenAt { get; set; }
    /// <summary>The latest vitals document (JSON), as sent with the last heartbeat.</summary>
    public string? LatestVitals { get; set; }
    public string? AgentVersion { get; set; }

    /// <summary>When the core last stored a Wazuh alert of this node (Unix ms), kept to the minute by ingest.</summary>
    public long? LastWazuhAlertMs { get; set; }
    /// <summary>When the core last stored a Suricata alert of this node (Unix ms), kept to the minute by ingest.</summary>
    public long? LastSuricataAlertMs { get; set; }

    public DateTime CreatedAt { get; set; }
}
