using Microsoft.AspNetCore.Http.HttpResults;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Overview;

namespace Socme.Core.Features.Alerts;

internal static class AlertEndpoints
{
    public static IServiceCollection AddAlerts(this IServiceCollection services) => services.AddScoped<AlertService>().AddOverview();

    public static RouteGroupBuilder MapAlertEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/alerts").WithTags("Alerts").RequireAuthorization(Policies.User);
        g.MapGet("/", (Guid? clientId, Guid? nodeId, string? source, string? band, int? minLevel, string? status, string? ruleId,
                string? q, DateTimeOffset? from, DateTimeOffset? to, string? verdict, string? assignee, string? group, int? limit, string? cursor,
                AlertService s, CancellationToken ct) =>
            s.ListAsync(new AlertFilter
            {
                ClientId = clientId, NodeId = nodeId, Source = source, Band = band, MinLevel = minLevel, Status = status,
                RuleId = ruleId, Q = q, From = from, To = to, Verdict = verdict, Assignee = assignee, Group = group,
            }, limit, cursor, ct))
            .WithName("Alerts_List");
        g.MapGet("/groups", (Guid? clientId, Guid? nodeId, string? source, string? band, int? minLevel, string? status, string? ruleId,
                string? q, DateTimeOffset? from, DateTimeOffset? to, string? verdict, string? assignee, string? group, int? limit, string? cursor,
                AlertService s, CancellationToken ct) =>
            s.ListGroupsAsync(new AlertFilter
            {
                ClientId = clientId, NodeId = nodeId, Source = source, Band = band, MinLevel = minLevel, Status = status,
                RuleId = ruleId, Q = q, From = from, To = to, Verdict = verdict, Assignee = assignee, Group = group,
            }, limit, cursor, ct))
            .WithName("Alerts_ListGroups");
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
        api.MapOverviewEndpoints();
        return api;
    }
}
