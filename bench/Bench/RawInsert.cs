using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Socme.Core.Features.Ingest;

namespace Socme.Bench;

/// <summary>A row to store: the alert plus the tenant columns and triage state.</summary>
internal readonly record struct StoredAlert(Guid ClientId, Guid NodeId, IngestRow Row, long ReceivedMs, int Status, long? ClosedMs);

/// <summary>
/// The fastest raw insert of each database, into the schema made by <c>socme-core migrate</c> (same table, same
/// indexes), with the core's own statements: SQLite, one connection, WAL, <c>synchronous=NORMAL</c>, the core's prepared
/// INSERT (<see cref="SqliteAlertInsert"/>) without <c>ON CONFLICT</c> and without foreign-key checks; PostgreSQL, the
/// core's binary COPY (<see cref="PostgresAlertCopy"/>).
/// </summary>
internal static class RawInsert
{
    /// <summary>Clients and their nodes as plain rows (what the API would create), so that the alert foreign keys hold.</summary>
    public static async Task SeedTenantsAsync(CoreTarget target, IReadOnlyList<(Guid ClientId, IReadOnlyList<Guid> Nodes)> tenants)
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        if (target.Provider == Provider.Sqlite)
        {
            await using var conn = OpenSqlite(target);
            await using var tx = conn.BeginTransaction();
            var i = 0;
            foreach (var (clientId, nodes) in tenants)
            {
                i++;
                await using (var c = conn.CreateCommand())
                {
                    c.Transaction = tx;
                    c.CommandText = "INSERT INTO clients (id, name, slug, description, created_at, updated_at) VALUES ($id, $name, $slug, NULL, $at, $at)";
                    c.Parameters.AddWithValue("$id", clientId);
                    c.Parameters.AddWithValue("$name", $"Bench client {i}");
                    c.Parameters.AddWithValue("$slug", $"bench-client-{i}");
                    c.Parameters.AddWithValue("$at", now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                    await c.ExecuteNonQueryAsync();
                }
                var n = 0;
                foreach (var nodeId in nodes)
                {
                    n++;
                    await using var c = conn.CreateCommand();
                    c.Transaction = tx;
                    c.CommandText = "INSERT INTO nodes (id, client_id, name, created_at) VALUES ($id, $c, $name, $at)";
                    c.Parameters.AddWithValue("$id", nodeId);
                    c.Parameters.AddWithValue("$c", clientId);
                    c.Parameters.AddWithValue("$name", $"node-{i}-{n}");
                    c.Parameters.AddWithValue("$at", now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                    await c.ExecuteNonQueryAsync();
                }
            }
            await tx.CommitAsync();
        }
        else
        {
            await using var conn = new NpgsqlConnection(HarnessConnectionString(target));
            await conn.OpenAsync();
            var i = 0;
            foreach (var (clientId, nodes) in tenants)
            {
                i++;
                await using (var c = new NpgsqlCommand("INSERT INTO clients (id, name, slug, description, created_at, updated_at) VALUES (@id, @name, @slug, NULL, @at, @at)", conn))
                {
                    c.Parameters.AddWithValue("id", clientId);
                    c.Parameters.AddWithValue("name", $"Bench client {i}");
                    c.Parameters.AddWithValue("slug", $"bench-client-{i}");
                    c.Parameters.AddWithValue("at", now);
                    await c.ExecuteNonQueryAsync();
                }
                var n = 0;
                foreach (var nodeId in nodes)
                {
                    n++;
                    await using var c = new NpgsqlCommand("INSERT INTO nodes (id, client_id, name, created_at) VALUES (@id, @c, @name, @at)", conn);
                    c.Parameters.AddWithValue("id", nodeId);
                    c.Parameters.AddWithValue("c", clientId);
                    c.Parameters.AddWithValue("name", $"node-{i}-{n}");
                    c.Parameters.AddWithValue("at", now);
                    await c.ExecuteNonQueryAsync();
                }
            }
        }
    }

    /// <summary>
    /// The harness's own PostgreSQL connections are not pooled: a database is dropped WITH (FORCE) after each step and
    /// recreated under the same name for a repeated attempt, which would hand out a pooled connection already killed.
    /// (The core gets the connection string as it is, pooled.)
    /// </summary>
    public static string HarnessConnectionString(CoreTarget target) =>
        new NpgsqlConnectionStringBuilder(target.ConnectionString) { Pooling = false }.ConnectionString;

    public static SqliteConnection OpenSqlite(CoreTarget target)
    {
        var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target.SqlitePath, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        // journal_mode=WAL is already set by migrate; synchronous=NORMAL and the WAL checkpoint interval as the core. Foreign
        // keys stay off (SQLite's default): the limit does not check them.
        cmd.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint={Socme.Core.Infrastructure.Database.SqlitePragmas.WalAutocheckpointPages};";
        cmd.ExecuteNonQuery();
        return conn;
    }

    /// <summary>
    /// SQLite: a single writer, prepared INSERT, one transaction per <paramref name="rowsPerTransaction"/> rows
    /// (0 = one transaction for everything). Returns the elapsed time.
    /// </summary>
    public static TimeSpan Sqlite(CoreTarget target, IEnumerable<StoredAlert> rows, int rowsPerTransaction)
    {
        using var conn = OpenSqlite(target);
        using var insert = new SqliteAlertInsert(conn, skipDuplicates: false);
        var sw = Stopwatch.StartNew();
        var tx = conn.BeginTransaction();
        var inTx = 0;
        foreach (var s in rows)
        {
            insert.SetTenant(s.ClientId, s.NodeId, s.ReceivedMs);
            insert.SetTriage(s.Status, s.ClosedMs);
            insert.Insert(s.Row);
            if (rowsPerTransaction > 0 && ++inTx == rowsPerTransaction)
            {
                tx.Commit();
                tx.Dispose();
                tx = conn.BeginTransaction();
                inTx = 0;
            }
        }
        tx.Commit();
        tx.Dispose();
        sw.Stop();
        return sw.Elapsed;
    }

    /// <summary>PostgreSQL: one binary COPY of every row into <c>alerts</c>. Returns the elapsed time.</summary>
    public static async Task<TimeSpan> PostgresAsync(CoreTarget target, IEnumerable<StoredAlert> rows)
    {
        await using var conn = new NpgsqlConnection(HarnessConnectionString(target));
        await conn.OpenAsync();
        var sw = Stopwatch.StartNew();
        await using (var copy = await conn.BeginBinaryImportAsync(PostgresAlertCopy.Command))
        {
            foreach (var s in rows)
            {
                await PostgresAlertCopy.WriteRowAsync(copy, s.ClientId, s.NodeId, s.Row, s.ReceivedMs, s.Status, s.ClosedMs, CancellationToken.None);
            }
            await copy.CompleteAsync();
        }
        sw.Stop();
        return sw.Elapsed;
    }

    public static async Task<long> CountAsync(CoreTarget target, string sql = "SELECT COUNT(*) FROM alerts")
    {
        if (target.Provider == Provider.Sqlite)
        {
            await using var conn = OpenSqlite(target);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        await using var pg = new NpgsqlConnection(HarnessConnectionString(target));
        await pg.OpenAsync();
        await using var c = new NpgsqlCommand(sql, pg);
        return Convert.ToInt64(await c.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
