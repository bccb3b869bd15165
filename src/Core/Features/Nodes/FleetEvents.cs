using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Data;
using Socme.Core.Features.Ingest;
using Socme.Core.Features.Notifications;

namespace Socme.Core.Features.Nodes;

/// <summary>
/// Fleet events as alerts: a node silent past <see cref="FleetOptions.OfflineAfter"/> (and its recovery), a source silent
/// past <see cref="FleetOptions.SourceSilentAfter"/>, a disk past <see cref="FleetOptions.LowDiskPercent"/>, a spool growing.
/// Each becomes a <c>system</c> alert of the node's client, stored through the ingest path, so notification rules route it
/// like any alert (rule ids <c>socme-node-offline</c>, <c>socme-node-recovered</c>, <c>socme-source-silent</c>,
/// <c>socme-disk-low</c>, <c>socme-spool-growing</c>; group <c>socme_fleet</c>).
/// </summary>
/// <remarks>
/// The alert keys are derived from the event (the node's last-seen time for an outage, the day for a full disk), and the
/// store skips a key it has: every core replica may run the watcher, and a restart never raises an event twice.
/// </remarks>
internal sealed class FleetEventService(SocmeDbContext db, AlertIngestStore store, RuleSetProvider ruleSets, NotificationSignal signal,
    TimeProvider time, IOptions<FleetOptions> options)
{
    public const string NodeOffline = "socme-node-offline", NodeRecovered = "socme-node-recovered", SourceSilent = "socme-source-silent",
        DiskLow = "socme-disk-low", SpoolGrowing = "socme-spool-growing";

    /// <summary>Looks at every enrolled node once; returns how many new events were stored.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var nodes = await db.Nodes.AsNoTracking().Where(n => n.EnrolledAt != null && n.LastSeenAt != null)
            .Select(n => new { n.Id, n.ClientId, n.Name, n.LastSeenAt, n.LatestVitals, n.LastWazuhAlertMs, n.LastSuricataAlertMs })
            .ToListAsync(ct);
        var lastOutage = (await db.Alerts.AsNoTracking()
                .Where(a => a.Source == AlertSource.System && a.RuleId == NodeOffline)
                .GroupBy(a => a.NodeId).Select(g => new { NodeId = g.Key, Id = g.Max(a => a.Id) }).ToListAsync(ct))
            .ToDictionary(x => x.NodeId, x => x.Id);
        var outageKeys = await db.Alerts.AsNoTracking().Where(a => lastOutage.Values.Contains(a.Id)).ToDictionaryAsync(a => a.NodeId, a => a.Key, ct);
        var stored = 0;
        foreach (var n in nodes)
        {
            var events = new List<IngestRow>();
            var lastSeen = new DateTimeOffset(DateTime.SpecifyKind(n.LastSeenAt!.Value, DateTimeKind.Utc));
            var lastSeenMs = lastSeen.ToUnixTimeMilliseconds();
            var silentFor = now - lastSeen;
            if (silentFor >= o.OfflineAfter)
            {
                events.Add(Event(NodeOffline, $"node-offline:{lastSeenMs}", nowMs, 12,
                    $"Node {n.Name} silent for {Minutes(silentFor)} minutes (no heartbeat since {lastSeen:u})",
                    new { node = n.Name, last_seen = lastSeen, silent_minutes = (int)silentFor.TotalMinutes }, n.Name));
            }
            else if (outageKeys.TryGetValue(n.Id, out var key) && key.StartsWith("node-offline:", StringComparison.Ordinal)
                && long.TryParse(key.AsSpan("node-offline:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var outageSince)
                && lastSeenMs > outageSince)
            {
                events.Add(Event(NodeRecovered, $"node-recovered:{outageSince}", nowMs, 3,
                    $"Node {n.Name} is back (silent since {DateTimeOffset.FromUnixTimeMilliseconds(outageSince):u})",
                    new { node = n.Name, silent_since = DateTimeOffset.FromUnixTimeMilliseconds(outageSince), back_at = lastSeen }, n.Name));
            }
            foreach (var (source, last) in new[] { ("wazuh", n.LastWazuhAlertMs), ("suricata", n.LastSuricataAlertMs) })
            {
                if (last is { } l && silentFor < o.OfflineAfter && nowMs - l >= o.SourceSilentAfter.TotalMilliseconds)
                {
                    events.Add(Event(SourceSilent, $"source-silent:{source}:{l}", nowMs, 10,
                        $"{(source == "wazuh" ? "Wazuh" : "Suricata")} on node {n.Name} sent no alert for {(nowMs - l) / 3_600_000} hours",
                        new { node = n.Name, source, last_alert = DateTimeOffset.FromUnixTimeMilliseconds(l) }, n.Name));
                }
            }
            if (n.LatestVitals is { } json && silentFor < o.OfflineAfter)
            {
                var vitals = JsonSerializer.Deserialize<NodeVitals>(json, SocmeClient.JsonOptions);
                foreach (var disk in vitals?.Disks ?? [])
                {
                    if (disk.TotalBytes > 0 && disk.UsedBytes * 100 >= disk.TotalBytes * o.LowDiskPercent)
                    {
                        var percent = disk.UsedBytes * 100 / disk.TotalBytes;
                        events.Add(Event(DiskLow, $"disk-low:{disk.Mount}:{now:yyyy-MM-dd}", nowMs, 10,
                            $"Disk {disk.Mount} of node {n.Name} is {percent} % full",
                            new { node = n.Name, mount = disk.Mount, used_percent = percent, disk.TotalBytes, disk.UsedBytes }, n.Name));
                    }
                }
                if (vitals?.Spool is { } spool && (spool.Depth >= o.SpoolDepthAlert || spool.OldestAgeSeconds >= o.SpoolAgeAlert.TotalSeconds))
                {
                    events.Add(Event(SpoolGrowing, $"spool-growing:{now:yyyy-MM-ddTHH}", nowMs, 8,
                        $"The spool of node {n.Name} holds {spool.Depth} alerts (oldest {(int)(spool.OldestAgeSeconds ?? 0) / 60} minutes): it cannot ship to the core",
                        new { node = n.Name, depth = spool.Depth, bytes = spool.Bytes, oldest_seconds = spool.OldestAgeSeconds }, n.Name));
                }
            }
            if (events.Count > 0)
            {
                stored += await StoreAsync(n.ClientId, n.Id, events, nowMs, ct);
            }
        }
        return stored;
    }

    private async Task<int> StoreAsync(Guid clientId, Guid nodeId, List<IngestRow> events, long nowMs, CancellationToken ct)
    {
        var rules = await ruleSets.GetAsync(ct);
        for (var i = 0; i < events.Count; i++)
        {
            if (rules.Evaluate(clientId, nodeId, events[i], nowMs) is { } outcome)
            {
                events[i] = events[i] with { Outcome = outcome };
            }
        }
        var stored = await store.InsertAsync(db, clientId, nodeId, events, nowMs, ct);
        if (stored > 0 && events.Any(e => e.Outcome is { Intents.Count: > 0 }))
        {
            signal.Poke();
        }
        return stored;
    }

    private static IngestRow Event(string ruleId, string key, long nowMs, int level, string description, object details, string node) => new(
        AlertSource.System, key, nowMs, level, Severity.BandOf(level), ruleId, description, ",socme_fleet," + ruleId.Replace('-', '_') + ",",
        null, null, node, null, null, null, null, null, null, null, "fleet",
        JsonSerializer.Serialize(new { socme = new { @event = ruleId, details } }));

    private static string Minutes(TimeSpan t) => ((int)t.TotalMinutes).ToString(CultureInfo.InvariantCulture);
}

/// <summary>Runs <see cref="FleetEventService"/> every <see cref="FleetOptions.EventCheckInterval"/>.</summary>
internal sealed class FleetWatcher(IServiceScopeFactory scopes, TimeProvider time, IOptions<FleetOptions> options, ILogger<FleetWatcher> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<FleetEventService>().RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The fleet watcher failed; it tries again at its next tick");
            }
            try
            {
                await Task.Delay(options.Value.EventCheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>
/// The last time each node's Wazuh and Suricata alerts were stored, written to the node's row at most once a minute per
/// source (ingest calls <see cref="SeenAsync"/>), for the "source silent" event.
/// </summary>
internal sealed class SourceActivity
{
    private readonly ConcurrentDictionary<(Guid Node, AlertSource Source), long> written = new();

    public async Task SeenAsync(SocmeDbContext db, Guid nodeId, IReadOnlyList<IngestRow> rows, long nowMs, CancellationToken ct)
    {
        foreach (var source in new[] { AlertSource.Wazuh, AlertSource.Suricata })
        {
            if (!rows.Any(r => r.Source == source) || (written.TryGetValue((nodeId, source), out var last) && nowMs - last < 60_000))
            {
                continue;
            }
            written[(nodeId, source)] = nowMs;
            _ = source == AlertSource.Wazuh
                ? await db.Nodes.Where(n => n.Id == nodeId).ExecuteUpdateAsync(s => s.SetProperty(n => n.LastWazuhAlertMs, nowMs), ct)
                : await db.Nodes.Where(n => n.Id == nodeId).ExecuteUpdateAsync(s => s.SetProperty(n => n.LastSuricataAlertMs, nowMs), ct);
        }
    }
}
