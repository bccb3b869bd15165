using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Socme.Core.Data;

namespace Socme.Core.Features.Ingest;

/// <summary>
/// The bulk insert of the ingest path, one statement per provider, idempotent on (node, source, key):
/// a duplicate is skipped by <c>ON CONFLICT DO NOTHING</c> and counted as such, never an error.
/// This is the feature's only hand-written SQL.
/// </summary>
internal sealed class AlertIngestStore(SqliteWriteGate gate)
{
    private const string Columns =
        "client_id, node_id, source, key, time_ms, received_ms, level, band, rule_id, rule_description, rule_groups, " +
        "mitre_tactics, mitre_techniques, agent_name, agent_ip, src_ip, src_port, dst_ip, dst_port, protocol, signature, " +
        "category, raw, status, updated_ms";

    /// <summary>Inserts the rows; returns how many were new.</summary>
    public async Task<int> InsertAsync(SocmeDbContext db, Guid clientId, Guid nodeId, IReadOnlyList<IngestRow> rows, long receivedMs, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return 0;
        }
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return db.Database.GetDbConnection() switch
            {
                SqliteConnection sqlite => await InsertSqliteAsync(sqlite, clientId, nodeId, rows, receivedMs, ct),
                NpgsqlConnection pg => await InsertPostgresAsync(pg, clientId, nodeId, rows, receivedMs, ct),
                var other => throw new NotSupportedException($"No bulk insert for {other.GetType().Name}."),
            };
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<int> InsertSqliteAsync(SqliteConnection conn, Guid clientId, Guid nodeId, IReadOnlyList<IngestRow> rows, long receivedMs, CancellationToken ct)
    {
        // One writer at a time: SQLite serialises writers anyway, and waiting here is cheaper than its busy handler.
        await gate.Semaphore.WaitAsync(ct);
        try
        {
            await using var tx = (SqliteTransaction)await conn.BeginTransactionAsync(ct);
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT INTO alerts ({Columns}) VALUES ($c, $n, $source, $key, $time, $recv, $level, $band, $rule_id, $rule_desc, " +
                "$groups, $tactics, $techniques, $agent_name, $agent_ip, $src_ip, $src_port, $dst_ip, $dst_port, $proto, $sig, $cat, $raw, 0, $recv) " +
                "ON CONFLICT (node_id, source, key) DO NOTHING";
            var p = cmd.Parameters;
            p.AddWithValue("$c", clientId);
            p.AddWithValue("$n", nodeId);
            p.AddWithValue("$recv", receivedMs);
            var source = p.Add("$source", SqliteType.Integer);
            var key = p.Add("$key", SqliteType.Text);
            var timeMs = p.Add("$time", SqliteType.Integer);
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
            cmd.Prepare();
            var inserted = 0;
            foreach (var row in rows)
            {
                var a = row.Alert;
                source.Value = (int)a.Source;
                key.Value = row.Key;
                timeMs.Value = a.Timestamp.ToUnixTimeMilliseconds();
                level.Value = a.Level;
                band.Value = (int)a.Band;
                ruleId.Value = Db(IngestRow.Fit(a.RuleId, 64));
                ruleDesc.Value = Db(IngestRow.Fit(a.RuleDescription, 2000));
                groups.Value = Db(IngestRow.List(a.RuleGroups));
                tactics.Value = Db(IngestRow.List(a.MitreTactics));
                techniques.Value = Db(IngestRow.List(a.MitreTechniques));
                agentName.Value = Db(IngestRow.Fit(a.AgentName, 255));
                agentIp.Value = Db(IngestRow.Fit(a.AgentIp, 64));
                srcIp.Value = Db(IngestRow.Fit(a.SrcIp, 64));
                srcPort.Value = a.SrcPort is { } sp ? sp : DBNull.Value;
                dstIp.Value = Db(IngestRow.Fit(a.DstIp, 64));
                dstPort.Value = a.DstPort is { } dp ? dp : DBNull.Value;
                proto.Value = Db(IngestRow.Fit(a.Protocol, 32));
                sig.Value = Db(IngestRow.Fit(a.Signature, 2000));
                cat.Value = Db(IngestRow.Fit(a.Category, 255));
                raw.Value = a.Raw;
                inserted += await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            return inserted;
        }
        finally
        {
            gate.Semaphore.Release();
        }
    }

    private static async Task<int> InsertPostgresAsync(NpgsqlConnection conn, Guid clientId, Guid nodeId, IReadOnlyList<IngestRow> rows, long receivedMs, CancellationToken ct)
    {
        var n = rows.Count;
        var source = new int[n];
        var key = new string[n];
        var timeMs = new long[n];
        var level = new int[n];
        var band = new int[n];
        var ruleId = new string?[n];
        var ruleDesc = new string?[n];
        var groups = new string?[n];
        var tactics = new string?[n];
        var techniques = new string?[n];
        var agentName = new string?[n];
        var agentIp = new string?[n];
        var srcIp = new string?[n];
        var srcPort = new int?[n];
        var dstIp = new string?[n];
        var dstPort = new int?[n];
        var proto = new string?[n];
        var sig = new string?[n];
        var cat = new string?[n];
        var raw = new string[n];
        for (var i = 0; i < n; i++)
        {
            var a = rows[i].Alert;
            source[i] = (int)a.Source;
            key[i] = rows[i].Key;
            timeMs[i] = a.Timestamp.ToUnixTimeMilliseconds();
            level[i] = a.Level;
            band[i] = (int)a.Band;
            ruleId[i] = IngestRow.Fit(a.RuleId, 64);
            ruleDesc[i] = IngestRow.Fit(a.RuleDescription, 2000);
            groups[i] = IngestRow.List(a.RuleGroups);
            tactics[i] = IngestRow.List(a.MitreTactics);
            techniques[i] = IngestRow.List(a.MitreTechniques);
            agentName[i] = IngestRow.Fit(a.AgentName, 255);
            agentIp[i] = IngestRow.Fit(a.AgentIp, 64);
            srcIp[i] = IngestRow.Fit(a.SrcIp, 64);
            srcPort[i] = a.SrcPort;
            dstIp[i] = IngestRow.Fit(a.DstIp, 64);
            dstPort[i] = a.DstPort;
            proto[i] = IngestRow.Fit(a.Protocol, 32);
            sig[i] = IngestRow.Fit(a.Signature, 2000);
            cat[i] = IngestRow.Fit(a.Category, 255);
            raw[i] = IngestRow.Fit(a.Raw, int.MaxValue)!;
        }
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"INSERT INTO alerts ({Columns}) " +
            "SELECT @c, @n, u.source, u.key, u.time_ms, @recv, u.level, u.band, u.rule_id, u.rule_desc, u.groups, u.tactics, u.techniques, " +
            "u.agent_name, u.agent_ip, u.src_ip, u.src_port, u.dst_ip, u.dst_port, u.proto, u.sig, u.cat, u.raw, 0, @recv " +
            "FROM unnest(@source, @key, @time, @level, @band, @rule_id, @rule_desc, @groups, @tactics, @techniques, @agent_name, @agent_ip, " +
            "@src_ip, @src_port, @dst_ip, @dst_port, @proto, @sig, @cat, @raw) AS u(source, key, time_ms, level, band, rule_id, rule_desc, " +
            "groups, tactics, techniques, agent_name, agent_ip, src_ip, src_port, dst_ip, dst_port, proto, sig, cat, raw) " +
            "ON CONFLICT (node_id, source, key) DO NOTHING";
        var p = cmd.Parameters;
        p.AddWithValue("c", clientId);
        p.AddWithValue("n", nodeId);
        p.AddWithValue("recv", receivedMs);
        p.AddWithValue("source", source);
        p.AddWithValue("key", NpgsqlDbType.Array | NpgsqlDbType.Text, key);
        p.AddWithValue("time", timeMs);
        p.AddWithValue("level", level);
        p.AddWithValue("band", band);
        AddText(p, "rule_id", ruleId);
        AddText(p, "rule_desc", ruleDesc);
        AddText(p, "groups", groups);
        AddText(p, "tactics", tactics);
        AddText(p, "techniques", techniques);
        AddText(p, "agent_name", agentName);
        AddText(p, "agent_ip", agentIp);
        AddText(p, "src_ip", srcIp);
        p.AddWithValue("src_port", NpgsqlDbType.Array | NpgsqlDbType.Integer, srcPort);
        AddText(p, "dst_ip", dstIp);
        p.AddWithValue("dst_port", NpgsqlDbType.Array | NpgsqlDbType.Integer, dstPort);
        AddText(p, "proto", proto);
        AddText(p, "sig", sig);
        AddText(p, "cat", cat);
        p.AddWithValue("raw", NpgsqlDbType.Array | NpgsqlDbType.Text, raw);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddText(NpgsqlParameterCollection p, string name, string?[] values) =>
        p.AddWithValue(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values);

    private static object Db(string? s) => s is null ? DBNull.Value : s;
}

/// <summary>Serialises the SQLite ingest writers of this process (SQLite has one writer at a time).</summary>
internal sealed class SqliteWriteGate
{
    public SemaphoreSlim Semaphore { get; } = new(1, 1);
}
