namespace Socme.Integrations.TheHive;

/// <summary>What happened to one escalation.</summary>
public enum EscalationOutcome
{
    /// <summary>A TheHive alert was created.</summary>
    Created = 0,

    /// <summary>TheHive already holds an alert for this SOCme alert; nothing was created. <see cref="EscalationResult.TheHiveId"/> is that alert (null if TheHive did not return it).</summary>
    AlreadyExists = 1,

    /// <summary>Transient failure (408, 429, 5xx, network, timeout): try again, not before <see cref="EscalationResult.RetryAfter"/> when set.</summary>
    Retry = 2,

    /// <summary>Permanent failure (401, 403, other 4xx, unusable configuration): retrying will not help.</summary>
    Failed = 3,
}

/// <summary>Result of <see cref="TheHiveClient.EscalateAsync"/>. Reasons never contain the API key.</summary>
public sealed record EscalationResult
{
    public required EscalationOutcome Outcome { get; init; }

    /// <summary>TheHive alert id (<c>_id</c>, e.g. <c>~40964176</c>) when created or found.</summary>
    public string? TheHiveId { get; init; }

    /// <summary>Browser link to the alert in TheHive's UI, when the id is known.</summary>
    public Uri? Link { get; init; }

    /// <summary>HTTP status of the failing response (null for network errors and successes).</summary>
    public int? StatusCode { get; init; }

    /// <summary>Short, key-free reason for <see cref="EscalationOutcome.Retry"/> and <see cref="EscalationOutcome.Failed"/> (and a note for an unresolved duplicate).</summary>
    public string? Reason { get; init; }

    /// <summary>Delay asked by TheHive (<c>Retry-After</c>), for <see cref="EscalationOutcome.Retry"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True for <see cref="EscalationOutcome.Created"/> and <see cref="EscalationOutcome.AlreadyExists"/>: the alert is in TheHive.</summary>
    public bool IsEscalated => Outcome is EscalationOutcome.Created or EscalationOutcome.AlreadyExists;
}

/// <summary>Result of <see cref="TheHiveClient.TestConnectionAsync"/> (the settings page's "test" button).</summary>
public sealed record ConnectionTestResult
{
    public required bool Success { get; init; }

    /// <summary>Login of the API key's user.</summary>
    public string? User { get; init; }

    /// <summary>Organisation TheHive reports for that user (v1), when present.</summary>
    public string? Organisation { get; init; }

    public int? StatusCode { get; init; }

    /// <summary>Key-free reason when <see cref="Success"/> is false.</summary>
    public string? Reason { get; init; }
}
