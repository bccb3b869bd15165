using Microsoft.AspNetCore.Http.HttpResults;
using Socme.Client;
using Socme.Core.Features.Auth;

namespace Socme.Core.Features.Notifications;

internal static class NotificationEndpoints
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RuleSetProvider>();
        services.AddScoped<NotificationRuleService>();
        return services;
    }

    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/notification-rules").WithTags("Notifications").RequireAuthorization(Policies.Staff);
        g.MapGet("/", (Guid? clientId, NotificationRuleService s, CancellationToken ct) => s.ListAsync(clientId, ct))
            .WithName("NotificationRules_List");
        g.MapPost("/", async Task<Created<NotificationRuleDto>> (CreateNotificationRuleRequest body, NotificationRuleService s, CancellationToken ct) =>
        {
            var r = await s.CreateAsync(body, ct);
            return TypedResults.Created($"/api/v1/notification-rules/{r.Id}", r);
        }).WithName("NotificationRules_Create");
        g.MapGet("/{ruleId:guid}", (Guid ruleId, NotificationRuleService s, CancellationToken ct) => s.GetAsync(ruleId, ct))
            .WithName("NotificationRules_Get");
        g.MapPut("/{ruleId:guid}", (Guid ruleId, CreateNotificationRuleRequest body, NotificationRuleService s, CancellationToken ct) =>
                s.ReplaceAsync(ruleId, body, ct))
            .WithName("NotificationRules_Replace");
        g.MapDelete("/{ruleId:guid}", async Task<NoContent> (Guid ruleId, NotificationRuleService s, CancellationToken ct) =>
        {
            await s.DeleteAsync(ruleId, ct);
            return TypedResults.NoContent();
        }).WithName("NotificationRules_Delete");
        g.MapPost("/preview", (RulePreviewRequest body, NotificationRuleService s, CancellationToken ct) => s.PreviewAsync(body, ct))
            .WithName("NotificationRules_Preview");
        g.MapPost("/presets/{preset}", async Task<Created<NotificationRuleDto>> (string preset, CreatePresetRuleRequest body, NotificationRuleService s,
            CancellationToken ct) =>
        {
            var r = await s.CreatePresetAsync(preset, body.ClientId, body.Channels, ct);
            return TypedResults.Created($"/api/v1/notification-rules/{r.Id}", r);
        }).WithName("NotificationRules_CreatePreset");
        return api;
    }
}
