using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Features.Auth;

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

    private static Task<AuditPage> ListAsync(
        SocmeDbContext db, string? action, Guid? clientId, string? actor, bool? success, DateTimeOffset? from, DateTimeOffset? to,
        int? limit, string? cursor, CancellationToken ct) =>
        AuditQueries.ListAsync(db, new AuditQuery(action, clientId, actor, success, from, to, limit, cursor), ct);
}
