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
    DateTimeOffset UpdatedAt,
    string? TheHiveId = null,
    string? TheHiveUrl = null);

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
    /// <summary>One or a comma list of <c>true_positive</c>, <c>false_positive</c>, <c>benign</c>, <c>none</c> (no verdict).</summary>
    public string? Verdict { get; init; }
    /// <summary>A user id, <c>me</c> (the caller) or <c>none</c> (unassigned).</summary>
    public string? Assignee { get; init; }
    /// <summary>
    /// An alert group's <see cref="AlertGroupDto.Key"/>: only the alerts of that group. When set and <see cref="From"/>
    /// is not, the grouped view's default range applies (the last 24 hours), so a group selects what the inbox showed.
    /// </summary>
    public string? Group { get; init; }
}

/// <summary>
/// Exactly one of <see cref="Ids"/> and <see cref="Filter"/> selects the alerts; <see cref="Group"/> (a group's key)
/// narrows the filter to one group ("the whole group"), and needs <see cref="Filter"/> (<c>{}</c> for none).
/// </summary>
public sealed record BulkAlertUpdateRequest(IReadOnlyList<long>? Ids, AlertFilter? Filter, AlertUpdateRequest Update)
{
    /// <summary>A group's <see cref="AlertGroupDto.Key"/>; the same as <c>Filter.Group</c>.</summary>
    public string? Group { get; init; }
}

public sealed record BulkAlertUpdateResult(int Matched, int Updated);

/// <summary>
/// Alerts with the same source, rule (Wazuh rule id or Suricata signature id), source IP and destination IP, within the
/// filter. <see cref="Key"/> is opaque: pass it back as <see cref="AlertFilter.Group"/> to list or update the group.
/// </summary>
/// <param name="Key">Opaque; <see cref="AlertFilter.Group"/> and <see cref="BulkAlertUpdateRequest.Group"/> take it.</param>
/// <param name="Source"><c>wazuh</c>, <c>suricata</c> or <c>system</c>.</param>
/// <param name="RuleId">The Wazuh rule id or the Suricata signature id.</param>
/// <param name="SrcIp">The source IP (null: alerts without one).</param>
/// <param name="DstIp">The destination IP (null: alerts without one).</param>
/// <param name="Description">The rule description (Wazuh) or signature (Suricata) of the newest alert.</param>
/// <param name="Count">Alerts of the group within the filter.</param>
/// <param name="OpenCount">Alerts of the group not closed.</param>
/// <param name="MaxLevel">The highest level (0–15).</param>
/// <param name="MaxBand">The band of <paramref name="MaxLevel"/>.</param>
/// <param name="FirstSeen">The oldest alert time.</param>
/// <param name="LastSeen">The newest alert time (groups are sorted by it, newest first).</param>
/// <param name="NewestAlertId">The most recently received alert of the group (the highest id).</param>
public sealed record AlertGroupDto(
    string Key,
    string Source,
    string? RuleId,
    string? SrcIp,
    string? DstIp,
    string? Description,
    long Count,
    long OpenCount,
    int MaxLevel,
    string MaxBand,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long NewestAlertId);

/// <summary>A page of groups, newest last-seen first, and the time range that was grouped.</summary>
public sealed record AlertGroupPage(IReadOnlyList<AlertGroupDto> Items, string? NextCursor, DateTimeOffset From, DateTimeOffset? To);

// ---- overview ----

/// <summary>Alert counts per severity band.</summary>
public sealed record BandCounts(long Low, long Medium, long High, long Critical)
{
    public long Total => Low + Medium + High + Critical;
}

/// <summary>One bucket of the alerts-over-time chart: alerts with a time in [Start, Start + bucket).</summary>
public sealed record OverviewBucketDto(DateTimeOffset Start, BandCounts Counts);

/// <summary>Nodes of a client by status (as <c>GET /nodes</c> reports them).</summary>
public sealed record NodeStatusCounts(int Online, int Stale, int Offline, int NeverSeen, int Pending);

/// <summary>A client's tile: its open (not closed) alerts of the range by band, and its nodes by status.</summary>
public sealed record ClientTileDto(Guid ClientId, string Name, BandCounts Open, NodeStatusCounts Nodes);

/// <summary>A rule (or Suricata signature) by alert count in the range.</summary>
public sealed record TopRuleDto(string Source, string? RuleId, string? Description, long Count, int MaxLevel, string MaxBand);

/// <summary>One cell of the MITRE ATT&amp;CK matrix: alerts of the range tagged with both the tactic and the technique.</summary>
public sealed record MitreCellDto(string Tactic, string Technique, long Count);

/// <summary>A tactic's column: alerts tagged with it, and its techniques by count.</summary>
public sealed record MitreTacticDto(string Tactic, long Count, IReadOnlyList<MitreCellDto> Techniques);

/// <summary>The overview (console home page and screen): everything is within the caller's tenant scope.</summary>
public sealed record OverviewDto(
    DateTimeOffset From,
    DateTimeOffset To,
    string Range,
    string Bucket,
    IReadOnlyList<OverviewBucketDto> Timeline,
    BandCounts Totals,
    IReadOnlyList<ClientTileDto> Clients,
    IReadOnlyList<TopRuleDto> TopRules,
    IReadOnlyList<MitreTacticDto> Mitre,
    IReadOnlyList<AlertDto> NewestHighAndCritical);

/// <summary>
/// What the overview covers: <see cref="Range"/> <c>24h</c> (default) or <c>7d</c>; <see cref="Bucket"/> <c>1h</c>,
/// <c>3h</c> or <c>1d</c> (default 1h for 24h, 3h for 7d); one client or every client in scope.
/// </summary>
public sealed record OverviewQuery
{
    public string? Range { get; init; }
    public string? Bucket { get; init; }
    public Guid? ClientId { get; init; }
    /// <summary>Rules in <see cref="OverviewDto.TopRules"/>, 1–50 (default 10).</summary>
    public int? Top { get; init; }
    /// <summary>Alerts in <see cref="OverviewDto.NewestHighAndCritical"/>, 0–100 (default 10).</summary>
    public int? Newest { get; init; }
}

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

// ---- screen tokens ----

/// <summary>A wall-screen token: opens <c>/screen</c> for every client (<see cref="ClientId"/> null) or one client, and nothing else.</summary>
public sealed record ScreenTokenDto(Guid Id, string Name, string Prefix, Guid? ClientId, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A new screen token named <see cref="Name"/> (1–100), for one client or (null) every client.</summary>
public sealed record CreateScreenTokenRequest(string Name, Guid? ClientId = null);

/// <summary>A new screen token: <see cref="Token"/> is shown once; open <see cref="ScreenPath"/> on the core's address on the TV.</summary>
public sealed record CreatedScreenTokenDto(ScreenTokenDto Info, string Token, string ScreenPath);

// ---- client contacts ----

/// <summary>A person to reach at a client.</summary>
public sealed record ClientContactDto(
    Guid Id,
    Guid ClientId,
    string Name,
    string? Role,
    string? Email,
    string? Phone,
    string? Notes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A new contact: a name (1–200), and optionally a role, an email, a phone number in E.164 (<c>+33…</c>) and notes.</summary>
public sealed record CreateClientContactRequest(string Name, string? Role = null, string? Email = null, string? Phone = null, string? Notes = null);

/// <summary>A change to a contact: absent (null) fields are unchanged; an empty string clears an optional field.</summary>
public sealed record UpdateClientContactRequest(string? Name = null, string? Role = null, string? Email = null, string? Phone = null, string? Notes = null);
