using System.Text.Json;
using Socme.Core.Data;
using Socme.Core.Data.Audit;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Audit;

/// <summary>
/// Records security-relevant actions. <see cref="Add"/> stages the entry in the caller's unit of work, so it is
/// saved in the same transaction as the change it describes; <see cref="WriteAsync"/> saves at once (for
/// failures, where there is no other change).
/// </summary>
public sealed class AuditLog(SocmeDbContext db, TenantScope scope, IHttpContextAccessor http, TimeProvider time)
{
    public void Add(string action, Guid? clientId = null, string? target = null, object? details = null, bool success = true, string? actor = null)
    {
        db.AuditLog.Add(new AuditEntry
        {
            At = time.GetUtcNow().UtcDateTime,
            ActorId = scope.UserId ?? scope.NodeId,
            Actor = actor ?? scope.Actor,
            Action = action,
            ClientId = clientId,
            Target = target,
            Details = details is null ? null : JsonSerializer.Serialize(details, Client.SocmeClient.JsonOptions),
            RemoteIp = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            Success = success,
        });
    }

    public async Task WriteAsync(string action, Guid? clientId = null, string? target = null, object? details = null, bool success = true, string? actor = null, CancellationToken ct = default)
    {
        Add(action, clientId, target, details, success, actor);
        await db.SaveChangesAsync(ct);
    }
}
