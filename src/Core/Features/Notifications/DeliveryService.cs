using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Notifications;

/// <summary>The delivery log (newest first, within the caller's clients), re-send, and escalation to TheHive by hand.</summary>
internal sealed class DeliveryService(SocmeDbContext db, TenantScope scope, AuditLog audit, TimeProvider time, NotificationSignal signal)
{
    public const int MaxPage = 200;

    public async Task<NotificationDeliveryPage> ListAsync(Guid? clientId, string? state, Guid? ruleId, Guid? channelId, long? alertId, int? limit,
        string? cursor, CancellationToken ct)
    {
        RequireStaff();
        var q = db.NotificationDeliveries.AsNoTracking().VisibleTo(scope);
        if (clientId is { } c)
        {
            scope.EnsureCanSee(c, "Client");
            q = q.Where(d => d.ClientId == c);
        }
        if (state is not null)
        {
            var s = ParseState(state);
            q = q.Where(d => d.State == s);
        }
        if (ruleId is { } r)
        {
            q = q.Where(d => d.RuleId == r);
        }
        if (channelId is { } ch)
        {
            q = q.Where(d => d.ChannelId == ch);
        }
        if (alertId is { } a)
        {
            q = q.Where(d => d.AlertId == a);
        }
        if (cursor is not null)
        {
            var before = DecodeCursor(cursor);
            q = q.Where(d => d.Id < before);
        }
        var take = Math.Clamp(limit ?? 50, 1, MaxPage);
        var rows = await q.OrderByDescending(d => d.Id).Take(take + 1).ToListAsync(ct);
        var page = rows.Take(take).Select(ToDto).ToList();
        return new NotificationDeliveryPage(page, rows.Count > take ? EncodeCursor(page[^1].Id) : null);
    }

    /// <summary>Sends a dead (or delivered) delivery again: it becomes pending now, with a fresh age.</summary>
    public async Task<NotificationDeliveryDto> ResendAsync(long id, CancellationToken ct)
    {
        RequireStaff();
        var d = await db.NotificationDeliveries.VisibleTo(scope).FirstOrDefaultAsync(x => x.Id == id && !x.IsTest, ct)
            ?? throw ApiException.NotFound("Delivery");
        if (d.State is not (DeliveryState.Dead or DeliveryState.Delivered))
        {
            throw ApiException.Conflict("not_resendable", "Only a dead or delivered delivery can be sent again.");
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        d.State = DeliveryState.Pending;
        d.Attempts = 0;
        d.NextAttemptMs = now;
        d.CreatedMs = now;
        d.UpdatedMs = now;
        d.LeaseUntilMs = null;
        d.DeliveredMs = null;
        audit.Add("notification_delivery.resend", d.ClientId, d.Id.ToString(CultureInfo.InvariantCulture));
        await db.SaveChangesAsync(ct);
        signal.Poke();
        return ToDto(d);
    }

    /// <summary>Queues the escalation of alerts to TheHive (once per alert: a second request returns the first delivery).</summary>
    public async Task<IReadOnlyList<NotificationDeliveryDto>> EscalateAsync(IReadOnlyList<long> alertIds, CancellationToken ct)
    {
        RequireStaff();
        if (alertIds is not { Count: > 0 and <= 1000 })
        {
            throw ApiException.Validation("alertIds", "Give 1 to 1,000 alert ids.");
        }
        var ids = alertIds.Distinct().ToList();
        var alerts = await db.Alerts.AsNoTracking().VisibleTo(scope).Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.ClientId }).ToListAsync(ct);
        if (alerts.Count != ids.Count)
        {
            throw ApiException.NotFound("Alert");
        }
        var existing = await db.NotificationDeliveries.Where(d => d.Target == DeliveryTargets.TheHive && d.AlertId != null && ids.Contains(d.AlertId.Value))
            .ToDictionaryAsync(d => d.AlertId!.Value, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = new List<NotificationDelivery>();
        foreach (var a in alerts)
        {
            if (existing.TryGetValue(a.Id, out var d))
            {
                if (d.State == DeliveryState.Dead)
                {
                    d.State = DeliveryState.Pending;
                    d.Attempts = 0;
                    d.NextAttemptMs = d.CreatedMs = d.UpdatedMs = now;
                }
                result.Add(d);
                continue;
            }
            d = new NotificationDelivery
            {
                ClientId = a.ClientId, AlertId = a.Id, Target = DeliveryTargets.TheHive, DedupeKey = $"thehive|a:{a.Id}",
                State = DeliveryState.Pending, NextAttemptMs = now, CreatedMs = now, UpdatedMs = now,
            };
            db.NotificationDeliveries.Add(d);
            result.Add(d);
        }
        foreach (var group in alerts.GroupBy(a => a.ClientId))
        {
            audit.Add("alert.escalate", group.Key, string.Join(',', group.Select(a => a.Id)), new { target = "thehive" });
        }
        await db.SaveChangesAsync(ct);
        signal.Poke();
        return result.Select(ToDto).ToList();
    }

    internal static NotificationDeliveryDto ToDto(NotificationDelivery d) => new(
        d.Id, d.ClientId, d.RuleId, d.ChannelId, d.Target, d.AlertId, d.AlertCount, d.DigestId,
        JsonNamingPolicy.SnakeCaseLower.ConvertName(d.State.ToString()), d.Attempts,
        DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedMs),
        d.State is DeliveryState.Pending or DeliveryState.InDigest ? DateTimeOffset.FromUnixTimeMilliseconds(d.NextAttemptMs) : null,
        d.DeliveredMs is { } m ? DateTimeOffset.FromUnixTimeMilliseconds(m) : null,
        d.LastError, d.ExternalId, d.ExternalLink, d.IsTest);

    private static DeliveryState ParseState(string s) => s.ToLowerInvariant() switch
    {
        "pending" => DeliveryState.Pending,
        "delivered" => DeliveryState.Delivered,
        "dead" => DeliveryState.Dead,
        "throttled" => DeliveryState.Throttled,
        "in_digest" => DeliveryState.InDigest,
        "digested" => DeliveryState.Digested,
        _ => throw ApiException.Validation("state", "state must be pending, delivered, dead, throttled, in_digest or digested."),
    };

    private static string EncodeCursor(long id) => Convert.ToBase64String(Encoding.ASCII.GetBytes("d:" + id.ToString(CultureInfo.InvariantCulture)));

    private static long DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(cursor));
            if (text.StartsWith("d:", StringComparison.Ordinal) && long.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }
        catch (FormatException)
        {
            // fall through
        }
        throw ApiException.BadRequest("invalid_cursor", "The cursor is not valid; use the nextCursor of a previous page.");
    }

    private void RequireStaff()
    {
        if (!scope.IsStaff)
        {
            throw ApiException.Forbidden("forbidden", "The delivery log is for the SOC's staff.");
        }
    }
}
