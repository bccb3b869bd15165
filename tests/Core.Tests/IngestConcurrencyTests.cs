using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Socme.Client;
using Socme.Core.Features.Ingest;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests;

/// <summary>
/// Concurrent ingest requests: on SQLite they are written by one writer with group commit, several batches in one
/// transaction; on PostgreSQL each request inserts on its own connection. Either way each request gets its own exact
/// counts and rejections, and a batch that fails in the database fails alone. The database's writes are held while the
/// requests arrive, so that they really meet (one group on SQLite, lock waits on PostgreSQL).
/// </summary>
public sealed class IngestConcurrencyTests(CoreFactory core) : IClassFixture<CoreFactory>
{
    [Fact]
    public async Task ConcurrentBatches_EachGetItsOwnCounts_AndABadLineIsRejectedAlone()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var batches = new List<(SocmeClient Node, List<string> Lines, int Unique, int Repeats)>();
        for (var i = 0; i < 6; i++)
        {
            var (node, _) = await core.NodeAsync(admin, client.Id);
            var unique = Envelopes.UniqueWazuh(40 + (10 * i));
            // Batch i repeats its first i alerts once more: duplicates within one batch.
            var lines = unique.Concat(unique.Take(i)).ToList();
            batches.Add((node, lines, unique.Count, i));
        }
        // Batch 3 also carries a line that is not JSON, at line 5: it is rejected alone.
        batches[3].Lines.Insert(4, "{not json");

        var results = await HeldThenReleasedAsync(batches.Select(b => (Func<Task<IngestResult>>)(() => b.Node.IngestAsync(b.Lines))).ToList());

        for (var i = 0; i < batches.Count; i++)
        {
            var r = results[i];
            Assert.Equal((batches[i].Unique, batches[i].Repeats), (r.Accepted, r.Duplicates));
            if (i == 3)
            {
                var rejected = Assert.Single(r.Rejected);
                Assert.Equal((5, "invalid_envelope"), (rejected.Line, rejected.Code));
            }
            else
            {
                Assert.Empty(r.Rejected);
            }
        }
        var stored = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id });
        Assert.Equal(batches.Sum(b => b.Unique), stored.Count);
    }

    [Fact]
    public async Task SameAlertsInConcurrentBatches_AreAcceptedExactlyOnce()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var shared = Envelopes.UniqueWazuh(100);
        var suricata = Corpus.SuricataAlerts().Skip(7).Take(30).Select(l => Envelopes.Suricata(l)).ToList();
        const int requests = 5;
        var own = Enumerable.Range(0, requests).Select(_ => Envelopes.UniqueWazuh(20)).ToList();
        // Every request: the shared alerts (in a different order each: on PostgreSQL two requests may then deadlock, and the
        // core must still count exactly), the same Suricata alerts, and 20 of its own.
        var bodies = Enumerable.Range(0, requests)
            .Select(i => shared.Skip(i * 20).Concat(shared.Take(i * 20)).Concat(suricata).Concat(own[i]).ToList())
            .ToList();

        var results = await HeldThenReleasedAsync(bodies.Select(b => (Func<Task<IngestResult>>)(() => node.IngestAsync(b))).ToList());

        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(bodies[i].Count, results[i].Accepted + results[i].Duplicates);
            Assert.True(results[i].Accepted >= own[i].Count, $"request {i} accepted {results[i].Accepted}");
            Assert.Empty(results[i].Rejected);
        }
        var sharedCount = shared.Count + suricata.Count;
        Assert.Equal(sharedCount + (requests * 20), results.Sum(r => r.Accepted));
        Assert.Equal((requests - 1) * sharedCount, results.Sum(r => r.Duplicates));
        var stored = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id });
        Assert.Equal(sharedCount + (requests * 20), stored.Count);
        Assert.Equal(stored.Count, stored.Select(a => (a.Source, a.Key)).Distinct().Count());
    }

    [Fact]
    public async Task BatchThatFailsInTheDatabase_FailsAlone_AndTheOthersLand()
    {
        var admin = await core.AdminAsync();
        var client = await CoreFactory.ClientAsync(admin);
        var (node, _) = await core.NodeAsync(admin, client.Id);
        var bodies = Enumerable.Range(0, 4).Select(_ => Envelopes.UniqueWazuh(30)).ToList();
        // The database itself refuses this key (a trigger), so batch 2 fails inside the transaction it shares.
        var poisonKey = $"poison-{Guid.NewGuid():N}";
        bodies[2].Insert(10, Envelopes.Wazuh(Corpus.WithWazuhId(Corpus.WazuhAlerts()[0], "poison"), poisonKey));
        await ExecAsync(core.Db.IsPostgres
            ? $"""
              CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN IF NEW.key = '{poisonKey}' THEN RAISE EXCEPTION 'poisoned alert'; END IF; RETURN NEW; END $$;
              CREATE TRIGGER refuse_poison BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION refuse_poison();
              """
            : $"CREATE TRIGGER refuse_poison BEFORE INSERT ON alerts WHEN NEW.key = '{poisonKey}' BEGIN SELECT RAISE(ABORT, 'poisoned alert'); END;");
        try
        {
            var calls = bodies.Select(b => (Func<Task<IngestResult?>>)(async () =>
            {
                try
                {
                    return await node.IngestAsync(b);
                }
                catch (SocmeApiException e) when (e.StatusCode == HttpStatusCode.InternalServerError)
                {
                    return null;
                }
            })).ToList();

            // On SQLite the group holding batch 2 fails, and its batches are written again one by one: no fixed number of groups.
            var results = await HeldThenReleasedAsync(calls, checkGroups: false);

            Assert.Null(results[2]);
            foreach (var i in new[] { 0, 1, 3 })
            {
                Assert.Equal((30, 0), (results[i]!.Accepted, results[i]!.Duplicates));
            }
            var stored = await IngestIdempotencyTests.AllAsync(admin, new AlertFilter { ClientId = client.Id });
            Assert.Equal(90, stored.Count);
        }
        finally
        {
            await ExecAsync(core.Db.IsPostgres ? "DROP TRIGGER refuse_poison ON alerts; DROP FUNCTION refuse_poison();" : "DROP TRIGGER refuse_poison;");
        }
    }

    /// <summary>
    /// Holds the database's writes (SQLite: another connection's write transaction; PostgreSQL: a lock that blocks inserts
    /// into <c>alerts</c>), starts the calls, waits until they all wait behind it, then lets them go; returns their results
    /// in call order. On SQLite it also checks that the writer committed them in fewer transactions than batches (the ones
    /// it took before the lock was released, then every other one together).
    /// </summary>
    private async Task<T[]> HeldThenReleasedAsync<T>(List<Func<Task<T>>> calls, bool checkGroups = true)
    {
        var writer = core.Services.GetRequiredService<SqliteIngestWriter>();
        var (groupsBefore, batchesBefore) = (writer.Groups, writer.Batches);
        Task<T[]> all;
        if (core.Db.IsPostgres)
        {
            await using var conn = new NpgsqlConnection(core.Db.ConnectionString);
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await using (var hold = new NpgsqlCommand("LOCK TABLE alerts IN SHARE ROW EXCLUSIVE MODE", conn, tx))
            {
                await hold.ExecuteNonQueryAsync();
            }
            all = Task.WhenAll(calls.Select(c => Task.Run(c)));
            await WaitUntilAsync(async () =>
            {
                await using var probe = new NpgsqlConnection(core.Db.ConnectionString);
                await probe.OpenAsync();
                await using var cmd = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'alerts' AND NOT l.granted", probe);
                return Convert.ToInt32(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) >= calls.Count;
            }, all);
            await tx.CommitAsync();
        }
        else
        {
            await using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(core.Db.DataDir, "socme.db"), Pooling = false }.ToString());
            await conn.OpenAsync();
            await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync();
            all = Task.WhenAll(calls.Select(c => Task.Run(c)));
            // The writer takes what has arrived and waits for the lock; the others queue behind it.
            await WaitUntilAsync(() => Task.FromResult(writer.Waiting >= calls.Count), all);
            await tx.CommitAsync();
        }
        var results = await all;
        if (checkGroups && !core.Db.IsPostgres)
        {
            // Fewer transactions than batches: some were committed together.
            Assert.InRange(writer.Groups - groupsBefore, 1, calls.Count - 1);
            Assert.Equal(calls.Count, writer.Batches - batchesBefore);
        }
        return results;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Task calls)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (calls.IsCompleted)
            {
                await calls; // surfaces a failure
                Assert.Fail("The calls finished while the writes were held.");
            }
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "The calls did not all wait behind the held writes within 20 s.");
            await Task.Delay(20);
        }
    }

    private async Task ExecAsync(string sql)
    {
        if (core.Db.IsPostgres)
        {
            await using var conn = new NpgsqlConnection(core.Db.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
        else
        {
            await using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(core.Db.DataDir, "socme.db"), Pooling = false }.ToString());
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
