using Microsoft.AspNetCore.Http.HttpResults;
using Socme.Client;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Alerts;

internal static class AlertEndpoints
{
    public static IServiceCollection AddAlerts(this IServiceCollection services) => services.AddScoped<AlertService>();

    public static RouteGroupBuilder MapAlertEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/alerts").WithTags("Alerts").RequireAuthorization(Policies.User);
        g.MapGet("/", (Guid? clientId, Guid? nodeId, string? source, string? band, int? minLevel, string? status, string? ruleId,
                string? q, DateTimeOffset? from, DateTimeOffset? to, int? limit, string? cursor, AlertService s, CancellationToken ct) =>
            s.ListAsync(new AlertFilter
            {
                ClientId = clientId, NodeId = nodeId, Source = source, Band = band, MinLevel = minLevel, Status = status,
                RuleId = ruleId, Q = q, From = from, To = to,
            }, limit, cursor, ct))
            .WithName("Alerts_List");
        g.MapGet("/{alertId:long}", (long alertId, AlertService s, CancellationToken ct) => s.GetAsync(alertId, ct))
            .WithName("Alerts_Get");
        g.MapPatch("/{alertId:long}", (long alertId, AlertUpdateRequest body, AlertService s, CancellationToken ct) => s.UpdateAsync(alertId, body, ct))
            .WithName("Alerts_Update");
        g.MapPost("/{alertId:long}/comments", async Task<Created<AlertCommentDto>> (long alertId, CreateCommentRequest body, AlertService s, CancellationToken ct) =>
        {
            var c = await s.AddCommentAsync(alertId, body, ct);
            return TypedResults.Created($"/api/v1/alerts/{alertId}", c);
        }).WithName("Alerts_AddComment");
        g.MapPost("/bulk", (BulkAlertUpdateRequest body, AlertService s, CancellationToken ct) => s.BulkUpdateAsync(body, ct))
            .WithName("Alerts_BulkUpdate").RequireAuthorization(Policies.Staff);
        return api;
    }
}
