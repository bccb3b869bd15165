using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Alerts;
using Socme.Core.Data.Identity;
using Socme.Core.Features.Audit;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Alerts;

/// <summary>Reading and triaging alerts. Every query is filtered by the caller's tenant scope.</summary>
public sealed class AlertService(SocmeDbContext db, TenantScope scope, AuditLog audit, TimeProvider time)
{
    public const int MaxPageSize = 500;
    public const int MaxBulk = 10_000;

    public async Task<AlertPage> ListAsync(AlertFilter filter, int? limit, string? cursor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var take = Math.Clamp(limit ?? 50, 1, MaxPageSize);
        var rows = await db.Alerts.AsNoTracking().VisibleTo(scope).Filter(GroupRange(filter), db, scope).Page(cursor)
            .Take(take + 1)
            .WithoutRaw()
            .ToListAsync(ct);
        var items = rows.Take(take).Select(AlertMapping.ToDto).ToList();
        var next = rows.Count > take ? AlertQueries.EncodeCursor(rows[take - 1].TimeMs, rows[take - 1].Id) : null;
        return new AlertPage(items, next);
    }

    /// <summary>
    /// The grouped inbox: alerts of the filter grouped by source, rule, source IP and destination IP, newest last-seen
    /// first, over the filter's range (default the last 24 hours, at most 31 days; <see cref="AlertGroups"/>).
    /// </summary>
    public Task<AlertGroupPage> ListGroupsAsync(AlertFilter filter, int? limit, string? cursor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return AlertGroups.PageAsync(db, scope, AlertGroups.WithGroupRange(filter, time.GetUtcNow()), limit, cursor, ct);
    }

    /// <summary>A filter naming a group gets the grouped view's range, so that it selects what the grouped inbox showed.</summary>
    private AlertFilter GroupRange(AlertFilter filter) =>
        string.IsNullOrEmpty(filter.Group) ? filter : AlertGroups.WithGroupRange(filter, time.GetUtcNow());

    public async Task<AlertDetailDto> GetAsync(long id, CancellationToken ct)
    {
        var a = await FindAsync(id, tracked: false, ct);
        var comments = await db.AlertComments.AsNoTracking().Where(c => c.AlertId == id).OrderBy(c => c.Id)
            .Select(c => new AlertCommentDto(c.Id, c.Author, c.Body, c.CreatedAt)).ToListAsync(ct);
        var history = await db.AlertHistory.AsNoTracking().Where(h => h.AlertId == id).OrderBy(h => h.Id)
            .Select(h => new AlertHistoryDto(h.Actor, h.Field, h.OldValue, h.NewValue, h.At)).ToListAsync(ct);
        using var raw = JsonDocument.Parse(a.Raw);
        return new AlertDetailDto(AlertMapping.ToDto(a), raw.RootElement.Clone(), comments, history);
    }

    public async Task<AlertDto> UpdateAsync(long id, AlertUpdateRequest update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        var assigneeSees = await EnsureAllowedAsync(update, ct);
        var alert = await FindAsync(id, tracked: true, ct);
        EnsureAssigneeSees(assigneeSees, alert);
        var changes = Apply(alert, update);
        if (changes.Count > 0)
        {
            audit.Add("alert.update", alert.ClientId, alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                changes.ToDictionary(c => c.Field, c => c.NewValue));
        }
        await db.SaveChangesAsync(ct);
        return AlertMapping.ToDto(alert);
    }

    public async Task<AlertCommentDto> AddCommentAsync(long id, CreateCommentRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = request.Body?.Trim();
        if (string.IsNullOrEmpty(body) || body.Length > 10_000)
        {
            throw ApiException.Validation("body", "A comment of 1 to 10,000 characters is required.");
        }
        var alert = await FindAsync(id, tracked: true, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var comment = new AlertComment { AlertId = id, ClientId = alert.ClientId, AuthorId = scope.UserId, Author = scope.Actor, Body = body, CreatedAt = now };
        db.AlertComments.Add(comment);
        db.AlertHistory.Add(new AlertHistoryEntry { AlertId = id, ClientId = alert.ClientId, ActorId = scope.UserId, Actor = scope.Actor, Field = "comment", NewValue = Truncate(body, 200), At = now });
        alert.UpdatedMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        audit.Add("alert.comment", alert.ClientId, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await db.SaveChangesAsync(ct);
        return new AlertCommentDto(comment.Id, comment.Author, comment.Body, comment.CreatedAt);
    }

    /// <summary>
    /// Applies one update to the alerts selected by ids, by a filter, or by a group key and a filter (the whole group),
    /// within the caller's scope; at most <see cref="MaxBulk"/> alerts, audited per client.
    /// </summary>
    public async Task<BulkAlertUpdateResult> BulkUpdateAsync(BulkAlertUpdateRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Update is null)
        {
            throw ApiException.Validation("update", "update is required.");
        }
        if (request.Group is not null)
        {
            if (request.Ids is not null)
            {
                throw ApiException.Validation("group", "Give a group with filter (or alone), not with ids.");
            }
            if (request.Filter?.Group is { } other && other != request.Group)
            {
                throw ApiException.Validation("group", "group and filter.group differ.");
            }
            request = request with { Filter = (request.Filter ?? new AlertFilter()) with { Group = request.Group } };
        }
        if ((request.Ids is null) == (request.Filter is null))
        {
            throw ApiException.Validation("ids", "Give either ids or filter, not both.");
        }
        var assigneeSees = await EnsureAllowedAsync(request.Update, ct);
        var q = db.Alerts.VisibleTo(scope);
        var filter = request.Filter is null ? null : GroupRange(request.Filter);
        if (request.Ids is { } ids)
        {
            if (ids.Count > MaxBulk)
            {
                throw ApiException.Validation("ids", $"At most {MaxBulk} ids per request.");
            }
            var set = ids.Distinct().ToList();
            q = q.Where(a => set.Contains(a.Id));
        }
        else
        {
            q = q.Filter(filter!, db, scope);
        }
        var matched = await q.CountAsync(ct);
        if (matched > MaxBulk)
        {
            throw new ApiException(422, "bulk_too_large", $"The selection has {matched} alerts; at most {MaxBulk} can be updated at once. Narrow the filter.");
        }
        var alerts = await q.ToListAsync(ct);
        foreach (var alert in alerts)
        {
            EnsureAssigneeSees(assigneeSees, alert);
        }
        var updated = 0;
        foreach (var alert in alerts)
        {
            if (Apply(alert, request.Update).Count > 0)
            {
                updated++;
            }
        }
        foreach (var clientId in alerts.Select(a => a.ClientId).Distinct())
        {
            var idsOfClient = alerts.Where(a => a.ClientId == clientId).Select(a => a.Id).ToList();
            audit.Add("alert.bulk_update", clientId, null, new { count = idsOfClient.Count, ids = idsOfClient.Take(1000), update = request.Update, filter });
        }
        await db.SaveChangesAsync(ct);
        return new BulkAlertUpdateResult(matched, updated);
    }

    /// <summary>
    /// Client-portal users may only acknowledge (and comment); an assignee must be active staff. Returns, when an
    /// assignee is set, which clients the assignee may see (null: all), so that no alert is assigned to someone
    /// who could not open it.
    /// </summary>
    private async Task<HashSet<Guid>?> EnsureAllowedAsync(AlertUpdateRequest u, CancellationToken ct)
    {
        if (scope.Role == UserRole.Client)
        {
            var onlyAck = u.Status is not null && AlertMapping.ParseStatus(u.Status) == AlertStatus.Acknowledged
                && u.Verdict is null && u.VerdictReason is null && u.ClearVerdict is null && u.AssigneeId is null
                && u.ClearAssignee is null && u.Tags is null && u.AddTags is null && u.RemoveTags is null;
            if (!onlyAck)
            {
                throw ApiException.Forbidden("forbidden_for_role", "Client users may acknowledge and comment on alerts, nothing else.");
            }
        }
        if (u.AssigneeId is not { } assignee)
        {
            return null;
        }
        var user = await db.Users.AsNoTracking().Include(x => x.ClientScopes)
            .FirstOrDefaultAsync(x => x.Id == assignee && !x.Disabled && (x.Role == UserRole.Admin || x.Role == UserRole.Analyst), ct)
            ?? throw ApiException.Validation("assigneeId", "The assignee must be an active admin or analyst.");
        return user.Role == UserRole.Admin || user.AllClients ? null : user.ClientScopes.Select(c => c.ClientId).ToHashSet();
    }

    private static void EnsureAssigneeSees(HashSet<Guid>? assigneeClients, AlertRecord alert)
    {
        if (assigneeClients is not null && !assigneeClients.Contains(alert.ClientId))
        {
            throw ApiException.Validation("assigneeId", "The assignee cannot see this alert's client.");
        }
    }

    private List<(string Field, string? NewValue)> Apply(AlertRecord alert, AlertUpdateRequest u)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var changes = new List<(string Field, string? OldValue, string? NewValue)>();
        if (u.Status is not null)
        {
            var status = AlertMapping.ParseStatus(u.Status);
            if (status != alert.Status)
            {
                changes.Add(("status", AlertMapping.StatusName(alert.Status), AlertMapping.StatusName(status)));
                alert.Status = status;
                if (status != AlertStatus.New && alert.AcknowledgedMs is null)
                {
                    alert.AcknowledgedMs = nowMs;
                }
                alert.ClosedMs = status == AlertStatus.Closed ? nowMs : null;
            }
        }
        if (u.ClearVerdict == true && alert.Verdict is not null)
        {
            changes.Add(("verdict", AlertMapping.VerdictName(alert.Verdict.Value), null));
            alert.Verdict = null;
            alert.VerdictReason = null;
        }
        if (u.Verdict is not null)
        {
            var verdict = AlertMapping.ParseVerdict(u.Verdict);
            if (verdict != alert.Verdict)
            {
                changes.Add(("verdict", alert.Verdict is { } v ? AlertMapping.VerdictName(v) : null, AlertMapping.VerdictName(verdict)));
                alert.Verdict = verdict;
            }
        }
        if (u.VerdictReason is not null)
        {
            if (u.VerdictReason.Length > 2000)
            {
                throw ApiException.Validation("verdictReason", "At most 2000 characters.");
            }
            var reason = string.IsNullOrWhiteSpace(u.VerdictReason) ? null : u.VerdictReason.Trim();
            if (reason != alert.VerdictReason)
            {
                changes.Add(("verdict_reason", alert.VerdictReason, reason));
                alert.VerdictReason = reason;
            }
        }
        if (u.ClearAssignee == true && alert.AssigneeId is not null)
        {
            changes.Add(("assignee", alert.AssigneeId.ToString(), null));
            alert.AssigneeId = null;
        }
        if (u.AssigneeId is { } assignee && assignee != alert.AssigneeId)
        {
            changes.Add(("assignee", alert.AssigneeId?.ToString(), assignee.ToString()));
            alert.AssigneeId = assignee;
        }
        if (u.Tags is not null || u.AddTags is not null || u.RemoveTags is not null)
        {
            var tags = u.Tags is not null ? [] : AlertMapping.SplitList(alert.Tags).ToList();
            foreach (var t in (u.Tags ?? []).Concat(u.AddTags ?? []))
            {
                var tag = ValidTag(t);
                if (!tags.Contains(tag, StringComparer.Ordinal))
                {
                    tags.Add(tag);
                }
            }
            foreach (var t in u.RemoveTags ?? [])
            {
                tags.Remove(t.Trim().ToLowerInvariant());
            }
            if (tags.Count > 32)
            {
                throw ApiException.Validation("tags", "At most 32 tags per alert.");
            }
            var joined = AlertMapping.JoinList(tags);
            if (joined != alert.Tags)
            {
                changes.Add(("tags", string.Join(' ', AlertMapping.SplitList(alert.Tags)), string.Join(' ', tags)));
                alert.Tags = joined;
            }
        }
        if (changes.Count > 0)
        {
            alert.UpdatedMs = nowMs;
            foreach (var (field, oldValue, newValue) in changes)
            {
                db.AlertHistory.Add(new AlertHistoryEntry
                {
                    AlertId = alert.Id, ClientId = alert.ClientId, ActorId = scope.UserId, Actor = scope.Actor,
                    Field = field, OldValue = oldValue, NewValue = newValue, At = now.UtcDateTime,
                });
            }
        }
        return changes.Select(c => (c.Field, c.NewValue)).ToList();
    }

    private static string ValidTag(string t)
    {
        var tag = t?.Trim().ToLowerInvariant() ?? "";
        if (tag.Length is 0 or > 64 || tag.Any(c => c == ',' || char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw ApiException.Validation("tags", "A tag is 1 to 64 characters without spaces or commas.");
        }
        return tag;
    }

    private async Task<AlertRecord> FindAsync(long id, bool tracked, CancellationToken ct)
    {
        var q = db.Alerts.VisibleTo(scope);
        if (!tracked)
        {
            q = q.AsNoTracking();
        }
        return ApiException.OrNotFound(await q.FirstOrDefaultAsync(a => a.Id == id, ct), "Alert");
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
