using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Socme.Bench;

/// <summary>A row to store: the alert plus the tenant columns and triage state.</summary>
internal readonly record struct StoredAlert(Guid ClientId, Guid NodeId, AlertRow Row, long ReceivedMs, int Status, long? ClosedMs);

/// <summary>
/// The fastest raw insert of each database, into the schema made by <c>socme-core migrate</c> (same table, same
/// indexes): SQLite, one connection, WAL, <c>synchronous=NORMAL</c>, a prepared INSERT; PostgreSQL, binary COPY.
/// </summary>
internal static class RawInsert
{
    public const string Columns =
        "client_id, node_id, source, key, time_ms, received_ms, level, band, rule_id, rule_description, rule_groups, " +
        "mitre_tactics, mitre_techniques, agent_name, agent_ip, src_ip, src_port, dst_ip, dst_port, protocol, signature, " +
        "category, raw, status, closed_ms, updated_ms";

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
            await using var conn = new NpgsqlConnection(RawInsert.HarnessConnectionString(target));
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
        // journal_mode=WAL is already set by migrate; synchronous=NORMAL as the core. Foreign keys stay off (SQLite's
        // default): the limit does not check them.
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
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
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"INSERT INTO alerts ({Columns}) VALUES ($c, $n, $source, $key, $time, $recv, $level, $band, $rule_id, $rule_desc, " +
            "$groups, $tactics, $techniques, $agent_name, $agent_ip, $src_ip, $src_port, $dst_ip, $dst_port, $proto, $sig, $cat, $raw, $status, $closed, $recv)";
        var p = cmd.Parameters;
        var client = p.Add("$c", SqliteType.Text);
        var node = p.Add("$n", SqliteType.Text);
        var source = p.Add("$source", SqliteType.Integer);
        var key = p.Add("$key", SqliteType.Text);
        var time = p.Add("$time", SqliteType.Integer);
        var recv = p.Add("$recv", SqliteType.Integer);
        var level = p.Add("$level", SqliteType.Integer);
        var band = p.Add("$band", SqliteType.Integer);
        var ruleId = p.Add("$rule_id", SqliteType.Text);
        var ruleDesc = p.Add("$rule_desc", SqliteType.Text);
        var groups = p.Add("$groups", SqliteType.Text);
        var tactics = p.Add("$tactics", SqliteType.Text);
        var techniques = p.Add("$techniques", SqliteType.Text);
        var agentName = p.Add("$agent_name", SqliteType.Text);
        var agentIp = p.Add("$agent_ip", SqliteType.Text);
        var srcIp = p.Add("$src_ip", SqliteType.Text);
        var srcPort = p.Add("$src_port", SqliteType.Integer);
        var dstIp = p.Add("$dst_ip", SqliteType.Text);
        var dstPort = p.Add("$dst_port", SqliteType.Integer);
        var proto = p.Add("$proto", SqliteType.Text);
        var sig = p.Add("$sig", SqliteType.Text);
        var cat = p.Add("$cat", SqliteType.Text);
        var raw = p.Add("$raw", SqliteType.Text);
        var status = p.Add("$status", SqliteType.Integer);
        var closed = p.Add("$closed", SqliteType.Integer);
        // Guids as the core stores them on SQLite: uppercase text (EF Core's and Microsoft.Data.Sqlite's default).
        var guidText = new Dictionary<Guid, string>();
        string G(Guid g)
        {
            if (!guidText.TryGetValue(g, out var s))
            {
                s = g.ToString().ToUpperInvariant();
                guidText[g] = s;
            }
            return s;
        }
        var sw = Stopwatch.StartNew();
        var tx = conn.BeginTransaction();
        cmd.Transaction = tx;
        cmd.Prepare();
        var inTx = 0;
        foreach (var s in rows)
        {
            var a = s.Row;
            client.Value = G(s.ClientId);
            node.Value = G(s.NodeId);
            source.Value = (int)a.Source;
            key.Value = a.Key;
            time.Value = a.TimeMs;
            recv.Value = s.ReceivedMs;
            level.Value = a.Level;
            band.Value = (int)a.Band;
            ruleId.Value = Db(a.RuleId);
            ruleDesc.Value = Db(a.RuleDescription);
            groups.Value = Db(a.RuleGroups);
            tactics.Value = Db(a.MitreTactics);
            techniques.Value = Db(a.MitreTechniques);
            agentName.Value = Db(a.AgentName);
            agentIp.Value = Db(a.AgentIp);
            srcIp.Value = Db(a.SrcIp);
            srcPort.Value = a.SrcPort is { } sp ? sp : DBNull.Value;
            dstIp.Value = Db(a.DstIp);
            dstPort.Value = a.DstPort is { } dp ? dp : DBNull.Value;
            proto.Value = Db(a.Protocol);
            sig.Value = Db(a.Signature);
            cat.Value = Db(a.Category);
            raw.Value = a.Raw;
            status.Value = s.Status;
            closed.Value = s.ClosedMs is { } cm ? cm : DBNull.Value;
            cmd.ExecuteNonQuery();
            if (rowsPerTransaction > 0 && ++inTx == rowsPerTransaction)
            {
                tx.Commit();
                tx.Dispose();
                tx = conn.BeginTransaction();
                cmd.Transaction = tx;
                inTx = 0;
            }
        }
        tx.Commit();
        tx.Dispose();
        sw.Stop();
        return sw.Elapsed;
    }

    /// <summary>PostgreSQL: one binary COPY of every row into <c>alerts</c> (synchronous API, the fastest). Returns the elapsed time.</summary>
    public static TimeSpan Postgres(CoreTarget target, IEnumerable<StoredAlert> rows)
    {
        using var conn = new NpgsqlConnection(RawInsert.HarnessConnectionString(target));
        conn.Open();
        var sw = Stopwatch.StartNew();
        using (var copy = conn.BeginBinaryImport($"COPY alerts ({Columns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var s in rows)
            {
                var a = s.Row;
                copy.StartRow();
                copy.Write(s.ClientId, NpgsqlDbType.Uuid);
                copy.Write(s.NodeId, NpgsqlDbType.Uuid);
                copy.Write((int)a.Source, NpgsqlDbType.Integer);
                copy.Write(a.Key, NpgsqlDbType.Varchar);
                copy.Write(a.TimeMs, NpgsqlDbType.Bigint);
                copy.Write(s.ReceivedMs, NpgsqlDbType.Bigint);
                copy.Write(a.Level, NpgsqlDbType.Integer);
                copy.Write((int)a.Band, NpgsqlDbType.Integer);
                Text(copy, a.RuleId, NpgsqlDbType.Varchar);
                Text(copy, a.RuleDescription, NpgsqlDbType.Text);
                Text(copy, a.RuleGroups, NpgsqlDbType.Text);
                Text(copy, a.MitreTactics, NpgsqlDbType.Text);
                Text(copy, a.MitreTechniques, NpgsqlDbType.Text);
                Text(copy, a.AgentName, NpgsqlDbType.Text);
                Text(copy, a.AgentIp, NpgsqlDbType.Varchar);
                Text(copy, a.SrcIp, NpgsqlDbType.Varchar);
                Int(copy, a.SrcPort);
                Text(copy, a.DstIp, NpgsqlDbType.Varchar);
                Int(copy, a.DstPort);
                Text(copy, a.Protocol, NpgsqlDbType.Varchar);
                Text(copy, a.Signature, NpgsqlDbType.Text);
                Text(copy, a.Category, NpgsqlDbType.Text);
                copy.Write(a.Raw, NpgsqlDbType.Text);
                copy.Write(s.Status, NpgsqlDbType.Integer);
                if (s.ClosedMs is { } cm)
                {
                    copy.Write(cm, NpgsqlDbType.Bigint);
                }
                else
                {
                    copy.WriteNull();
                }
                copy.Write(s.ReceivedMs, NpgsqlDbType.Bigint);
            }
            copy.Complete();
        }
        sw.Stop();
        return sw.Elapsed;
    }

    private static void Text(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, type);
        }
    }

    private static void Int(NpgsqlBinaryImporter copy, int? value)
    {
        if (value is { } v)
        {
            copy.Write(v, NpgsqlDbType.Integer);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static object Db(string? s) => s is null ? DBNull.Value : s;

    public static async Task<long> CountAsync(CoreTarget target, string sql = "SELECT COUNT(*) FROM alerts")
    {
        if (target.Provider == Provider.Sqlite)
        {
            await using var conn = OpenSqlite(target);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        await using var pg = new NpgsqlConnection(RawInsert.HarnessConnectionString(target));
        await pg.OpenAsync();
        await using var c = new NpgsqlCommand(sql, pg);
        return Convert.ToInt64(await c.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
