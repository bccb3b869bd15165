using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Socme.Core.Data;
using Socme.Core.Data.Alerts;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Ingest;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// One pass of the outbox: intents become deliveries (throttled, collected into digests, or due now), digests whose
/// window closed become one delivery each, and due deliveries are leased and sent. Each step is its own transaction.
/// </summary>
internal sealed class OutboxProcessor(SocmeDbContext db, TimeProvider time, IOptions<NotificationOptions> options, IServiceScopeFactory scopes,
    ILogger<OutboxProcessor> log)
{
    public const int IntentBatch = 200;

    /// <summary>Runs the three steps; returns how much work was done (0: idle).</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var work = await ExpandIntentsAsync(ct);
        work += await CloseDigestsAsync(ct);
        work += await SendDueAsync(ct);
        return work;
    }

    /// <summary>Turns pending intents into deliveries, in the transaction that marks them processed.</summary>
    public async Task<int> ExpandIntentsAsync(CancellationToken ct)
    {
        // A cheap look first: an idle outbox takes no write lock (SQLite has one writer, shared with ingest).
        if (!await db.NotificationIntents.AnyAsync(i => i.ProcessedMs == null, ct))
        {
            return 0;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var intents = await OutboxStore.ClaimIntents(db, IntentBatch).ToListAsync(ct);
        if (intents.Count == 0)
        {
            return 0;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ruleIds = intents.Select(i => i.RuleId).Distinct().ToList();
        var rules = new Dictionary<Guid, CompiledRule>();
        foreach (var r in await db.NotificationRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).ToListAsync(ct))
        {
            try
            {
                rules[r.Id] = RuleSet.CompileOne(r);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or Infrastructure.ApiException)
            {
                log.LogError(e, "Notification rule {RuleId} does not compile; its intents are dropped", r.Id);
            }
        }
        var alertIds = intents.Select(i => i.AlertId).Distinct().ToList();
        var alerts = await db.Alerts.AsNoTracking().Where(a => alertIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var channelIds = rules.Values.SelectMany(r => r.Actions.Channels ?? []).Distinct().ToList();
        var channels = await db.NotificationChannels.AsNoTracking().Where(c => channelIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var escalated = (await db.NotificationDeliveries.AsNoTracking()
            .Where(d => d.Target == DeliveryTargets.TheHive && d.AlertId != null && alertIds.Contains(d.AlertId.Value))
            .Select(d => d.AlertId!.Value).ToListAsync(ct)).ToHashSet();
        var tallies = new Dictionary<(Guid Rule, string Key, Guid Channel), int>();

        foreach (var intent in intents)
        {
            intent.ProcessedMs = now;
            if (!rules.TryGetValue(intent.RuleId, out var rule) || !alerts.TryGetValue(intent.AlertId, out var alert))
            {
                continue;
            }
            if (alert.ClientId != intent.ClientId)
            {
                log.LogError("Intent {IntentId} names client {IntentClient} but alert {AlertId} is of client {AlertClient}; dropped",
                    intent.Id, intent.ClientId, alert.Id, alert.ClientId);
                continue;
            }
            var row = NotificationRuleService.RowOf(alert);
            foreach (var channelId in (rule.Actions.Channels ?? []).Distinct())
            {
                var d = NewDelivery(alert, rule.Id, channelId, DeliveryTargets.Channel, $"r:{rule.Id:N}|c:{channelId:N}|a:{alert.Id}", now);
                channels.TryGetValue(channelId, out var channel);
                if (channel is null || (channel.ClientId is { } owner && owner != alert.ClientId) || !channel.Enabled)
                {
                    // The rule was valid when saved; the channel went away, was disabled, or (never through the API) is another client's.
                    d.State = DeliveryState.Dead;
                    d.LastError = channel is null ? "The channel no longer exists."
                        : channel.Enabled ? "The channel belongs to another client; one client's alerts never reach another's channels."
                        : "The channel is disabled.";
                }
                else if (rule.Throttle is { } throttle)
                {
                    d.GroupKey = GroupKey(throttle.GroupBy, row);
                    var key = (rule.Id, d.GroupKey, channelId);
                    if (!tallies.TryGetValue(key, out var sent))
                    {
                        var since = now - throttle.WindowSeconds * 1000L;
                        sent = await db.NotificationDeliveries.CountAsync(x => x.RuleId == rule.Id && x.GroupKey == d.GroupKey && x.ChannelId == channelId
                            && x.CreatedMs > since && (x.State == DeliveryState.Pending || x.State == DeliveryState.Delivered || x.State == DeliveryState.Dead), ct);
                    }
                    if (sent >= throttle.Max)
                    {
                        d.State = DeliveryState.Throttled;
                        d.LastError = $"Throttled: at most {throttle.Max} per {throttle.WindowSeconds} s for this rule and group.";
                    }
                    else
                    {
                        sent++;
                    }
                    tallies[key] = sent;
                }
                else if (rule.Digest is { } digest)
                {
                    var window = digest.WindowSeconds * 1000L;
                    var start = now - now % window;
                    d.State = DeliveryState.InDigest;
                    d.DigestKey = string.Create(CultureInfo.InvariantCulture, $"{rule.Id:N}|{channelId:N}|{alert.ClientId:N}|{start}");
                    d.NextAttemptMs = start + window;
                }
                db.NotificationDeliveries.Add(d);
            }
            if (rule.Actions.EscalateToTheHive && alert.TheHiveId is null && escalated.Add(alert.Id))
            {
                db.NotificationDeliveries.Add(NewDelivery(alert, rule.Id, null, DeliveryTargets.TheHive, $"thehive|a:{alert.Id}", now));
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return intents.Count;
    }

    /// <summary>Digests whose window has closed: the first delivery carries them all, the others point to it.</summary>
    public async Task<int> CloseDigestsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!await db.NotificationDeliveries.AnyAsync(d => d.State == DeliveryState.InDigest && d.NextAttemptMs <= now, ct))
        {
            return 0;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = await db.NotificationDeliveries.Where(d => d.State == DeliveryState.InDigest && d.NextAttemptMs <= now)
            .OrderBy(d => d.Id).Take(5000).ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        foreach (var group in due.GroupBy(d => d.DigestKey))
        {
            var carrier = group.First();
            carrier.State = DeliveryState.Pending;
            carrier.AlertCount = group.Count();
            carrier.NextAttemptMs = now;
            carrier.UpdatedMs = now;
            foreach (var other in group.Skip(1))
            {
                other.State = DeliveryState.Digested;
                other.DigestId = carrier.Id;
                other.UpdatedMs = now;
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return due.Count;
    }

    /// <summary>
    /// Leases the due deliveries and sends them, several at once: channel deliveries as one batch in a scope of their own
    /// (<see cref="DeliverySender.SendBatchAsync"/>), TheHive escalations each in a scope of its own.
    /// </summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var leaseUntil = now + (long)o.Lease.TotalMilliseconds;
        var ids = await OutboxStore.LeaseDueAsync(db, now, leaseUntil, o.MaxConcurrentSends * 4, ct);
        if (ids.Count == 0)
        {
            return 0;
        }
        List<long> alone;
        using (var scope = scopes.CreateScope())
        {
            alone = await scope.ServiceProvider.GetRequiredService<DeliverySender>().SendBatchAsync(ids, leaseUntil, o.MaxConcurrentSends, ct);
        }
        await Parallel.ForEachAsync(alone, new ParallelOptions { MaxDegreeOfParallelism = o.MaxConcurrentSends, CancellationToken = ct }, async (id, token) =>
        {
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<DeliverySender>().SendAsync(id, leaseUntil, token);
        });
        return ids.Count;
    }

    private static NotificationDelivery NewDelivery(AlertRecord alert, Guid ruleId, Guid? channelId, string target, string dedupe, long now) => new()
    {
        ClientId = alert.ClientId,
        RuleId = ruleId,
        ChannelId = channelId,
        Target = target,
        AlertId = alert.Id,
        DedupeKey = dedupe,
        State = DeliveryState.Pending,
        NextAttemptMs = now,
        CreatedMs = now,
        UpdatedMs = now,
    };

    /// <summary>The rule's group-by values of an alert (empty: one group for the whole rule).</summary>
    internal static string GroupKey(IReadOnlyList<string>? fields, IngestRow row)
    {
        if (fields is not { Count: > 0 })
        {
            return "";
        }
        var key = string.Join('|', fields.Select(f => RuleValidation.FieldReader(f)(row) ?? ""));
        return key.Length <= 512 ? key : key[..512];
    }
}
