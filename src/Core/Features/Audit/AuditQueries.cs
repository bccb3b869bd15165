using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Audit;

/// <summary>What to read of the audit log: every field optional; <see cref="Action"/> ending with <c>*</c> is a prefix.</summary>
public sealed record AuditQuery(
    string? Action = null, Guid? ClientId = null, string? Actor = null, bool? Success = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int? Limit = null, string? Cursor = null);

/// <summary>
/// The audit log, newest first, with keyset paging on the id (the cursor is the last id of the previous page): the one
/// query behind <c>GET /api/v1/audit</c> and the administration's audit page (both admin only).
/// </summary>
public static class AuditQueries
{
    public static async Task<AuditPage> ListAsync(SocmeDbContext db, AuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(query);
        var take = Math.Clamp(query.Limit ?? 100, 1, 1000);
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            var action = query.Action.Trim();
            q = action.EndsWith('*') ? q.Where(a => a.Action.StartsWith(action.TrimEnd('*'))) : q.Where(a => a.Action == action);
        }
        if (query.ClientId is { } c)
        {
            q = q.Where(a => a.ClientId == c);
        }
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var actor = query.Actor.Trim();
            q = q.Where(a => a.Actor == actor);
        }
        if (query.Success is { } success)
        {
            q = q.Where(a => a.Success == success);
        }
        if (query.From is { } f)
        {
            var fu = f.UtcDateTime;
            q = q.Where(a => a.At >= fu);
        }
        if (query.To is { } t)
        {
            var tu = t.UtcDateTime;
            q = q.Where(a => a.At < tu);
        }
        if (query.Cursor is { Length: > 0 } cursor)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var before))
            {
                throw ApiException.BadRequest("invalid_cursor", "The cursor is not valid.");
            }
            q = q.Where(a => a.Id < before);
        }
        var rows = await q.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(ct);
        var items = rows.Take(take).Select(a => new AuditEntryDto(a.Id, a.At, a.Actor, a.Action, a.ClientId, a.Target, a.Details, a.RemoteIp, a.Success)).ToList();
        var next = rows.Count > take ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return new AuditPage(items, next);
    }
}
