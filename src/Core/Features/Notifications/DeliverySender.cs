using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Socme.Core.Data;
using Socme.Core.Data.Alerts;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Alerts;
using Socme.Notify;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// Sends one leased delivery and records what happened: delivered; retry later (exponential backoff with jitter, or the
/// delay the peer asked for) until <see cref="NotificationOptions.MaxAge"/>, then dead; or dead at once on a permanent
/// failure. The message holds only the delivery's client's alerts.
/// </summary>
internal sealed class DeliverySender(SocmeDbContext db, TimeProvider time, IOptions<NotificationOptions> options, ChannelSecrets secrets,
    INotifier notifier, TheHiveEscalator theHive, AlertLinks links, ILogger<DeliverySender> log)
{
    /// <summary>Alerts listed in a digest message; the rest are counted ("and N more").</summary>
    public const int DigestShown = 10;

    public async Task SendAsync(long id, long leaseUntilMs, CancellationToken ct)
    {
        var d = await db.NotificationDeliveries.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is { Target: not DeliveryTargets.TheHive })
        {
            await SendBatchAsync([id], leaseUntilMs, 1, ct);
            return;
        }
        if (d is null || d.State != DeliveryState.Pending || d.LeaseUntilMs != leaseUntilMs)
        {
            return; // taken over by another dispatcher after our lease ran out, or already done
        }
        NotifyResult result;
        try
        {
            result = await theHive.EscalateAsync(db, d, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: give the row back at once rather than at the end of its lease.
            d.LeaseUntilMs = null;
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            log.LogError(e, "Delivery {DeliveryId} failed with an unexpected error", d.Id);
            result = NotifyResult.Retry("Unexpected error: " + e.GetType().Name);
        }
        Record(d, result);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// Sends one pass's leased deliveries to their channels: the rows, channels (secrets decrypted once per channel), alerts
    /// and client names are read once for the pass instead of once per delivery; the messages go out
    /// <paramref name="maxConcurrent"/> at a time without touching the database; every outcome is then recorded in one
    /// <c>SaveChanges</c> (one transaction). Returns the ids of the TheHive escalations among them, which the caller sends
    /// one by one with <see cref="SendAsync"/> (they write to the alert too).
    /// </summary>
    /// <remarks>
    /// Per delivery this used to be a scope, four queries and a write transaction of its own (measured in
    /// docs/performance.md, "notification rules and deliveries"). Recording at the end of the pass changes nothing for a
    /// crash: a core killed before the write leaves the rows leased, and they are sent again when the lease runs out
    /// (at least once, with the same delivery id), as a core killed between a send and its write always did.
    /// </remarks>
    public async Task<List<long>> SendBatchAsync(IReadOnlyList<long> ids, long leaseUntilMs, int maxConcurrent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var rows = await db.NotificationDeliveries.Where(x => ids.Contains(x.Id)).ToListAsync(ct);
        // Taken over by another dispatcher after our lease ran out, or already done: not ours to send.
        var mine = rows.Where(d => d.State == DeliveryState.Pending && d.LeaseUntilMs == leaseUntilMs).OrderBy(d => d.Id).ToList();
        var alone = mine.Where(d => d.Target == DeliveryTargets.TheHive).Select(d => d.Id).ToList();
        var batch = mine.Where(d => d.Target != DeliveryTargets.TheHive).ToList();
        if (batch.Count == 0)
        {
            return alone;
        }
        var channelIds = batch.Where(d => d.ChannelId is not null).Select(d => d.ChannelId!.Value).Distinct().ToList();
        var channels = await db.NotificationChannels.AsNoTracking().Where(c => channelIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var clientIds = batch.Select(d => d.ClientId).Distinct().ToList();
        var clientNames = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var alertIds = new Dictionary<long, List<long>>();
        foreach (var d in batch)
        {
            alertIds[d.Id] = await AlertIdsAsync(d, ct);
        }
        var wanted = alertIds.Values.SelectMany(x => x).Distinct().ToList();
        var alerts = await db.Alerts.AsNoTracking().Where(a => wanted.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);

        // One ChannelConfig per channel (secrets decrypted once); it is immutable, so the concurrent sends share it.
        var configs = new Dictionary<Guid, ChannelConfig>();
        var work = new (ChannelConfig? Config, NotificationMessage? Message, NotifyResult? Result)[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var d = batch[i];
            try
            {
                channels.TryGetValue(d.ChannelId ?? Guid.Empty, out var channel);
                var refused = Refusal(d, channel);
                if (refused is not null)
                {
                    work[i] = (null, null, refused);
                    continue;
                }
                // Only alerts of the delivery's client are ever put in its message.
                var own = alertIds[d.Id].Select(id => alerts.GetValueOrDefault(id)).OfType<AlertRecord>().Where(a => a.ClientId == d.ClientId).ToList();
                var message = Message(d, own, clientNames.GetValueOrDefault(d.ClientId));
                if (message is null)
                {
                    work[i] = (null, null, NotifyResult.Permanent("The alert no longer exists."));
                    continue;
                }
                if (!configs.TryGetValue(channel!.Id, out var config))
                {
                    config = secrets.Config(channel, ChannelService.KindOf(channel));
                    configs[channel.Id] = config;
                }
                work[i] = (config, message.WithDeliveryId(DeliveryKey(d)), null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Delivery {DeliveryId} failed with an unexpected error", d.Id);
                work[i] = (null, null, NotifyResult.Retry("Unexpected error: " + e.GetType().Name));
            }
        }

        var results = new NotifyResult?[batch.Count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), new ParallelOptions { MaxDegreeOfParallelism = maxConcurrent, CancellationToken = ct },
                async (i, token) =>
                {
                    var (config, message, result) = work[i];
                    if (result is not null)
                    {
                        results[i] = result;
                        return;
                    }
                    try
                    {
                        results[i] = await notifier.SendAsync(config!, message!, token);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (Exception e)
                    {
                        log.LogError(e, "Delivery {DeliveryId} failed with an unexpected error", batch[i].Id);
                        results[i] = NotifyResult.Retry("Unexpected error: " + e.GetType().Name);
                    }
                });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: record what was sent, give the rest back at once rather than at the end of their lease.
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i] is { } r)
                {
                    Record(batch[i], r);
                }
                else
                {
                    batch[i].LeaseUntilMs = null;
                }
            }
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        for (var i = 0; i < batch.Count; i++)
        {
            Record(batch[i], results[i]!);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        return alone;
    }

    /// <summary>Why a delivery cannot go to its channel (permanently), or null.</summary>
    private static NotifyResult? Refusal(NotificationDelivery d, NotificationChannel? channel)
    {
        if (channel is null)
        {
            return NotifyResult.Permanent("The channel no longer exists.");
        }
        if (channel.ClientId is { } owner && owner != d.ClientId)
        {
            return NotifyResult.Permanent("The channel belongs to another client; one client's alerts never reach another's channels.");
        }
        return channel.Enabled ? null : NotifyResult.Permanent("The channel is disabled.");
    }

    /// <summary>The delivery's id as receivers see it (<c>X-Socme-Delivery</c>): the same on every retry of this delivery.</summary>
    internal static string DeliveryKey(NotificationDelivery d) => "socme-" + d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The delivery's own alert and, for a digest, the first others it carries.</summary>
    private async Task<List<long>> AlertIdsAsync(NotificationDelivery d, CancellationToken ct)
    {
        var ids = new List<long>();
        if (d.AlertId is { } own)
        {
            ids.Add(own);
        }
        if (d.AlertCount > 1)
        {
            ids.AddRange(await db.NotificationDeliveries.AsNoTracking().Where(x => x.DigestId == d.Id && x.AlertId != null)
                .OrderBy(x => x.Id).Select(x => x.AlertId!.Value).Take(DigestShown - 1).ToListAsync(ct));
        }
        return ids;
    }

    /// <summary>The message of <paramref name="alerts"/> (all of the delivery's client), most severe and newest first; null when none is left.</summary>
    private NotificationMessage? Message(NotificationDelivery d, List<AlertRecord> alerts, string? clientName)
    {
        if (alerts.Count == 0)
        {
            return null;
        }
        var client = new NotifyClient(d.ClientId, clientName ?? "client");
        var views = alerts.OrderByDescending(a => a.Level).ThenByDescending(a => a.TimeMs).Select(View).ToList();
        return d.AlertCount > 1 ? NotificationMessage.Digest(client, views, Math.Max(d.AlertCount, views.Count), DigestShown) : NotificationMessage.ForAlert(client, views[0]);
    }

    private AlertView View(AlertRecord a) => new()
    {
        ClientId = a.ClientId,
        Time = DateTimeOffset.FromUnixTimeMilliseconds(a.TimeMs),
        Level = a.Level,
        Source = a.Source,
        RuleId = a.RuleId,
        RuleDescription = a.RuleDescription,
        Agent = a.AgentName,
        SrcIp = a.SrcIp,
        SrcPort = a.SrcPort,
        DstIp = a.DstIp,
        DstPort = a.DstPort,
        Signature = a.Signature,
        Mitre = AlertMapping.SplitList(a.MitreTechniques),
        Url = links.Alert(a.Id),
    };

    private void Record(NotificationDelivery d, NotifyResult result)
    {
        var o = options.Value;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        d.Attempts++;
        d.LeaseUntilMs = null;
        d.UpdatedMs = now;
        switch (result.Outcome)
        {
            case NotifyOutcome.Delivered:
                d.State = DeliveryState.Delivered;
                d.DeliveredMs = now;
                d.LastError = null;
                break;
            case NotifyOutcome.Retry:
                var delay = result.RetryAfter ?? Backoff(d.Attempts, o);
                var next = now + (long)delay.TotalMilliseconds;
                if (next - d.CreatedMs > o.MaxAge.TotalMilliseconds)
                {
                    d.State = DeliveryState.Dead;
                    d.LastError = Trim($"Gave up after {d.Attempts} attempt(s) over {o.MaxAge.TotalHours:0.#} h: {result.Reason}");
                }
                else
                {
                    d.NextAttemptMs = next;
                    d.LastError = Trim(result.Reason);
                }
                break;
            default:
                d.State = DeliveryState.Dead;
                d.LastError = Trim(result.Reason);
                break;
        }
        log.LogInformation("Delivery {DeliveryId} to {Target} (attempt {Attempt}): {Outcome} {Reason}", d.Id, d.Target, d.Attempts, result.Outcome,
            result.Reason);
    }

    /// <summary>The first backoff doubled per attempt, capped, times a random factor in [0.5, 1.0) (equal jitter).</summary>
    internal static TimeSpan Backoff(int attempts, NotificationOptions o)
    {
        var exp = Math.Min(o.MaxBackoff.TotalMilliseconds, o.FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromMilliseconds(exp * (0.5 + Random.Shared.NextDouble() / 2));
    }

    private static string? Trim(string? s) => s is null ? null : s.Length <= 1000 ? s : s[..1000];
}
