using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Ingest;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// Notification rules: list, create, replace, delete, preview, presets. A client's rule is managed by the staff who can see
/// that client; a global rule (every client) by admins only. A rule may send only to its own client's channels or to the
/// SOC's channels (no client), so one client's alerts never reach another client's people.
/// </summary>
internal sealed class NotificationRuleService(SocmeDbContext db, TenantScope scope, AuditLog audit, TimeProvider time, RuleSetProvider ruleSets)
{
    public const int MaxRules = 1000;
    public const int PreviewAlerts = 1000;

    /// <summary>The seed's three examples, made ready for one client's channels.</summary>
    public static readonly IReadOnlyList<string> Presets = ["brute-force-mail", "compromise-mail-call", "escalate-thehive"];

    public async Task<IReadOnlyList<NotificationRuleDto>> ListAsync(Guid? clientId, CancellationToken ct)
    {
        RequireStaff();
        var q = db.NotificationRules.AsNoTracking();
        if (clientId is { } c)
        {
            scope.EnsureCanSee(c, "Client");
            q = q.Where(r => r.ClientId == c || r.ClientId == null);
        }
        else if (!scope.AllClients)
        {
            var ids = scope.ClientIds.ToList();
            q = q.Where(r => r.ClientId == null || ids.Contains(r.ClientId.Value));
        }
        var rows = await q.OrderBy(r => r.Position).ThenBy(r => r.Id).Take(MaxRules).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    public async Task<NotificationRuleDto> GetAsync(Guid id, CancellationToken ct) => ToDto(await FindAsync(id, ct));

    public async Task<NotificationRuleDto> CreateAsync(CreateNotificationRuleRequest request, CancellationToken ct, string? preset = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireStaff();
        RequireScope(request.ClientId);
        await ValidateAsync(request, ct);
        if (await db.NotificationRules.CountAsync(ct) >= MaxRules)
        {
            throw ApiException.Conflict("too_many_rules", $"At most {MaxRules} notification rules.");
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var position = request.Position
            ?? (await db.NotificationRules.Select(r => (int?)r.Position).MaxAsync(ct) ?? 0) + 10;
        var rule = new NotificationRule
        {
            Id = Guid.CreateVersion7(),
            ClientId = request.ClientId,
            Name = request.Name.Trim(),
            Position = position,
            Preset = preset,
            CreatedMs = now,
            ConditionsJson = "{}",
            ActionsJson = "{}",
        };
        Fill(rule, request, now);
        db.NotificationRules.Add(rule);
        audit.Add("notification_rule.create", rule.ClientId, rule.Id.ToString(), new { rule.Name, preset });
        await db.SaveChangesAsync(ct);
        ruleSets.Invalidate();
        return ToDto(rule);
    }

    /// <summary>Replaces a rule's definition (its client cannot change); its match counter stays.</summary>
    public async Task<NotificationRuleDto> ReplaceAsync(Guid id, CreateNotificationRuleRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rule = await FindAsync(id, ct);
        RequireScope(rule.ClientId);
        if (request.ClientId != rule.ClientId)
        {
            throw ApiException.Validation("clientId", "A rule's client cannot change; create a new rule.");
        }
        await ValidateAsync(request, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Fill(rule, request, now);
        rule.Name = request.Name.Trim();
        if (request.Position is { } p)
        {
            rule.Position = p;
        }
        audit.Add("notification_rule.update", rule.ClientId, rule.Id.ToString(), new { rule.Name, rule.Enabled });
        await db.SaveChangesAsync(ct);
        ruleSets.Invalidate();
        return ToDto(rule);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var rule = await FindAsync(id, ct);
        RequireScope(rule.ClientId);
        db.NotificationRules.Remove(rule);
        audit.Add("notification_rule.delete", rule.ClientId, rule.Id.ToString(), new { rule.Name });
        await db.SaveChangesAsync(ct);
        ruleSets.Invalidate();
    }

    /// <summary>How many of the newest alerts the caller can see (of the rule's client, or all) the conditions match.</summary>
    public async Task<RulePreviewDto> PreviewAsync(RulePreviewRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireStaff();
        RequireScope(request.ClientId);
        RuleValidation.Validate("preview", request.Conditions, new RuleActions(), null, null);
        var rule = new CompiledRule(
            new NotificationRule { Id = Guid.Empty, Name = "preview", ConditionsJson = "{}", ActionsJson = "{}" },
            request.Conditions, new RuleActions(), null, null);
        var q = db.Alerts.AsNoTracking().VisibleTo(scope);
        if (request.ClientId is { } c)
        {
            q = q.Where(a => a.ClientId == c);
        }
        var alerts = await q.OrderByDescending(a => a.Id).Take(PreviewAlerts).ToListAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var matched = alerts.Where(a => rule.Matches(RowOf(a), a.NodeId, now)).Select(a => a.Id).ToList();
        return new RulePreviewDto(alerts.Count, matched.Count, matched.Take(20).ToList());
    }

    /// <summary>A preset rule for a client: brute force → mail; compromise → mail and call; critical → TheHive.</summary>
    public Task<NotificationRuleDto> CreatePresetAsync(string preset, Guid clientId, IReadOnlyList<Guid>? channels, CancellationToken ct)
    {
        var request = preset switch
        {
            "brute-force-mail" => new CreateNotificationRuleRequest(
                "Brute force → mail the admin",
                new RuleConditions(MitreTechniques: ["T1110"], MinLevel: 5),
                new RuleActions(Channels: channels),
                clientId,
                Throttle: new RuleThrottle(1, 900, ["rule.id", "src_ip"])),
            "compromise-mail-call" => new CreateNotificationRuleRequest(
                "Compromise → mail and call",
                new RuleConditions(Bands: ["high", "critical"], MitreTactics: ["TA0001", "TA0004", "TA0006", "TA0008"]),
                new RuleActions(Channels: channels),
                clientId,
                Throttle: new RuleThrottle(3, 3600, ["agent.name"])),
            "escalate-thehive" => new CreateNotificationRuleRequest(
                "Critical → TheHive",
                new RuleConditions(Bands: ["critical"]),
                new RuleActions(Channels: channels, EscalateToTheHive: true),
                clientId),
            _ => throw ApiException.Validation("preset", $"Unknown preset; use one of: {string.Join(", ", Presets)}."),
        };
        return CreateAsync(request, ct, preset);
    }

    internal static IngestRow RowOf(Data.Alerts.AlertRecord a) => new(
        a.Source, a.Key, a.TimeMs, a.Level, a.Band, a.RuleId, a.RuleDescription, a.RuleGroups, a.MitreTactics, a.MitreTechniques,
        a.AgentName, a.AgentIp, a.SrcIp, a.SrcPort, a.DstIp, a.DstPort, a.Protocol, a.Signature, a.Category, a.Raw);

    private async Task ValidateAsync(CreateNotificationRuleRequest r, CancellationToken ct)
    {
        RuleValidation.Validate(r.Name, r.Conditions, r.Actions, r.Throttle, r.Digest);
        if (r.Conditions.NodeIds is { Count: > 0 } nodes)
        {
            var ids = nodes.ToList();
            var known = await db.Nodes.AsNoTracking().Where(n => ids.Contains(n.Id) && (r.ClientId == null || n.ClientId == r.ClientId))
                .CountAsync(ct);
            if (known != ids.Distinct().Count())
            {
                throw ApiException.Validation("conditions.nodeIds", "Every node must exist and belong to the rule's client.");
            }
        }
        if (r.Actions.Channels is { Count: > 0 } channels)
        {
            var ids = channels.Distinct().ToList();
            // A client's rule: that client's channels or the SOC's; a global rule: the SOC's only.
            var usable = await db.NotificationChannels.AsNoTracking()
                .Where(c => ids.Contains(c.Id) && (c.ClientId == null || c.ClientId == r.ClientId)).CountAsync(ct);
            if (usable != ids.Count)
            {
                throw ApiException.Validation("actions.channels",
                    r.ClientId is null
                        ? "A rule of every client may only use the SOC's channels (channels of no client)."
                        : "Every channel must exist and belong to the rule's client or to the SOC.");
            }
        }
        if (r.Actions.AssignTo is { } user)
        {
            var ok = await db.Users.AsNoTracking().AnyAsync(u => u.Id == user && !u.Disabled, ct);
            if (!ok)
            {
                throw ApiException.Validation("actions.assignTo", "The user does not exist or is disabled.");
            }
        }
        if (r.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            throw ApiException.Validation("expiresAt", "expiresAt must be in the future.");
        }
    }

    private static void Fill(NotificationRule rule, CreateNotificationRuleRequest r, long now)
    {
        rule.Enabled = r.Enabled;
        rule.StopProcessing = r.StopProcessing;
        rule.ConditionsJson = JsonSerializer.Serialize(r.Conditions, RuleJson.Options);
        rule.ActionsJson = JsonSerializer.Serialize(r.Actions, RuleJson.Options);
        rule.ThrottleJson = r.Throttle is null ? null : JsonSerializer.Serialize(r.Throttle, RuleJson.Options);
        rule.DigestJson = r.Digest is null ? null : JsonSerializer.Serialize(r.Digest, RuleJson.Options);
        rule.ExpiresMs = r.ExpiresAt?.ToUnixTimeMilliseconds();
        rule.UpdatedMs = now;
    }

    private async Task<NotificationRule> FindAsync(Guid id, CancellationToken ct)
    {
        RequireStaff();
        var rule = await db.NotificationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        // Another tenant's rule is a 404, like any resource out of scope; a global rule is visible to staff.
        if (rule is null || (rule.ClientId is { } c && !scope.CanSee(c)))
        {
            throw ApiException.NotFound("Notification rule");
        }
        return rule;
    }

    private void RequireStaff() => NotificationAccess.RequireStaff(scope, "Notification rules");

    private void RequireScope(Guid? clientId) => NotificationAccess.RequireManage(scope, clientId, "rules");

    internal static NotificationRuleDto ToDto(NotificationRule r) => new(
        r.Id, r.ClientId, r.Name, r.Position, r.Enabled, r.StopProcessing,
        JsonSerializer.Deserialize<RuleConditions>(r.ConditionsJson, RuleJson.Options) ?? new RuleConditions(),
        JsonSerializer.Deserialize<RuleActions>(r.ActionsJson, RuleJson.Options) ?? new RuleActions(),
        r.ThrottleJson is null ? null : JsonSerializer.Deserialize<RuleThrottle>(r.ThrottleJson, RuleJson.Options),
        r.DigestJson is null ? null : JsonSerializer.Deserialize<RuleDigest>(r.DigestJson, RuleJson.Options),
        r.ExpiresMs is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null,
        r.MatchCount,
        r.LastMatchMs is { } m ? DateTimeOffset.FromUnixTimeMilliseconds(m) : null,
        r.Preset,
        DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedMs),
        DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedMs));
}
