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
        if (d is null || d.State != DeliveryState.Pending || d.LeaseUntilMs != leaseUntilMs)
        {
            return; // taken over by another dispatcher after our lease ran out, or already done
        }
        NotifyResult result;
        try
        {
            result = d.Target == DeliveryTargets.TheHive ? await theHive.EscalateAsync(db, d, ct) : await SendToChannelAsync(d, ct);
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

    private async Task<NotifyResult> SendToChannelAsync(NotificationDelivery d, CancellationToken ct)
    {
        var channel = await db.NotificationChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == d.ChannelId, ct);
        if (channel is null)
        {
            return NotifyResult.Permanent("The channel no longer exists.");
        }
        if (channel.ClientId is { } owner && owner != d.ClientId)
        {
            return NotifyResult.Permanent("The channel belongs to another client; one client's alerts never reach another's channels.");
        }
        if (!channel.Enabled)
        {
            return NotifyResult.Permanent("The channel is disabled.");
        }
        var message = await MessageAsync(d, ct);
        if (message is null)
        {
            return NotifyResult.Permanent("The alert no longer exists.");
        }
        return await notifier.SendAsync(secrets.Config(channel, ChannelService.KindOf(channel)), message.WithDeliveryId(DeliveryKey(d)), ct);
    }

    /// <summary>The delivery's id as receivers see it (<c>X-Socme-Delivery</c>): the same on every retry of this delivery.</summary>
    internal static string DeliveryKey(NotificationDelivery d) => "socme-" + d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The delivery's alert, or its digest's first alerts; only alerts of the delivery's client are ever read.</summary>
    private async Task<NotificationMessage?> MessageAsync(NotificationDelivery d, CancellationToken ct)
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
        var alerts = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id) && a.ClientId == d.ClientId)
            .OrderByDescending(a => a.Level).ThenByDescending(a => a.TimeMs).ToListAsync(ct);
        if (alerts.Count == 0)
        {
            return null;
        }
        var clientName = await db.Clients.AsNoTracking().Where(c => c.Id == d.ClientId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? "client";
        var client = new NotifyClient(d.ClientId, clientName);
        var views = alerts.Select(View).ToList();
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
