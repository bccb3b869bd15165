using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Socme.Core.Data;
using Socme.Core.Data.Alerts;
using Socme.Core.Data.Notifications;
using Socme.Core.Features.Alerts;
using Socme.Integrations.TheHive;
using Socme.Notify;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// A TheHive delivery: the SOCme alert becomes a TheHive alert (<c>sourceRef</c> = the SOCme id, observables from its
/// fields); TheHive's id and link are stored on the alert, which becomes escalated. A duplicate <c>sourceRef</c> is an
/// alert escalated before: its id is kept, nothing is created twice.
/// </summary>
internal sealed class TheHiveEscalator(IHttpClientFactory http, IOptions<TheHiveOptions> options, TimeProvider time, AlertLinks links,
    ILogger<TheHiveClient> clientLog)
{
    public bool Configured => options.Value.BaseUrl is not null && !string.IsNullOrEmpty(options.Value.ApiKey);

    public async Task<NotifyResult> EscalateAsync(SocmeDbContext db, NotificationDelivery d, CancellationToken ct)
    {
        if (!Configured)
        {
            return NotifyResult.Permanent("TheHive is not configured (TheHive:BaseUrl and TheHive:ApiKey).");
        }
        var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == d.AlertId && a.ClientId == d.ClientId, ct);
        if (alert is null)
        {
            return NotifyResult.Permanent("The alert no longer exists.");
        }
        var clientName = await db.Clients.AsNoTracking().Where(c => c.Id == alert.ClientId).Select(c => c.Name).FirstAsync(ct);
        var client = new TheHiveClient(http.CreateClient(TheHiveServiceCollectionExtensions.HttpClientName), options.Value, time, clientLog);
        var result = await client.EscalateAsync(Input(alert, clientName), ct);
        switch (result.Outcome)
        {
            case EscalationOutcome.Created or EscalationOutcome.AlreadyExists:
                d.ExternalId = result.TheHiveId;
                d.ExternalLink = result.Link?.ToString();
                MarkEscalated(db, alert, result);
                return NotifyResult.Delivered;
            case EscalationOutcome.Retry:
                return NotifyResult.Retry(result.Reason ?? "TheHive asked to retry.", result.RetryAfter);
            default:
                return NotifyResult.Permanent(result.Reason ?? "TheHive refused the alert.");
        }
    }

    private void MarkEscalated(SocmeDbContext db, AlertRecord alert, EscalationResult result)
    {
        var now = time.GetUtcNow();
        alert.TheHiveId = result.TheHiveId;
        alert.TheHiveUrl = result.Link?.ToString();
        alert.UpdatedMs = now.ToUnixTimeMilliseconds();
        var history = new AlertHistoryEntry
        {
            AlertId = alert.Id, ClientId = alert.ClientId, Actor = "TheHive", Field = "thehive", NewValue = result.TheHiveId, At = now.UtcDateTime,
        };
        db.AlertHistory.Add(history);
        if (alert.Status is not (AlertStatus.Escalated or AlertStatus.Closed))
        {
            db.AlertHistory.Add(new AlertHistoryEntry
            {
                AlertId = alert.Id, ClientId = alert.ClientId, Actor = "TheHive", Field = "status",
                OldValue = AlertMapping.StatusName(alert.Status), NewValue = AlertMapping.StatusName(AlertStatus.Escalated), At = now.UtcDateTime,
            });
            alert.AcknowledgedMs ??= now.ToUnixTimeMilliseconds();
            alert.Status = AlertStatus.Escalated;
        }
    }

    private EscalationInput Input(AlertRecord a, string clientName)
    {
        var title = a.RuleDescription ?? a.Signature ?? ("Alert " + a.Id);
        return new EscalationInput
        {
            AlertId = a.Id,
            ClientName = clientName,
            Title = $"[{clientName}] {title}",
            Description = $"**{title}**\n\n- Client: {clientName}\n- Level: {a.Level} ({AlertMapping.BandName(a.Band)})\n- Source: {AlertMapping.SourceName(a.Source)}\n" +
                $"- Rule: {a.RuleId}\n- Agent: {a.AgentName} {a.AgentIp}\n- From {a.SrcIp}:{a.SrcPort} to {a.DstIp}:{a.DstPort}\n" +
                (links.Alert(a.Id) is { } link ? $"- SOCme: {link}\n" : ""),
            Time = DateTimeOffset.FromUnixTimeMilliseconds(a.TimeMs),
            Level = a.Level,
            Band = a.Band,
            Source = a.Source,
            RuleId = a.RuleId,
            AgentName = a.AgentName,
            AgentIp = a.AgentIp,
            SrcIp = a.SrcIp,
            DstIp = a.DstIp,
            MitreTechniques = AlertMapping.SplitList(a.MitreTechniques),
            Tags = AlertMapping.SplitList(a.Tags),
            SocmeLink = links.Alert(a.Id),
            RawJson = a.Raw,
        };
    }
}
