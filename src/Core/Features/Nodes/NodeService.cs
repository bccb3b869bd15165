using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;
using FleetNode = Socme.Core.Data.Fleet.Node;

namespace Socme.Core.Features.Nodes;

/// <summary>Nodes: creation with a one-time enrolment code, enrolment, tokens, status from heartbeats.</summary>
public sealed class NodeService(SocmeDbContext db, TenantScope scope, AuditLog audit, TimeProvider time, IOptions<FleetOptions> options)
{
    private const string CodePrefix = "SOCME-";
    private FleetOptions Fleet => options.Value;

    public async Task<NodeEnrollmentDto> CreateAsync(Guid clientId, CreateNodeRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        scope.EnsureCanSee(clientId, "Client");
        if (!await db.Clients.AnyAsync(c => c.Id == clientId, ct))
        {
            throw ApiException.NotFound("Client");
        }
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            throw ApiException.Validation("name", "A name of 1 to 200 characters is required.");
        }
        if (await db.Nodes.AnyAsync(n => n.ClientId == clientId && n.Name == name, ct))
        {
            throw ApiException.Conflict("node_name_taken", $"This client already has a node named '{name}'.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var node = new FleetNode { Id = Guid.CreateVersion7(), ClientId = clientId, Name = name, CreatedAt = now };
        var code = IssueCode(node, now);
        db.Nodes.Add(node);
        audit.Add("node.create", clientId, node.Id.ToString(), new { node.Name });
        await db.SaveChangesAsync(ct);
        return new NodeEnrollmentDto(node.Id, node.Name, code, node.EnrollmentExpiresAt!.Value);
    }

    /// <summary>Issues a new one-time code for an existing node (re-enrolment); the current token stays valid until then.</summary>
    public async Task<NodeEnrollmentDto> NewEnrollmentCodeAsync(Guid nodeId, CancellationToken ct)
    {
        var node = await FindAsync(nodeId, ct);
        var code = IssueCode(node, time.GetUtcNow().UtcDateTime);
        audit.Add("node.enrollment_code", node.ClientId, node.Id.ToString());
        await db.SaveChangesAsync(ct);
        return new NodeEnrollmentDto(node.Id, node.Name, code, node.EnrollmentExpiresAt!.Value);
    }

    private string IssueCode(FleetNode node, DateTime now)
    {
        var code = CodePrefix + Secrets.NewCode(20);
        node.EnrollmentCodeHash = Secrets.Hash(code);
        node.EnrollmentExpiresAt = now + Fleet.EnrollmentCodeLifetime;
        return code;
    }

    /// <summary>
    /// Exchanges a one-time code for the node's long-lived token. An unknown, used or expired code gets the
    /// same 400 (no oracle); the audit log records which it was.
    /// </summary>
    public async Task<EnrollResponse> EnrollAsync(EnrollRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = request.Code?.Trim() ?? "";
        var hostname = request.Hostname?.Trim() ?? "";
        if (hostname.Length is 0 or > 255)
        {
            throw ApiException.Validation("hostname", "A hostname of 1 to 255 characters is required.");
        }
        var keys = (request.SshHostKeys ?? []).Select(k => k.Trim()).Where(k => k.Length > 0).ToList();
        if (keys.Count > 16 || keys.Any(k => k.Length > 16 * 1024 || !k.StartsWith("ssh-", StringComparison.Ordinal) && !k.StartsWith("ecdsa-", StringComparison.Ordinal) || k.Contains('\n', StringComparison.Ordinal)))
        {
            throw ApiException.Validation("sshHostKeys", "Each SSH host key must be one OpenSSH public key line (ssh-ed25519 …, ecdsa-sha2-… or ssh-rsa …); at most 16.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var codeHash = Secrets.Hash(code);
        var node = code.Length is > 0 and <= 64 ? await db.Nodes.FirstOrDefaultAsync(n => n.EnrollmentCodeHash == codeHash, ct) : null;
        if (node is null || node.EnrollmentExpiresAt is not { } expires || expires <= now)
        {
            // A used code is kept (hash only) so that a second use, a sign of a leaked code, is audited against its node.
            var reason = node is null ? "unknown" : node.EnrollmentExpiresAt is null ? "already_used" : "expired";
            await audit.WriteAsync("node.enroll", node?.ClientId, node?.Id.ToString(), new { reason, hostname }, success: false, actor: "anonymous", ct: ct);
            throw ApiException.BadRequest("enrollment_code_invalid", "The enrolment code is unknown, already used or expired. Ask the SOC for a new one.");
        }
        var token = Secrets.NewToken(BearerTokenHandler.NodeTokenPrefix);
        node.TokenHash = Secrets.Hash(token);
        node.TokenIssuedAt = now;
        node.EnrollmentExpiresAt = null;
        node.EnrolledAt = now;
        node.Hostname = hostname;
        node.SshHostKeys = keys.Count == 0 ? null : string.Join('\n', keys);
        node.AgentVersion = request.AgentVersion is { Length: <= 64 } v ? v : null;
        audit.Add("node.enroll", node.ClientId, node.Id.ToString(), new { hostname, sshHostKeys = keys.Count }, actor: $"node:{node.Id}");
        await db.SaveChangesAsync(ct);
        return new EnrollResponse(node.Id, node.ClientId, token);
    }

    /// <summary>Issues a new token; the old one stops working at once.</summary>
    public async Task<NodeTokenDto> RotateTokenAsync(Guid nodeId, CancellationToken ct)
    {
        var node = await FindAsync(nodeId, ct);
        var token = Secrets.NewToken(BearerTokenHandler.NodeTokenPrefix);
        node.TokenHash = Secrets.Hash(token);
        node.TokenIssuedAt = time.GetUtcNow().UtcDateTime;
        audit.Add("node.rotate_token", node.ClientId, node.Id.ToString());
        await db.SaveChangesAsync(ct);
        return new NodeTokenDto(node.Id, token);
    }

    /// <summary>Deletes a node with no alerts; a node with alerts is refused (delete its client with force, or keep it).</summary>
    public async Task DeleteAsync(Guid nodeId, CancellationToken ct)
    {
        var node = await FindAsync(nodeId, ct);
        var alerts = await db.Alerts.LongCountAsync(a => a.NodeId == nodeId, ct);
        if (alerts > 0)
        {
            throw ApiException.Conflict("node_has_alerts", $"Node '{node.Name}' has {alerts} alert(s); rotate its token to cut it off, or delete its client with force=true.");
        }
        db.Nodes.Remove(node);
        audit.Add("node.delete", node.ClientId, node.Id.ToString(), new { node.Name });
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<NodeDto>> ListAsync(Guid? clientId, CancellationToken ct)
    {
        var q = db.Nodes.AsNoTracking().VisibleTo(scope);
        if (clientId is { } c)
        {
            scope.EnsureCanSee(c, "Client");
            if (!await db.Clients.AnyAsync(x => x.Id == c, ct))
            {
                throw ApiException.NotFound("Client");
            }
            q = q.Where(n => n.ClientId == c);
        }
        var rows = await q.OrderBy(n => n.Name).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    public async Task<NodeDto> GetAsync(Guid nodeId, CancellationToken ct) => ToDto(await FindAsync(nodeId, ct));

    private async Task<FleetNode> FindAsync(Guid nodeId, CancellationToken ct) =>
        ApiException.OrNotFound(await db.Nodes.VisibleTo(scope).FirstOrDefaultAsync(n => n.Id == nodeId, ct), "Node");

    /// <summary>Most points <see cref="VitalsHistoryAsync"/> returns.</summary>
    public const int MaxHistoryPoints = 300;

    /// <summary>Heartbeats read (times only) for one history; a node beating faster than that over the window is cut to its newest.</summary>
    private const int MaxHistoryScan = 100_000;

    /// <summary>
    /// A node's vitals over the last <paramref name="window"/> (1 minute to 7 days), oldest first, for the console's
    /// charts: CPU load, memory and disk used, spool depth. At most <see cref="MaxHistoryPoints"/> points: the window is
    /// cut into that many equal buckets and each keeps its newest heartbeat.
    /// </summary>
    /// <remarks>
    /// Only the chosen heartbeats' vitals (JSON) are read and parsed; the rest of the window costs its (node, time)
    /// index entries. A sample rather than an average: a chart of a load spike shows a value the node really reported.
    /// </remarks>
    public async Task<IReadOnlyList<NodeVitalsPoint>> VitalsHistoryAsync(Guid nodeId, TimeSpan window, CancellationToken ct)
    {
        if (window < TimeSpan.FromMinutes(1) || window > TimeSpan.FromDays(7))
        {
            throw ApiException.Validation("window", "The window must be 1 minute to 7 days.");
        }
        var node = await FindAsync(nodeId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var from = now - window;
        var beats = db.NodeHeartbeats.AsNoTracking().VisibleTo(scope).Where(h => h.NodeId == node.Id && h.ReceivedAt >= from);
        var times = await beats.OrderByDescending(h => h.ReceivedAt).Take(MaxHistoryScan)
            .Select(h => new { h.Id, h.ReceivedAt }).ToListAsync(ct);
        var bucketTicks = Math.Max(1, window.Ticks / MaxHistoryPoints);
        var chosen = times
            .GroupBy(t => Math.Min(MaxHistoryPoints - 1, (t.ReceivedAt - from).Ticks / bucketTicks))
            .Select(g => g.MaxBy(t => t.ReceivedAt)!.Id)
            .ToList();
        var rows = await beats.Where(h => chosen.Contains(h.Id)).OrderBy(h => h.ReceivedAt)
            .Select(h => new { h.ReceivedAt, h.Vitals }).ToListAsync(ct);
        return rows.Select(r => Point(r.ReceivedAt, JsonSerializer.Deserialize<NodeVitals>(r.Vitals, SocmeClient.JsonOptions))).ToList();
    }

    private static NodeVitalsPoint Point(DateTime at, NodeVitals? v)
    {
        var disk = v?.Disks is { Count: > 0 } disks ? disks.FirstOrDefault(d => d.Mount == "/") ?? disks.MaxBy(d => d.TotalBytes) : null;
        return new NodeVitalsPoint(
            new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)),
            v?.Cpu?.Load1,
            Percent(v?.Memory?.UsedBytes, v?.Memory?.TotalBytes),
            Percent(disk?.UsedBytes, disk?.TotalBytes),
            v?.Spool?.Depth);
    }

    private static double? Percent(long? used, long? total) =>
        used is { } u && total is > 0 ? Math.Round(100.0 * u / total.Value, 1) : null;

    public NodeStatus StatusOf(FleetNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.EnrolledAt is null)
        {
            return NodeStatus.Pending;
        }
        if (node.LastSeenAt is not { } seen)
        {
            return NodeStatus.NeverSeen;
        }
        var silent = time.GetUtcNow().UtcDateTime - seen;
        return silent >= Fleet.OfflineAfter ? NodeStatus.Offline : silent >= Fleet.StaleAfter ? NodeStatus.Stale : NodeStatus.Online;
    }

    private NodeDto ToDto(FleetNode n) => new(
        n.Id, n.ClientId, n.Name, n.Hostname, StatusOf(n), n.CreatedAt, n.EnrolledAt, n.LastSeenAt,
        n.EnrollmentExpiresAt, n.AgentVersion,
        n.SshHostKeys is null ? [] : n.SshHostKeys.Split('\n'),
        n.LatestVitals is null ? null : JsonSerializer.Deserialize<NodeVitals>(n.LatestVitals, SocmeClient.JsonOptions));
}

/// <summary>One point of a node's vitals history: 1-minute load, memory and disk used (percent; the disk is <c>/</c>, else the largest), spool depth.</summary>
public sealed record NodeVitalsPoint(DateTimeOffset At, double? Load1, double? MemoryUsedPercent, double? DiskUsedPercent, long? SpoolDepth);
