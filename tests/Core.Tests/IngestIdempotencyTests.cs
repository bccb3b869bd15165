using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>At-least-once transport + idempotent ingest = exactly-once effect.</summary>
public sealed class IngestIdempotencyTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task ResentBatch_IsAllDuplicates_AndNothingIsStoredTwice()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var batch = Envelopes.UniqueWazuh(200);
        batch.AddRange(Corpus.SuricataAlerts().Take(100).Select(l => Envelopes.Suricata(l)));

        var first = await node.IngestAsync(batch);
        var second = await node.IngestAsync(batch, gzip: true, idempotencyKey: "retry-1");

        Assert.Equal((300, 0), (first.Accepted, first.Duplicates));
        Assert.Empty(first.Rejected);
        Assert.Equal((0, 300), (second.Accepted, second.Duplicates));
        var stored = await AllAsync(admin, new AlertFilter { ClientId = client.Id });
        Assert.Equal(300, stored.Count);
        Assert.Equal(300, stored.Select(a => (a.Source, a.Key)).Distinct().Count());
    }

    [Fact]
    public async Task DuplicateWithinOneBatch_IsCountedOnce()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var line = Envelopes.UniqueWazuh(1)[0];

        var result = await node.IngestAsync([line, line, line]);

        Assert.Equal((1, 2), (result.Accepted, result.Duplicates));
    }

    [Fact]
    public async Task SameKeyFromTwoNodes_IsTwoAlerts()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (n1, _) = await core.NodeAsync(admin, client.Id);
        var (n2, _) = await core.NodeAsync(admin, client.Id);
        var batch = Envelopes.UniqueWazuh(5);

        var r1 = await n1.IngestAsync(batch);
        var r2 = await n2.IngestAsync(batch);

        Assert.Equal(5, r1.Accepted);
        Assert.Equal(5, r2.Accepted);
        Assert.Equal(10, (await AllAsync(admin, new AlertFilter { ClientId = client.Id })).Count);
    }

    [Fact]
    public async Task KeyOmitted_UsesTheStableKeyOfTheRawLine()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var raw = Corpus.SuricataAlerts()[3];

        await node.IngestAsync([SocmeClient.EnvelopeLine("suricata", null, raw)]);
        var again = await node.IngestAsync([SocmeClient.EnvelopeLine("suricata", null, raw)]);

        Assert.Equal(1, again.Duplicates);
        var stored = Assert.Single(await AllAsync(admin, new AlertFilter { ClientId = client.Id }));
        Assert.Equal(Socme.Alerts.AlertParser.StableKey(Socme.Alerts.AlertSource.Suricata, System.Text.Encoding.UTF8.GetBytes(raw)), stored.Key);
    }

    internal static async Task<List<AlertDto>> AllAsync(SocmeClient api, AlertFilter filter)
    {
        var all = new List<AlertDto>();
        string? cursor = null;
        do
        {
            var page = await api.ListAlertsAsync(filter, 500, cursor);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }
}
