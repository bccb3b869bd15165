using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Alerts;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Alerts;

/// <summary>The alert list's filters and keyset pagination (newest first by alert time, then id).</summary>
public static class AlertQueries
{
    /// <summary>Applies <paramref name="f"/> to a query already filtered by tenant.</summary>
    public static IQueryable<AlertRecord> Filter(this IQueryable<AlertRecord> q, AlertFilter f, SocmeDbContext db, TenantScope scope)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scope);
        if (f.ClientId is { } clientId)
        {
            // Another tenant's client id filters to nothing rather than revealing it exists.
            if (!scope.CanSee(clientId))
            {
                return q.Where(_ => false);
            }
            q = q.Where(a => a.ClientId == clientId);
        }
        if (f.NodeId is { } nodeId)
        {
            q = q.Where(a => a.NodeId == nodeId);
        }
        if (!string.IsNullOrEmpty(f.Source))
        {
            var source = AlertMapping.ParseSource(f.Source);
            q = q.Where(a => a.Source == source);
        }
        if (!string.IsNullOrEmpty(f.Band))
        {
            var band = AlertMapping.ParseBand(f.Band);
            q = q.Where(a => a.Band == band);
        }
        if (f.MinLevel is { } min)
        {
            if (min is < 0 or > 15)
            {
                throw ApiException.Validation("minLevel", "minLevel must be 0 to 15.");
            }
            q = q.Where(a => a.Level >= min);
        }
        if (!string.IsNullOrEmpty(f.Status))
        {
            var statuses = f.Status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(AlertMapping.ParseStatus).Distinct().ToList();
            q = statuses.Count == 1 ? q.Where(a => a.Status == statuses[0]) : q.Where(a => statuses.Contains(a.Status));
        }
        if (!string.IsNullOrEmpty(f.RuleId))
        {
            q = q.Where(a => a.RuleId == f.RuleId);
        }
        if (f.From is { } from)
        {
            var ms = from.ToUnixTimeMilliseconds();
            q = q.Where(a => a.TimeMs >= ms);
        }
        if (f.To is { } to)
        {
            var ms = to.ToUnixTimeMilliseconds();
            q = q.Where(a => a.TimeMs < ms);
        }
        if (!string.IsNullOrEmpty(f.Verdict))
        {
            q = q.WithVerdict(f.Verdict);
        }
        if (!string.IsNullOrEmpty(f.Assignee))
        {
            q = q.WithAssignee(f.Assignee, scope);
        }
        if (!string.IsNullOrEmpty(f.Group))
        {
            q = q.InGroup(AlertGroupKey.Decode(f.Group));
        }
        if (!string.IsNullOrWhiteSpace(f.Q))
        {
            var text = f.Q.Trim();
            if (text.Length > 200)
            {
                throw ApiException.Validation("q", "q is at most 200 characters.");
            }
            var pattern = "%" + EscapeLike(text) + "%";
            if (db.Database.IsNpgsql())
            {
                q = q.Where(a => EF.Functions.ILike(a.RuleDescription ?? "", pattern, "\\")
                    || EF.Functions.ILike(a.Signature ?? "", pattern, "\\")
                    || EF.Functions.ILike(a.AgentName ?? "", pattern, "\\")
                    || a.SrcIp == text || a.DstIp == text || a.AgentIp == text || a.RuleId == text);
            }
            else
            {
                // SQLite's LIKE is case-insensitive for ASCII.
                q = q.Where(a => EF.Functions.Like(a.RuleDescription ?? "", pattern, "\\")
                    || EF.Functions.Like(a.Signature ?? "", pattern, "\\")
                    || EF.Functions.Like(a.AgentName ?? "", pattern, "\\")
                    || a.SrcIp == text || a.DstIp == text || a.AgentIp == text || a.RuleId == text);
            }
        }
        return q;
    }

    /// <summary>Every column but the raw JSON (left empty): what a list shows.</summary>
    public static IQueryable<AlertRecord> WithoutRaw(this IQueryable<AlertRecord> q) =>
        q.Select(a => new AlertRecord
        {
            Id = a.Id, ClientId = a.ClientId, NodeId = a.NodeId, Source = a.Source, Key = a.Key, TimeMs = a.TimeMs,
            ReceivedMs = a.ReceivedMs, Level = a.Level, Band = a.Band, RuleId = a.RuleId, RuleDescription = a.RuleDescription,
            RuleGroups = a.RuleGroups, MitreTactics = a.MitreTactics, MitreTechniques = a.MitreTechniques,
            AgentName = a.AgentName, AgentIp = a.AgentIp, SrcIp = a.SrcIp, SrcPort = a.SrcPort, DstIp = a.DstIp,
            DstPort = a.DstPort, Protocol = a.Protocol, Signature = a.Signature, Category = a.Category, Raw = "",
            Status = a.Status, Verdict = a.Verdict, VerdictReason = a.VerdictReason, AssigneeId = a.AssigneeId,
            Tags = a.Tags, UpdatedMs = a.UpdatedMs, TheHiveId = a.TheHiveId, TheHiveUrl = a.TheHiveUrl,
        });

    private static IQueryable<AlertRecord> WithVerdict(this IQueryable<AlertRecord> q, string verdict)
    {
        var names = verdict.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var none = names.Any(n => n.Equals("none", StringComparison.OrdinalIgnoreCase));
        var verdicts = names.Where(n => !n.Equals("none", StringComparison.OrdinalIgnoreCase))
            .Select(n => (AlertVerdict?)AlertMapping.ParseVerdict(n)).Distinct().ToList();
        return (none, verdicts.Count) switch
        {
            (true, 0) => q.Where(a => a.Verdict == null),
            (true, _) => q.Where(a => a.Verdict == null || verdicts.Contains(a.Verdict)),
            (false, 1) => q.Where(a => a.Verdict == verdicts[0]),
            _ => q.Where(a => verdicts.Contains(a.Verdict)),
        };
    }

    private static IQueryable<AlertRecord> WithAssignee(this IQueryable<AlertRecord> q, string assignee, TenantScope scope)
    {
        var value = assignee.Trim();
        if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return q.Where(a => a.AssigneeId == null);
        }
        Guid? id = value.Equals("me", StringComparison.OrdinalIgnoreCase) ? scope.UserId
            : Guid.TryParse(value, out var g) ? g
            : throw ApiException.Validation("assignee", "assignee must be a user id, me or none.");
        return id is { } user ? q.Where(a => a.AssigneeId == user) : q.Where(_ => false);
    }

    private static string EscapeLike(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Newest first; after <paramref name="cursor"/> when given.</summary>
    public static IQueryable<AlertRecord> Page(this IQueryable<AlertRecord> q, string? cursor)
    {
        if (cursor is not null)
        {
            var (t, id) = DecodeCursor(cursor);
            // The redundant TimeMs <= t lets PostgreSQL use the (client, time) indexes as a range; without it the
            // OR makes it scan (measured: p99 173 ms → 8 ms at 1M alerts, docs/performance.md).
            q = q.Where(a => a.TimeMs <= t && (a.TimeMs < t || (a.TimeMs == t && a.Id < id)));
        }
        return q.OrderByDescending(a => a.TimeMs).ThenByDescending(a => a.Id);
    }

    public static string EncodeCursor(long timeMs, long id) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{timeMs}:{id}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (long TimeMs, long Id) DecodeCursor(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(b64)).Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var t)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return (t, id);
            }
        }
        catch (FormatException)
        {
            // fall through to the error below
        }
        throw ApiException.BadRequest("invalid_cursor", "The cursor is not valid; use the nextCursor of a previous page.");
    }
}
