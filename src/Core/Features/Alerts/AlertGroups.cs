using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Alerts;
using Socme.Core.Features.Auth;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Alerts;

/// <summary>What makes alerts one group in the grouped inbox: source, rule (or signature) id, source and destination IP.</summary>
public sealed record AlertGroupKey(AlertSource Source, string? RuleId, string? SrcIp, string? DstIp)
{
    private const int MaxEncodedLength = 1024;

    /// <summary>The opaque wire form (base64url of a JSON array), as <see cref="AlertGroupDto.Key"/> and <see cref="AlertFilter.Group"/>.</summary>
    public string Encode() =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { AlertMapping.SourceName(Source), RuleId, SrcIp, DstIp }))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reads <see cref="Encode"/>'s form; anything else is a 422 on <c>group</c>.</summary>
    public static AlertGroupKey Decode(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length <= MaxEncodedLength)
        {
            try
            {
                var b64 = key.Replace('-', '+').Replace('_', '/');
                b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
                var parts = JsonSerializer.Deserialize<string?[]>(Convert.FromBase64String(b64));
                if (parts is { Length: 4 } && parts[0] is { } source && source is "wazuh" or "suricata" or "system")
                {
                    return new AlertGroupKey(AlertMapping.ParseSource(source), parts[1], parts[2], parts[3]);
                }
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                // fall through to the error below
            }
        }
        throw ApiException.Validation("group", "group is not a group key; use the key of a group from GET /alerts/groups.");
    }
}

/// <summary>The grouped inbox: alerts grouped by <see cref="AlertGroupKey"/> within a bounded time range.</summary>
/// <remarks>
/// Grouping reads every alert of the range, so the range is bounded: <see cref="DefaultRange"/> when the filter gives no
/// <c>from</c>, at most <see cref="MaxRange"/>. The <c>(time_ms, …)</c> and <c>(client_id, time_ms, …)</c> indexes carry
/// the key, level and status columns, so the grouping reads only the index (docs/performance.md, "inbox").
/// </remarks>
public static class AlertGroups
{
    public const int MaxPageSize = 200;
    public static readonly TimeSpan DefaultRange = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    /// <summary>Only the alerts of <paramref name="key"/> (a null part matches a null column).</summary>
    public static IQueryable<AlertRecord> InGroup(this IQueryable<AlertRecord> q, AlertGroupKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var source = key.Source;
        q = q.Where(a => a.Source == source);
        q = key.RuleId is { } rule ? q.Where(a => a.RuleId == rule) : q.Where(a => a.RuleId == null);
        q = key.SrcIp is { } src ? q.Where(a => a.SrcIp == src) : q.Where(a => a.SrcIp == null);
        return key.DstIp is { } dst ? q.Where(a => a.DstIp == dst) : q.Where(a => a.DstIp == null);
    }

    /// <summary>
    /// The filter with the grouped view's range: <c>from</c> defaults to <see cref="DefaultRange"/> before
    /// <paramref name="now"/>; a range over <see cref="MaxRange"/> is a 422.
    /// </summary>
    public static AlertFilter WithGroupRange(AlertFilter filter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var from = filter.From ?? now - DefaultRange;
        if ((filter.To ?? now) - from > MaxRange)
        {
            throw ApiException.Validation("from", $"Groups cover at most {MaxRange.TotalDays:0} days; narrow from/to.");
        }
        return filter with { From = from };
    }

    /// <summary>One page of groups of the (already range-bounded) filtered query, with each group's newest description.</summary>
    public static async Task<AlertGroupPage> PageAsync(SocmeDbContext db, TenantScope scope, AlertFilter filter, int? limit, string? cursor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var take = Math.Clamp(limit ?? 50, 1, MaxPageSize);
        var offset = cursor is null ? 0 : DecodeCursor(cursor);
        var rows = await db.Alerts.AsNoTracking().VisibleTo(scope).Filter(filter, db, scope)
            .GroupBy(a => new { a.Source, a.RuleId, a.SrcIp, a.DstIp })
            .Select(g => new
            {
                g.Key.Source,
                g.Key.RuleId,
                g.Key.SrcIp,
                g.Key.DstIp,
                Count = g.LongCount(),
                Open = g.LongCount(a => a.Status != AlertStatus.Closed),
                MaxLevel = g.Max(a => a.Level),
                FirstMs = g.Min(a => a.TimeMs),
                LastMs = g.Max(a => a.TimeMs),
                MaxId = g.Max(a => a.Id),
            })
            .OrderByDescending(x => x.LastMs).ThenByDescending(x => x.MaxId)
            .Skip(offset).Take(take + 1)
            .ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var descriptions = await DescriptionsAsync(db, scope, page.Select(r => r.MaxId).ToList(), ct);
        var items = page.Select(r => new AlertGroupDto(
            new AlertGroupKey(r.Source, r.RuleId, r.SrcIp, r.DstIp).Encode(), AlertMapping.SourceName(r.Source), r.RuleId, r.SrcIp, r.DstIp,
            descriptions.GetValueOrDefault(r.MaxId), r.Count, r.Open, r.MaxLevel, AlertMapping.BandName(Severity.BandOf(r.MaxLevel)),
            DateTimeOffset.FromUnixTimeMilliseconds(r.FirstMs), DateTimeOffset.FromUnixTimeMilliseconds(r.LastMs), r.MaxId)).ToList();
        var next = rows.Count > take ? EncodeCursor(offset + take) : null;
        return new AlertGroupPage(items, next, filter.From!.Value, filter.To);
    }

    /// <summary>The rule description (Wazuh) or signature (Suricata) of each alert, by primary key.</summary>
    public static async Task<Dictionary<long, string?>> DescriptionsAsync(SocmeDbContext db, TenantScope scope, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ids.Count == 0)
        {
            return [];
        }
        var list = ids.ToList();
        var rows = await db.Alerts.AsNoTracking().VisibleTo(scope).Where(a => list.Contains(a.Id))
            .Select(a => new { a.Id, Text = a.RuleDescription ?? a.Signature }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => r.Text);
    }

    private static string EncodeCursor(int offset) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"g:{offset}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static int DecodeCursor(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(b64));
            if (text.StartsWith("g:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
            // fall through to the error below
        }
        throw ApiException.BadRequest("invalid_cursor", "The cursor is not valid; use the nextCursor of a previous page.");
    }
}
