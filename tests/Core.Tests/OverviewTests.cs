using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>The overview (<c>GET /overview</c>) against a known data set, under a manual clock.</summary>
public sealed class OverviewTests
{
    [Fact]
    public async Task Overview_CountsTheKnownDataSet()
    {
        await using var core = new CoreFactory().WithManualTime(new DateTimeOffset(2026, 11, 20, 10, 30, 0, TimeSpan.Zero));
        await ((IAsyncLifetime)core).InitializeAsync();
        var admin = await core.AdminAsync();
        var a = await CoreFactory.ClientAsync(admin, "Alpha");
        var b = await CoreFactory.ClientAsync(admin, "Bravo");
        // Nodes of A: offline, stale, online, never seen, pending; of B: online.
        var (a1, _) = await core.NodeAsync(admin, a.Id);
        var (a2, _) = await core.NodeAsync(admin, a.Id);
        var (a3, _) = await core.NodeAsync(admin, a.Id);
        await core.NodeAsync(admin, a.Id);
        await admin.CreateNodeAsync(a.Id, new CreateNodeRequest("not-enrolled"));
        var (b1, _) = await core.NodeAsync(admin, b.Id);
        await a1.HeartbeatAsync(new NodeVitals());
        core.Time!.Advance(TimeSpan.FromMinutes(4));
        await a2.HeartbeatAsync(new NodeVitals());
        core.Time.Advance(TimeSpan.FromMinutes(2));
        await a3.HeartbeatAsync(new NodeVitals());
        await b1.HeartbeatAsync(new NodeVitals());
        var now = core.Time.GetUtcNow();
        await a3.IngestAsync(
        [
            InboxData.Wazuh(now.AddMinutes(-30), 3, "100", "Login failed", tactics: ["Credential Access"], techniques: ["T1110"]),
            InboxData.Wazuh(now.AddMinutes(-31), 3, "100", "Login failed", tactics: ["Credential Access"], techniques: ["T1110"]),
            InboxData.Wazuh(now.AddMinutes(-90), 8, "200", "Remote login", tactics: ["Credential Access", "Lateral Movement"], techniques: ["T1110", "T1021"]),
            InboxData.Wazuh(now.AddMinutes(-150), 13, "300", "Rootkit"),
            InboxData.Wazuh(now.AddHours(-26), 15, "400", "Old critical"),
        ]);
        await b1.IngestAsync([InboxData.Wazuh(now.AddMinutes(-10), 15, "500", "Ransomware", tactics: ["Impact"], techniques: ["T1486"])]);
        var alertsA = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = a.Id });
        await admin.UpdateAlertAsync(alertsA.First(x => x.RuleId == "100").Id, new AlertUpdateRequest { Status = "closed" });

        var day = await admin.GetOverviewAsync();
        var week = await admin.GetOverviewAsync(new OverviewQuery { Range = "7d", Bucket = "1d" });
        var onlyA = await admin.GetOverviewAsync(new OverviewQuery { ClientId = a.Id, Top = 2, Newest = 1 });

        Assert.Equal(("24h", "1h", 24), (day.Range, day.Bucket, day.Timeline.Count));
        Assert.Equal(TimeSpan.FromHours(24), day.To - day.From);
        Assert.True(day.To > now && day.To - now <= TimeSpan.FromHours(1), $"The range ends with the bucket holding now: {day.To:O}");
        Assert.Equal(new BandCounts(2, 1, 1, 1), day.Totals);
        Assert.Equal(day.Totals, Sum(day.Timeline.Select(t => t.Counts)));
        Assert.Equal(new BandCounts(2, 0, 0, 1), BucketOf(day, now.AddMinutes(-30)).Counts);
        Assert.Equal(1, BucketOf(day, now.AddMinutes(-90)).Counts.Medium);
        Assert.Equal(1, BucketOf(day, now.AddMinutes(-150)).Counts.High);
        Assert.Equal(1, BucketOf(day, now.AddMinutes(-10)).Counts.Critical);

        Assert.Equal(["Alpha", "Bravo"], day.Clients.Select(c => c.Name));
        Assert.Equal(new BandCounts(1, 1, 1, 0), day.Clients[0].Open);
        Assert.Equal(new NodeStatusCounts(Online: 1, Stale: 1, Offline: 1, NeverSeen: 1, Pending: 1), day.Clients[0].Nodes);
        Assert.Equal(new BandCounts(0, 0, 0, 1), day.Clients[1].Open);
        Assert.Equal(new NodeStatusCounts(1, 0, 0, 0, 0), day.Clients[1].Nodes);

        Assert.Equal(["100:2:Login failed", "200:1:Remote login", "300:1:Rootkit", "500:1:Ransomware"],
            day.TopRules.Select(r => $"{r.RuleId}:{r.Count}:{r.Description}"));
        Assert.Equal(("wazuh", 13, "high"), (day.TopRules[2].Source, day.TopRules[2].MaxLevel, day.TopRules[2].MaxBand));

        Assert.Equal(["Credential Access:3", "Impact:1", "Lateral Movement:1"], day.Mitre.Select(t => $"{t.Tactic}:{t.Count}"));
        Assert.Equal(["T1110:3", "T1021:1"], day.Mitre[0].Techniques.Select(c => $"{c.Technique}:{c.Count}"));
        Assert.Equal(["T1021:1", "T1110:1"], day.Mitre[2].Techniques.Select(c => $"{c.Technique}:{c.Count}"));

        Assert.Equal(["500", "300"], day.NewestHighAndCritical.Select(x => x.RuleId));

        Assert.Equal((7, new BandCounts(2, 1, 1, 2)), (week.Timeline.Count, week.Totals));
        Assert.Equal(0, week.Timeline[^1].Start.TimeOfDay.Ticks);

        Assert.Equal(new BandCounts(2, 1, 1, 0), onlyA.Totals);
        Assert.Equal([a.Id], onlyA.Clients.Select(c => c.ClientId));
        Assert.Equal(["100", "200"], onlyA.TopRules.Select(r => r.RuleId));
        Assert.Equal(["300"], onlyA.NewestHighAndCritical.Select(x => x.RuleId));
        Assert.DoesNotContain(onlyA.Mitre, t => t.Tactic == "Impact");
        await ((IAsyncLifetime)core).DisposeAsync();
    }

    [Fact]
    public async Task BadParameters_Are422WithACode_AndAnUnknownClientIs404()
    {
        await using var core = new CoreFactory();
        await ((IAsyncLifetime)core).InitializeAsync();
        var admin = await core.AdminAsync();

        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.GetOverviewAsync(new OverviewQuery { Range = "1y" }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.GetOverviewAsync(new OverviewQuery { Bucket = "5m" }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.GetOverviewAsync(new OverviewQuery { Range = "24h", Bucket = "1d", Top = 0 }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => admin.GetOverviewAsync(new OverviewQuery { Newest = 101 }), "validation_failed");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => admin.GetOverviewAsync(new OverviewQuery { ClientId = Guid.NewGuid() }), "not_found");
        var empty = await admin.GetOverviewAsync(new OverviewQuery { Range = "7d" });
        Assert.Equal(("3h", 56, 0L), (empty.Bucket, empty.Timeline.Count, empty.Totals.Total));
        await ((IAsyncLifetime)core).DisposeAsync();
    }

    private static OverviewBucketDto BucketOf(OverviewDto o, DateTimeOffset t) =>
        Assert.Single(o.Timeline, b => b.Start <= t && t < b.Start + (o.Timeline[1].Start - o.Timeline[0].Start));

    private static BandCounts Sum(IEnumerable<BandCounts> counts) =>
        counts.Aggregate(new BandCounts(0, 0, 0, 0), (s, c) => new BandCounts(s.Low + c.Low, s.Medium + c.Medium, s.High + c.High, s.Critical + c.Critical));
}
