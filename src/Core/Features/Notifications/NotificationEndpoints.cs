using Microsoft.AspNetCore.Http.HttpResults;
using Socme.Client;
using Microsoft.Extensions.Options;
using Socme.Core.Features.Auth;
using Socme.Integrations.TheHive;
using Socme.Notify;

namespace Socme.Core.Features.Notifications;

internal static class NotificationEndpoints
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RuleSetProvider>();
        services.AddScoped<NotificationRuleService>();
        services.AddScoped<ChannelService>();
        services.AddScoped<DeliveryService>();
        services.AddSingleton<ChannelSecrets>();
        services.AddSingleton<AlertLinks>();
        services.AddSingleton<NotificationSignal>();
        services.AddScoped<OutboxProcessor>();
        services.AddScoped<DeliverySender>();
        services.AddSingleton<TheHiveEscalator>();
        services.AddHostedService<NotificationDispatcher>();

        // Every outbound request of a channel or of TheHive goes through the SSRF guard; Notify:AllowedHosts lists the
        // private hosts an admin allowed (a TheHive on the tailnet, a local relay).
        services.AddSocmeNotify();
        services.AddOptions<NotifyOptions>().BindConfiguration("Notify");
        services.AddOptions<TheHiveOptions>().BindConfiguration("TheHive");
        services.AddTheHiveHttpClient().ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var notify = sp.GetRequiredService<IOptions<NotifyOptions>>().Value;
            return OutboundGuard.CreateHandler(new OutboundPolicy { AllowedHosts = notify.AllowedHosts.ToArray(), AllowPlainHttp = notify.AllowPlainHttp });
        });
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

        var ch = api.MapGroup("/notification-channels").WithTags("Notifications").RequireAuthorization(Policies.Staff);
        ch.MapGet("/kinds", () => ChannelService.Kinds).WithName("NotificationChannels_Kinds");
        ch.MapGet("/", (Guid? clientId, ChannelService s, CancellationToken ct) => s.ListAsync(clientId, ct)).WithName("NotificationChannels_List");
        ch.MapPost("/", async Task<Created<NotificationChannelDto>> (CreateNotificationChannelRequest body, ChannelService s, CancellationToken ct) =>
        {
            var c = await s.CreateAsync(body, ct);
            return TypedResults.Created($"/api/v1/notification-channels/{c.Id}", c);
        }).WithName("NotificationChannels_Create");
        ch.MapGet("/{channelId:guid}", (Guid channelId, ChannelService s, CancellationToken ct) => s.GetAsync(channelId, ct))
            .WithName("NotificationChannels_Get");
        ch.MapPatch("/{channelId:guid}", (Guid channelId, UpdateNotificationChannelRequest body, ChannelService s, CancellationToken ct) =>
                s.UpdateAsync(channelId, body, ct))
            .WithName("NotificationChannels_Update");
        ch.MapDelete("/{channelId:guid}", async Task<NoContent> (Guid channelId, ChannelService s, CancellationToken ct) =>
        {
            await s.DeleteAsync(channelId, ct);
            return TypedResults.NoContent();
        }).WithName("NotificationChannels_Delete");
        ch.MapPost("/{channelId:guid}/test", (Guid channelId, ChannelService s, CancellationToken ct) => s.TestAsync(channelId, ct))
            .WithName("NotificationChannels_Test");

        var d = api.MapGroup("/notification-deliveries").WithTags("Notifications").RequireAuthorization(Policies.Staff);
        d.MapGet("/", (Guid? clientId, string? state, Guid? ruleId, Guid? channelId, long? alertId, int? limit, string? cursor, DeliveryService s,
                CancellationToken ct) => s.ListAsync(clientId, state, ruleId, channelId, alertId, limit, cursor, ct))
            .WithName("NotificationDeliveries_List");
        d.MapPost("/{deliveryId:long}/resend", (long deliveryId, DeliveryService s, CancellationToken ct) => s.ResendAsync(deliveryId, ct))
            .WithName("NotificationDeliveries_Resend");

        api.MapPost("/alerts/escalate", (EscalateAlertsRequest body, DeliveryService s, CancellationToken ct) => s.EscalateAsync(body.AlertIds, ct))
            .WithTags("Alerts").WithName("Alerts_Escalate").RequireAuthorization(Policies.Staff);
        return api;
    }
}
