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
        g.MapGet("/", ([AsParameters] AlertListQuery query, AlertService s, CancellationToken ct) =>
                s.ListAsync(query.Filter(), query.Limit, query.Cursor, ct))
            .WithName("Alerts_List");
        g.MapGet("/groups", ([AsParameters] AlertListQuery query, AlertService s, CancellationToken ct) =>
                s.ListGroupsAsync(query.Filter(), query.Limit, query.Cursor, ct))
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

/// <summary>The query string of the alert list and of the grouped list (the same filter, limit and cursor).</summary>
internal readonly record struct AlertListQuery(
    Guid? ClientId, Guid? NodeId, string? Source, string? Band, int? MinLevel, string? Status, string? RuleId, string? Q,
    DateTimeOffset? From, DateTimeOffset? To, string? Verdict, string? Assignee, string? Group, int? Limit, string? Cursor)
{
    public AlertFilter Filter() => new()
    {
        ClientId = ClientId, NodeId = NodeId, Source = Source, Band = Band, MinLevel = MinLevel, Status = Status,
        RuleId = RuleId, Q = Q, From = From, To = To, Verdict = Verdict, Assignee = Assignee, Group = Group,
    };
}
