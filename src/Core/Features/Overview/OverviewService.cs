using Microsoft.EntityFrameworkCore;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Data.Alerts;
using Socme.Core.Features.Alerts;
using Socme.Core.Features.Auth;
using Socme.Core.Features.Nodes;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Overview;

/// <summary>
/// The overview of the console's home page and the screen: alerts over time by band, per-client tiles, top rules, the
/// MITRE ATT&amp;CK matrix and the newest high and critical alerts, all of one time range and within the caller's scope.
/// </summary>
/// <remarks>
/// Every part reads only the alerts of the range (24 hours or 7 days, ending at the end of the current bucket), so the
/// cost does not grow with the table: the timeline, tiles and top rules are index-only aggregates (the time indexes
/// carry level, status and rule id); "open" alerts in the tiles are those of the range that are not closed.
/// </remarks>
public sealed class OverviewService(SocmeDbContext db, TenantScope scope, NodeService nodes, TimeProvider time)
{
    private static readonly Dictionary<string, TimeSpan> Ranges = new(StringComparer.OrdinalIgnoreCase)
    {
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
    };

    private static readonly Dictionary<string, TimeSpan> Buckets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["3h"] = TimeSpan.FromHours(3),
        ["1d"] = TimeSpan.FromDays(1),
    };

    public async Task<OverviewDto> GetAsync(OverviewQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rangeName = (query.Range ?? "24h").ToLowerInvariant();
        if (!Ranges.TryGetValue(rangeName, out var range))
        {
            throw ApiException.Validation("range", "range must be 24h or 7d.");
        }
        var bucketName = (query.Bucket ?? (range > TimeSpan.FromDays(1) ? "3h" : "1h")).ToLowerInvariant();
        if (!Buckets.TryGetValue(bucketName, out var bucket) || bucket > range)
        {
            throw ApiException.Validation("bucket", "bucket must be 1h, 3h or 1d, and no longer than the range.");
        }
        var top = query.Top ?? 10;
        if (top is < 1 or > 50)
        {
            throw ApiException.Validation("top", "top must be 1 to 50.");
        }
        var newest = query.Newest ?? 10;
        if (newest is < 0 or > 100)
        {
            throw ApiException.Validation("newest", "newest must be 0 to 100.");
        }
        if (query.ClientId is { } only)
        {
            scope.EnsureCanSee(only, "Client");
            if (!await db.Clients.AnyAsync(c => c.Id == only, ct))
            {
                throw ApiException.NotFound("Client");
            }
        }

        // Buckets are aligned on UTC multiples of their width; the range ends with the bucket holding "now".
        var bucketMs = (long)bucket.TotalMilliseconds;
        var endMs = (time.GetUtcNow().ToUnixTimeMilliseconds() / bucketMs + 1) * bucketMs;
        var fromMs = endMs - (long)range.TotalMilliseconds;
        var alerts = db.Alerts.AsNoTracking().VisibleTo(scope).Where(a => a.TimeMs >= fromMs && a.TimeMs < endMs);
        if (query.ClientId is { } clientId)
        {
            alerts = alerts.Where(a => a.ClientId == clientId);
        }

        var timeline = await TimelineAsync(alerts, fromMs, endMs, bucketMs, ct);
        var totals = Sum(timeline.Select(b => b.Counts));
        return new OverviewDto(
            DateTimeOffset.FromUnixTimeMilliseconds(fromMs), DateTimeOffset.FromUnixTimeMilliseconds(endMs), rangeName, bucketName,
            timeline, totals,
            await TilesAsync(alerts, query.ClientId, ct),
            await TopRulesAsync(alerts, top, ct),
            await MitreAsync(alerts, ct),
            newest == 0 ? [] : (await alerts.Where(a => a.Band >= SeverityBand.High).OrderByDescending(a => a.TimeMs).ThenByDescending(a => a.Id)
                .Take(newest).WithoutRaw().ToListAsync(ct)).Select(AlertMapping.ToDto).ToList());
    }

    private static async Task<List<OverviewBucketDto>> TimelineAsync(IQueryable<AlertRecord> alerts, long fromMs, long endMs, long bucketMs, CancellationToken ct)
    {
        // By level rather than band: the level is in the time indexes, the band is not (the band follows from the level).
        var rows = await alerts.GroupBy(a => new { Bucket = (a.TimeMs - fromMs) / bucketMs, a.Level })
            .Select(g => new { g.Key.Bucket, g.Key.Level, Count = g.LongCount() })
            .ToListAsync(ct);
        var counts = new long[(int)((endMs - fromMs) / bucketMs), 4];
        foreach (var r in rows)
        {
            counts[r.Bucket, (int)Severity.BandOf(r.Level)] += r.Count;
        }
        return Enumerable.Range(0, counts.GetLength(0))
            .Select(i => new OverviewBucketDto(DateTimeOffset.FromUnixTimeMilliseconds(fromMs + i * bucketMs),
                new BandCounts(counts[i, 0], counts[i, 1], counts[i, 2], counts[i, 3])))
            .ToList();
    }

    private async Task<List<ClientTileDto>> TilesAsync(IQueryable<AlertRecord> alerts, Guid? clientId, CancellationToken ct)
    {
        var open = await alerts.Where(a => a.Status != AlertStatus.Closed)
            .GroupBy(a => new { a.ClientId, a.Level })
            .Select(g => new { g.Key.ClientId, g.Key.Level, Count = g.LongCount() })
            .ToListAsync(ct);
        var clients = db.Clients.AsNoTracking();
        var fleet = db.Nodes.AsNoTracking().VisibleTo(scope);
        if (clientId is { } only)
        {
            clients = clients.Where(c => c.Id == only);
            fleet = fleet.Where(n => n.ClientId == only);
        }
        else if (!scope.AllClients)
        {
            var ids = scope.ClientIds.ToList();
            clients = clients.Where(c => ids.Contains(c.Id));
        }
        var statuses = (await fleet.ToListAsync(ct)).Select(n => (n.ClientId, Status: nodes.StatusOf(n))).ToList();
        return (await clients.OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(ct))
            .Select(c =>
            {
                var mine = statuses.Where(s => s.ClientId == c.Id).Select(s => s.Status).ToList();
                return new ClientTileDto(c.Id, c.Name,
                    Bands(open.Where(o => o.ClientId == c.Id).Select(o => (o.Level, o.Count))),
                    new NodeStatusCounts(mine.Count(s => s == NodeStatus.Online), mine.Count(s => s == NodeStatus.Stale),
                        mine.Count(s => s == NodeStatus.Offline), mine.Count(s => s == NodeStatus.NeverSeen), mine.Count(s => s == NodeStatus.Pending)));
            })
            .ToList();
    }

    private async Task<List<TopRuleDto>> TopRulesAsync(IQueryable<AlertRecord> alerts, int top, CancellationToken ct)
    {
        var rows = await alerts.GroupBy(a => new { a.Source, a.RuleId })
            .Select(g => new { g.Key.Source, g.Key.RuleId, Count = g.LongCount(), MaxLevel = g.Max(a => a.Level), MaxId = g.Max(a => a.Id) })
            .OrderByDescending(r => r.Count).ThenBy(r => r.RuleId)
            .Take(top)
            .ToListAsync(ct);
        var descriptions = await AlertGroups.DescriptionsAsync(db, scope, rows.Select(r => r.MaxId).ToList(), ct);
        return rows.Select(r => new TopRuleDto(AlertMapping.SourceName(r.Source), r.RuleId, descriptions.GetValueOrDefault(r.MaxId), r.Count,
            r.MaxLevel, AlertMapping.BandName(Severity.BandOf(r.MaxLevel)))).ToList();
    }

    /// <summary>
    /// Tactic × technique counts. MITRE ids are stored as <c>,a,b,</c> lists; an alert counts once for each of its
    /// tactics and once in each (tactic, technique) pair of its lists (ATT&amp;CK techniques may belong to several
    /// tactics, and alerts do not say which technique goes with which tactic). Alerts without a tactic are left out.
    /// </summary>
    private static async Task<List<MitreTacticDto>> MitreAsync(IQueryable<AlertRecord> alerts, CancellationToken ct)
    {
        // Few distinct (tactics, techniques) combinations: group in SQL on the stored lists, split here.
        var combos = await alerts.Where(a => a.MitreTactics != null)
            .GroupBy(a => new { a.MitreTactics, a.MitreTechniques })
            .Select(g => new { g.Key.MitreTactics, g.Key.MitreTechniques, Count = g.LongCount() })
            .ToListAsync(ct);
        var tactics = new Dictionary<string, long>(StringComparer.Ordinal);
        var cells = new Dictionary<(string Tactic, string Technique), long>();
        foreach (var c in combos)
        {
            var techniques = AlertMapping.SplitList(c.MitreTechniques);
            foreach (var tactic in AlertMapping.SplitList(c.MitreTactics).Distinct(StringComparer.Ordinal))
            {
                tactics[tactic] = tactics.GetValueOrDefault(tactic) + c.Count;
                foreach (var technique in techniques.Distinct(StringComparer.Ordinal))
                {
                    cells[(tactic, technique)] = cells.GetValueOrDefault((tactic, technique)) + c.Count;
                }
            }
        }
        return tactics.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new MitreTacticDto(t.Key, t.Value, cells.Where(x => x.Key.Tactic == t.Key)
                .OrderByDescending(x => x.Value).ThenBy(x => x.Key.Technique, StringComparer.Ordinal)
                .Select(x => new MitreCellDto(t.Key, x.Key.Technique, x.Value)).ToList()))
            .ToList();
    }

    private static BandCounts Bands(IEnumerable<(int Level, long Count)> byLevel)
    {
        var c = new long[4];
        foreach (var (level, count) in byLevel)
        {
            c[(int)Severity.BandOf(level)] += count;
        }
        return new BandCounts(c[0], c[1], c[2], c[3]);
    }

    private static BandCounts Sum(IEnumerable<BandCounts> counts)
    {
        long low = 0, medium = 0, high = 0, critical = 0;
        foreach (var b in counts)
        {
            low += b.Low;
            medium += b.Medium;
            high += b.High;
            critical += b.Critical;
        }
        return new BandCounts(low, medium, high, critical);
    }
}
