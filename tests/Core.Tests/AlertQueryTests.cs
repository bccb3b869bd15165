using System.Net;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>The alert list's filters and keyset pagination, on real corpus alerts.</summary>
public sealed class AlertQueryTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    private async Task<(SocmeClient Admin, ClientDto Client, Guid NodeId, List<AlertDto> All)> SeedAsync()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, enrolled) = await core.NodeAsync(admin, client.Id);
        var batch = Envelopes.UniqueWazuh(300);
        batch.AddRange(Corpus.SuricataAlerts().Select(l => Envelopes.Suricata(l)));
        var result = await node.IngestAsync(batch, gzip: true);
        Assert.Empty(result.Rejected);
        var all = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id });
        Assert.Equal(batch.Count, all.Count);
        return (admin, client, enrolled.NodeId, all);
    }

    [Fact]
    public async Task Pages_AreNewestFirst_WithoutGapsOrRepeats()
    {
        var s = await SeedAsync();

        var pages = new List<AlertPage>();
        string? cursor = null;
        do
        {
            var page = await s.Admin.ListAlertsAsync(new AlertFilter { ClientId = s.Client.Id }, 97, cursor);
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var items = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(s.All.Count, items.Count);
        Assert.Equal(items.Count, items.Select(i => i.Id).Distinct().Count());
        Assert.Equal(items.OrderByDescending(i => i.Time).ThenByDescending(i => i.Id).Select(i => i.Id), items.Select(i => i.Id));
        Assert.All(pages.SkipLast(1), p => Assert.Equal(97, p.Items.Count));
    }

    [Fact]
    public async Task Filters_SelectExactlyTheMatchingAlerts()
    {
        var s = await SeedAsync();
        var expectHigh = s.All.Count(a => a.Band == "high" && a.Source == "suricata");
        var expectMin10 = s.All.Count(a => a.Level >= 10);
        var ruleId = s.All.Where(a => a.Source == "wazuh").GroupBy(a => a.RuleId).OrderByDescending(g => g.Count()).First().Key!;

        var high = await IngestIdempotencyTests.AllAsync(s.Admin, new AlertFilter { ClientId = s.Client.Id, Band = "high", Source = "suricata" });
        var min10 = await IngestIdempotencyTests.AllAsync(s.Admin, new AlertFilter { ClientId = s.Client.Id, MinLevel = 10 });
        var byRule = await IngestIdempotencyTests.AllAsync(s.Admin, new AlertFilter { ClientId = s.Client.Id, RuleId = ruleId, Status = "new", NodeId = s.NodeId });
        var text = await IngestIdempotencyTests.AllAsync(s.Admin, new AlertFilter { ClientId = s.Client.Id, Q = "et policy" });

        Assert.True(expectHigh > 0);
        Assert.Equal(expectHigh, high.Count);
        Assert.Equal(expectMin10, min10.Count);
        Assert.Equal(s.All.Count(a => a.RuleId == ruleId), byRule.Count);
        Assert.NotEmpty(text);
        Assert.All(text, a => Assert.Contains("ET POLICY", (a.RuleDescription ?? "") + (a.Signature ?? ""), StringComparison.OrdinalIgnoreCase));
        Assert.Equal(s.All.Count(a => (a.RuleDescription ?? "").Contains("ET POLICY", StringComparison.OrdinalIgnoreCase)
            || (a.Signature ?? "").Contains("ET POLICY", StringComparison.OrdinalIgnoreCase)
            || (a.AgentName ?? "").Contains("ET POLICY", StringComparison.OrdinalIgnoreCase)), text.Count);
    }

    [Fact]
    public async Task TimeRange_IsHalfOpen()
    {
        var s = await SeedAsync();
        var ordered = s.All.OrderBy(a => a.Time).ToList();
        var from = ordered[ordered.Count / 4].Time;
        var to = ordered[ordered.Count * 3 / 4].Time;

        var inRange = await IngestIdempotencyTests.AllAsync(s.Admin, new AlertFilter { ClientId = s.Client.Id, From = from, To = to });

        Assert.Equal(s.All.Count(a => a.Time >= from && a.Time < to), inRange.Count);
    }

    [Fact]
    public async Task Detail_HasTheRawAlertWhole()
    {
        var s = await SeedAsync();
        var suricata = s.All.First(a => a.Source == "suricata");

        var detail = await s.Admin.GetAlertAsync(suricata.Id);

        Assert.Equal("alert", detail.Raw.GetProperty("event_type").GetString());
        Assert.Equal(suricata.Signature, detail.Raw.GetProperty("alert").GetProperty("signature").GetString());
    }

    [Fact]
    public async Task BadParameters_Are4xxWithACode()
    {
        var s = await SeedAsync();

        await ApiAssert.FailsAsync(HttpStatusCode.BadRequest, () => s.Admin.ListAlertsAsync(cursor: "garbage!"), "invalid_cursor");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.ListAlertsAsync(new AlertFilter { Band = "purple" }), "validation_failed");
        await ApiAssert.FailsAsync((HttpStatusCode)422, () => s.Admin.ListAlertsAsync(new AlertFilter { MinLevel = 99 }), "validation_failed");
        await ApiAssert.FailsAsync(HttpStatusCode.NotFound, () => s.Admin.GetAlertAsync(long.MaxValue), "not_found");
    }
}
