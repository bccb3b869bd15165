using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Audit;

internal static class AuditEndpoints
{
    public static IServiceCollection AddAudit(this IServiceCollection services) => services.AddScoped<AuditLog>();

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.Admin);
        g.MapGet("/", ListAsync).WithName("Audit_List");
        return api;
    }

    private static async Task<AuditPage> ListAsync(
        SocmeDbContext db, string? action, Guid? clientId, string? actor, DateTimeOffset? from, DateTimeOffset? to,
        int? limit, string? cursor, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 100, 1, 1000);
        var q = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(action))
        {
            q = action.EndsWith('*') ? q.Where(a => a.Action.StartsWith(action.TrimEnd('*'))) : q.Where(a => a.Action == action);
        }
        if (clientId is { } c)
        {
            q = q.Where(a => a.ClientId == c);
        }
        if (!string.IsNullOrWhiteSpace(actor))
        {
            q = q.Where(a => a.Actor == actor);
        }
        if (from is { } f)
        {
            var fu = f.UtcDateTime;
            q = q.Where(a => a.At >= fu);
        }
        if (to is { } t)
        {
            var tu = t.UtcDateTime;
            q = q.Where(a => a.At < tu);
        }
        if (cursor is not null)
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
