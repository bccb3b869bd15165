using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Socme.Client;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Nodes;

internal static class NodeEndpoints
{
    public const string EnrollRateLimit = "enroll";

    public static IServiceCollection AddNodes(this IServiceCollection services)
    {
        services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<NodeService>();
        services.AddScoped<HeartbeatService>();
        services.AddScoped<HeartbeatRetention>();
        services.AddHostedService<HeartbeatRetentionService>();
        services.AddScoped<FleetEventService>();
        services.AddSingleton<SourceActivity>();
        services.AddHostedService<FleetWatcher>();
        services.AddPerAddressRateLimit(EnrollRateLimit, sp => sp.GetRequiredService<IOptions<FleetOptions>>().Value.EnrollmentAttemptsPerMinute);
        return services;
    }

    public static RouteGroupBuilder MapNodeEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/clients/{clientId:guid}/nodes", async Task<Created<NodeEnrollmentDto>> (Guid clientId, CreateNodeRequest body, NodeService s, CancellationToken ct) =>
        {
            var n = await s.CreateAsync(clientId, body, ct);
            return TypedResults.Created($"/api/v1/nodes/{n.Id}", n);
        }).WithName("Nodes_Create").WithTags("Nodes").RequireAuthorization(Policies.Admin);
        api.MapGet("/clients/{clientId:guid}/nodes", (Guid clientId, NodeService s, CancellationToken ct) => s.ListAsync(clientId, ct))
            .WithName("Nodes_ListByClient").WithTags("Nodes").RequireAuthorization(Policies.User);

        var g = api.MapGroup("/nodes").WithTags("Nodes");
        g.MapGet("/", (NodeService s, CancellationToken ct) => s.ListAsync(null, ct))
            .WithName("Nodes_List").RequireAuthorization(Policies.User);
        g.MapGet("/{nodeId:guid}", (Guid nodeId, NodeService s, CancellationToken ct) => s.GetAsync(nodeId, ct))
            .WithName("Nodes_Get").RequireAuthorization(Policies.User);
        g.MapGet("/{nodeId:guid}/heartbeats", (Guid nodeId, DateTimeOffset? from, DateTimeOffset? to, int? limit, HeartbeatService s, CancellationToken ct) =>
                s.HistoryAsync(nodeId, from, to, limit, ct))
            .WithName("Nodes_Heartbeats").RequireAuthorization(Policies.User);
        g.MapDelete("/{nodeId:guid}", async Task<NoContent> (Guid nodeId, NodeService s, CancellationToken ct) =>
        {
            await s.DeleteAsync(nodeId, ct);
            return TypedResults.NoContent();
        }).WithName("Nodes_Delete").RequireAuthorization(Policies.Admin);
        g.MapPost("/{nodeId:guid}/rotate-token", (Guid nodeId, NodeService s, CancellationToken ct) => s.RotateTokenAsync(nodeId, ct))
            .WithName("Nodes_RotateToken").RequireAuthorization(Policies.Admin);
        g.MapPost("/{nodeId:guid}/enrollment-code", (Guid nodeId, NodeService s, CancellationToken ct) => s.NewEnrollmentCodeAsync(nodeId, ct))
            .WithName("Nodes_NewEnrollmentCode").RequireAuthorization(Policies.Admin);
        g.MapPost("/enroll", (EnrollRequest body, NodeService s, CancellationToken ct) => s.EnrollAsync(body, ct))
            .WithName("Nodes_Enroll").AllowAnonymous().RequireRateLimiting(EnrollRateLimit);

        api.MapPost("/ingest/heartbeat", (HttpRequest request, HeartbeatService s, CancellationToken ct) => s.RecordAsync(request, ct))
            .WithName("Ingest_Heartbeat").WithTags("Ingest").RequireAuthorization(Policies.Node)
            .Accepts<NodeVitals>("application/json");
        return api;
    }
}
