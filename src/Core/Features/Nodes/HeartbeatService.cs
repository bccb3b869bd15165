using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Fleet;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Nodes;

/// <summary>Takes a node's heartbeat: the latest vitals on the node, a history row, last-seen.</summary>
public sealed class HeartbeatService(SocmeDbContext db, TenantScope scope, TimeProvider time, IOptions<FleetOptions> options)
{
    public async Task<HeartbeatResult> RecordAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nodeId = scope.NodeId ?? throw ApiException.Forbidden("not_a_node", "A node token is required.");
        var max = options.Value.MaxVitalsBytes;
        if (request.ContentLength > max)
        {
            throw new ApiException(413, "payload_too_large", $"The vitals document is larger than {max} bytes.");
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > max)
        {
            throw new ApiException(413, "payload_too_large", $"The vitals document is larger than {max} bytes.");
        }
        NodeVitals? vitals;
        try
        {
            vitals = JsonSerializer.Deserialize<NodeVitals>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), SocmeClient.JsonOptions);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest("malformed_request", $"The vitals document is not valid JSON of the vitals schema: {e.Message}");
        }
        if (vitals is null)
        {
            throw ApiException.BadRequest("malformed_request", "The vitals document must be a JSON object.");
        }
        var json = JsonSerializer.Serialize(vitals, SocmeClient.JsonOptions);
        var now = time.GetUtcNow().UtcDateTime;
        var node = await db.Nodes.FirstOrDefaultAsync(n => n.Id == nodeId, ct)
            ?? throw new ApiException(401, "unauthorized", "The node no longer exists.");
        node.LastSeenAt = now;
        node.LatestVitals = json;
        if (vitals.AgentVersion is { Length: <= 64 } v)
        {
            node.AgentVersion = v;
        }
        if (vitals.Hostname is { Length: > 0 and <= 255 } h)
        {
            node.Hostname = h;
        }
        db.NodeHeartbeats.Add(new NodeHeartbeat { ClientId = node.ClientId, NodeId = node.Id, ReceivedAt = now, Vitals = json });
        await db.SaveChangesAsync(ct);
        return new HeartbeatResult(now);
    }

    /// <summary>A node's vitals history, newest first, within the caller's tenant scope.</summary>
    public async Task<IReadOnlyList<HeartbeatDto>> HistoryAsync(Guid nodeId, DateTimeOffset? from, DateTimeOffset? to, int? limit, CancellationToken ct)
    {
        if (!await db.Nodes.VisibleTo(scope).AnyAsync(n => n.Id == nodeId, ct))
        {
            throw ApiException.NotFound("Node");
        }
        var q = db.NodeHeartbeats.AsNoTracking().VisibleTo(scope).Where(h => h.NodeId == nodeId);
        if (from is { } f)
        {
            var fu = f.UtcDateTime;
            q = q.Where(h => h.ReceivedAt >= fu);
        }
        if (to is { } t)
        {
            var tu = t.UtcDateTime;
            q = q.Where(h => h.ReceivedAt < tu);
        }
        var rows = await q.OrderByDescending(h => h.ReceivedAt).Take(Math.Clamp(limit ?? 500, 1, 5000)).ToListAsync(ct);
        return rows.Select(h => new HeartbeatDto(h.ReceivedAt, JsonSerializer.Deserialize<NodeVitals>(h.Vitals, SocmeClient.JsonOptions)!)).ToList();
    }
}

/// <summary>Deletes heartbeat history older than <see cref="FleetOptions.HeartbeatRetention"/>.</summary>
public sealed class HeartbeatRetention(SocmeDbContext db, TimeProvider time, IOptions<FleetOptions> options)
{
    /// <summary>Deletes what is past retention; returns how many heartbeats were deleted.</summary>
    public Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.HeartbeatRetention;
        return db.NodeHeartbeats.Where(h => h.ReceivedAt < cutoff).ExecuteDeleteAsync(ct);
    }
}

/// <summary>Runs <see cref="HeartbeatRetention"/> hourly.</summary>
internal sealed class HeartbeatRetentionService(IServiceScopeFactory scopes, TimeProvider time, ILogger<HeartbeatRetentionService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var s = scopes.CreateAsyncScope();
                var deleted = await s.ServiceProvider.GetRequiredService<HeartbeatRetention>().PruneAsync(stoppingToken);
                if (deleted > 0)
                {
                    log.LogInformation("Deleted {Count} heartbeat(s) past retention", deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Heartbeat retention pass failed; will retry");
            }
        }
    }
}
