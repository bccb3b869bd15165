using System.Text.Json;
using System.Text.Json.Serialization;

namespace Socme.Client;

// Wire DTOs of the SOCme REST API (/api/v1). JSON is camelCase; enums are lowercase snake_case strings.

/// <summary>A client (tenant).</summary>
public sealed record ClientDto(Guid Id, string Name, string Slug, string? Description, DateTimeOffset CreatedAt);

public sealed record CreateClientRequest(string Name, string? Description = null);

public sealed record UpdateClientRequest(string? Name = null, string? Description = null);

/// <summary>What deleting a client removed (or would remove).</summary>
public sealed record ClientDeletionDto(Guid Id, int Nodes, long Alerts, int Users, bool Deleted);

/// <summary>Node status derived from heartbeats.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeStatus>))]
public enum NodeStatus
{
    /// <summary>Created, waiting for enrolment.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary>Enrolled, no heartbeat yet.</summary>
    [JsonStringEnumMemberName("never_seen")] NeverSeen,
    [JsonStringEnumMemberName("online")] Online,
    [JsonStringEnumMemberName("stale")] Stale,
    [JsonStringEnumMemberName("offline")] Offline,
}

public sealed record NodeDto(
    Guid Id,
    Guid ClientId,
    string Name,
    string? Hostname,
    NodeStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EnrolledAt,
    DateTimeOffset? LastSeenAt,
    DateTimeOffset? EnrollmentExpiresAt,
    string? AgentVersion,
    IReadOnlyList<string> SshHostKeys,
    NodeVitals? Vitals);

public sealed record CreateNodeRequest(string Name);

/// <summary>A new node (or a new enrolment code): the code is shown once.</summary>
public sealed record NodeEnrollmentDto(Guid Id, string Name, string EnrollmentCode, DateTimeOffset EnrollmentExpiresAt);

public sealed record EnrollRequest(string Code, string Hostname, IReadOnlyList<string>? SshHostKeys = null, string? AgentVersion = null);

/// <summary>The answer to a successful enrolment: the node's long-lived token, shown once.</summary>
public sealed record EnrollResponse(Guid NodeId, Guid ClientId, string Token);

public sealed record NodeTokenDto(Guid NodeId, string Token);

/// <summary>One line of an ingest body (NDJSON).</summary>
public sealed record IngestEnvelope(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("raw")] JsonElement Raw);

public sealed record IngestRejection(int Line, string Code, string Reason);

public sealed record IngestResult(int Accepted, int Duplicates, IReadOnlyList<IngestRejection> Rejected);

/// <summary>The vitals document a node sends with each heartbeat (FETCHme). Every part is optional.</summary>
public sealed record NodeVitals
{
    public string? Hostname { get; init; }
    public string? Os { get; init; }
    public string? Kernel { get; init; }
    public long? UptimeSeconds { get; init; }
    public CpuVitals? Cpu { get; init; }
    public UsageVitals? Memory { get; init; }
    public UsageVitals? Swap { get; init; }
    public IReadOnlyList<DiskVitals>? Disks { get; init; }
    public IReadOnlyList<string>? Ips { get; init; }
    public TailnetVitals? Tailnet { get; init; }
    public WazuhVitals? Wazuh { get; init; }
    public SuricataVitals? Suricata { get; init; }
    public ServiceVitals? TheHive { get; init; }
    public string? ConfigRevision { get; init; }
    public string? AgentVersion { get; init; }
    public SpoolVitals? Spool { get; init; }
    public DateTimeOffset? LastShipAt { get; init; }
    public DateTimeOffset? CollectedAt { get; init; }
}

public sealed record CpuVitals(string? Model, int? Cores, double? Load1, double? Load5, double? Load15, double? UsagePercent);

public sealed record UsageVitals(long TotalBytes, long UsedBytes);

public sealed record DiskVitals(string Mount, long TotalBytes, long UsedBytes);

public sealed record TailnetVitals(string? Name, string? Ip, bool? Online);

/// <summary>Status is one of <c>running</c>, <c>stopped</c>, <c>not_installed</c>, <c>unknown</c>.</summary>
public sealed record ServiceVitals(string Status, string? Version);

public sealed record WazuhVitals(ServiceVitals? Manager, ServiceVitals? Indexer, ServiceVitals? Dashboard);

public sealed record SuricataVitals(string Status, string? Version, long? Alerts24h);

public sealed record SpoolVitals(long Depth, long Bytes, double? OldestAgeSeconds);

public sealed record HeartbeatResult(DateTimeOffset ReceivedAt);

/// <summary>One heartbeat of a node's vitals history.</summary>
public sealed record HeartbeatDto(DateTimeOffset ReceivedAt, NodeVitals Vitals);

// ---- alerts ----

public sealed record AlertDto(
    long Id,
    Guid ClientId,
    Guid NodeId,
    string Source,
    string Key,
    DateTimeOffset Time,
    DateTimeOffset ReceivedAt,
    int Level,
    string Band,
    string? RuleId,
    string? RuleDescription,
    IReadOnlyList<string> RuleGroups,
    IReadOnlyList<string> MitreTactics,
    IReadOnlyList<string> MitreTechniques,
    string? AgentName,
    string? AgentIp,
    string? SrcIp,
    int? SrcPort,
    string? DstIp,
    int? DstPort,
    string? Protocol,
    string? Signature,
    string? Category,
    string Status,
    string? Verdict,
    string? VerdictReason,
    Guid? AssigneeId,
    IReadOnlyList<string> Tags,
    DateTimeOffset UpdatedAt);

public sealed record AlertDetailDto(
    AlertDto Alert,
    JsonElement Raw,
    IReadOnlyList<AlertCommentDto> Comments,
    IReadOnlyList<AlertHistoryDto> History);

public sealed record AlertCommentDto(long Id, string Author, string Body, DateTimeOffset CreatedAt);

public sealed record AlertHistoryDto(string Actor, string Field, string? OldValue, string? NewValue, DateTimeOffset At);

public sealed record AlertPage(IReadOnlyList<AlertDto> Items, string? NextCursor);

/// <summary>
/// A triage change. Absent (null) fields are left as they are; <see cref="ClearAssignee"/> and
/// <see cref="ClearVerdict"/> unset those fields explicitly.
/// </summary>
public sealed record AlertUpdateRequest
{
    /// <summary>new, acknowledged, in_progress, escalated, closed.</summary>
    public string? Status { get; init; }
    /// <summary>true_positive, false_positive, benign.</summary>
    public string? Verdict { get; init; }
    public string? VerdictReason { get; init; }
    public bool? ClearVerdict { get; init; }
    public Guid? AssigneeId { get; init; }
    public bool? ClearAssignee { get; init; }
    /// <summary>Replaces the tag set.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
    public IReadOnlyList<string>? AddTags { get; init; }
    public IReadOnlyList<string>? RemoveTags { get; init; }
}

public sealed record CreateCommentRequest(string Body);

/// <summary>The alert list's filter, shared by <c>GET /alerts</c> and the bulk update.</summary>
public sealed record AlertFilter
{
    public Guid? ClientId { get; init; }
    public Guid? NodeId { get; init; }
    public string? Source { get; init; }
    public string? Band { get; init; }
    public int? MinLevel { get; init; }
    public string? Status { get; init; }
    public string? RuleId { get; init; }
    public string? Q { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
}

/// <summary>Either <see cref="Ids"/> or <see cref="Filter"/> selects the alerts.</summary>
public sealed record BulkAlertUpdateRequest(IReadOnlyList<long>? Ids, AlertFilter? Filter, AlertUpdateRequest Update);

public sealed record BulkAlertUpdateResult(int Matched, int Updated);

// ---- users and tokens ----

public sealed record UserDto(
    Guid Id,
    string Email,
    string? DisplayName,
    string Role,
    Guid? ClientId,
    bool AllClients,
    IReadOnlyList<Guid> ClientScope,
    bool Disabled,
    DateTimeOffset CreatedAt);

/// <summary>Role: admin, analyst or client. A client user needs <see cref="ClientId"/>; an analyst either
/// <see cref="AllClients"/> or a <see cref="ClientScope"/>. Without <see cref="Password"/>, one is generated and returned once.</summary>
public sealed record CreateUserRequest(
    string Email,
    string Role,
    string? DisplayName = null,
    Guid? ClientId = null,
    bool AllClients = false,
    IReadOnlyList<Guid>? ClientScope = null,
    string? Password = null);

public sealed record CreatedUserDto(UserDto User, string? Password);

public sealed record UpdateUserRequest(
    string? DisplayName = null,
    string? Role = null,
    Guid? ClientId = null,
    bool? AllClients = null,
    IReadOnlyList<Guid>? ClientScope = null,
    bool? Disabled = null);

public sealed record ApiTokenDto(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record CreateApiTokenRequest(string Name, int? ExpiresInDays = null);

/// <summary>A new API token: <see cref="Token"/> is shown once.</summary>
public sealed record CreatedApiTokenDto(ApiTokenDto Info, string Token);

/// <summary>Email and password in exchange for a personal API token.</summary>
public sealed record LoginRequest(string Email, string Password, string? TokenName = null, int? ExpiresInDays = null);

public sealed record AuditEntryDto(long Id, DateTimeOffset At, string Actor, string Action, Guid? ClientId, string? Target, string? Details, string? RemoteIp, bool Success);

public sealed record AuditPage(IReadOnlyList<AuditEntryDto> Items, string? NextCursor);
