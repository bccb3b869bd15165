using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Socme.Alerts;
using Socme.Core.Data;
using SQLitePCL;

namespace Socme.Core.Features.Ingest;

/// <summary>
/// The bulk insert of the ingest path, one statement per provider, idempotent on (node, source, key):
/// a duplicate is skipped by <c>ON CONFLICT DO NOTHING</c> and counted as such, never an error.
/// This file holds the feature's only hand-written SQL.
/// </summary>
internal sealed class AlertIngestStore(SqliteIngestWriter sqlite)
{
    /// <summary>
    /// The columns an ingested alert sets: its fields, and the triage columns the notification rules may set (status,
    /// verdict, assignee, tags; otherwise new and empty).
    /// </summary>
    internal const string Columns =
        "client_id, node_id, source, key, time_ms, received_ms, level, band, rule_id, rule_description, rule_groups, " +
        "mitre_tactics, mitre_techniques, agent_name, agent_ip, src_ip, src_port, dst_ip, dst_port, protocol, signature, " +
        "category, raw, status, closed_ms, updated_ms, verdict, verdict_reason, assignee_id, tags, acknowledged_ms";

    /// <summary>Inserts the rows; returns how many were new.</summary>
    public async Task<int> InsertAsync(SocmeDbContext db, Guid clientId, Guid nodeId, IReadOnlyList<IngestRow> rows, long receivedMs, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return 0;
        }
        if (db.Database.IsSqlite())
        {
            // SQLite has one writer: the rows join the queue of the group-commit writer, which answers once they are committed.
            return await sqlite.WriteAsync(clientId, nodeId, rows, receivedMs, ct);
        }
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return db.Database.GetDbConnection() switch
            {
                NpgsqlConnection pg => await InsertPostgresAsync(pg, clientId, nodeId, rows, receivedMs, ct),
                var other => throw new NotSupportedException($"No bulk insert for {other.GetType().Name}."),
            };
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// PostgreSQL: a binary COPY of the batch, and only when it meets a row already stored (a resend) the batch again
    /// through <c>INSERT … ON CONFLICT DO NOTHING</c>, which counts the new rows.
    /// </summary>
    /// <remarks>
    /// COPY costs PostgreSQL about a quarter less CPU per row than the <c>INSERT … SELECT FROM unnest(…) ON CONFLICT</c>
    /// statement, and ingest is CPU-bound. A COPY is one statement, so a failed one stores nothing (its rows become dead
    /// tuples for autovacuum). A resent batch fails at its first duplicate, which PostgreSQL checks after each buffered
    /// group of a few dozen rows, so a resend costs little more than the fallback statement. Two requests inserting the
    /// same new alerts in a different order can deadlock (with either statement); PostgreSQL aborts one of them, which is
    /// then written again by the fallback statement once the other has committed.
    /// </remarks>
    private static async Task<int> InsertPostgresAsync(NpgsqlConnection conn, Guid clientId, Guid nodeId, IReadOnlyList<IngestRow> rows, long receivedMs, CancellationToken ct)
    {
        // Rows the notification rules matched write their outbox intents, history and rule counters in the same
        // transaction as the alerts; a batch no rule matched stays one COPY statement (its own transaction).
        var withOutcomes = rows.Any(r => r.Outcome is not null);
        try
        {
            await using var tx = withOutcomes ? await conn.BeginTransactionAsync(ct) : null;
            await using (var copy = await conn.BeginBinaryImportAsync(PostgresAlertCopy.Command, ct))
            {
                foreach (var row in rows)
                {
                    await PostgresAlertCopy.WriteRowAsync(copy, clientId, nodeId, row, receivedMs, 0, null, ct);
                }
                await copy.CompleteAsync(ct);
            }
            if (tx is not null)
            {
                var ids = await IngestOutcomeStore.IdsOfPostgresAsync(conn, nodeId, rows, ct);
                await IngestOutcomeStore.WritePostgresAsync(conn, clientId, ids, receivedMs, ct);
                await tx.CommitAsync(ct);
            }
            return rows.Count;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
        {
            // Some rows are there already (or were being written by another request): count them out below.
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var tx = withOutcomes ? await conn.BeginTransactionAsync(ct) : null;
                var inserted = await InsertPostgresSkippingDuplicatesAsync(conn, clientId, nodeId, rows, receivedMs, ct);
                if (tx is not null)
                {
                    await IngestOutcomeStore.WritePostgresAsync(conn, clientId, IngestOutcomeStore.Match(rows, inserted), receivedMs, ct);
                    await tx.CommitAsync(ct);
                }
                return inserted.Count;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
                // The other transaction goes on and commits; ours runs again and finds its rows as duplicates.
            }
        }
    }

    /// <summary>Inserts the rows that are new; returns them (id, source, key).</summary>
    private static async Task<List<(long Id, AlertSource Source, string Key)>> InsertPostgresSkippingDuplicatesAsync(NpgsqlConnection conn, Guid clientId, Guid nodeId, IReadOnlyList<IngestRow> rows, long receivedMs, CancellationToken ct)
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
        var status = new int[n];
        var closedMs = new long?[n];
        var verdict = new int?[n];
        var verdictReason = new string?[n];
        var assignee = new Guid?[n];
        var tags = new string?[n];
        var ackMs = new long?[n];
        for (var i = 0; i < n; i++)
        {
            var a = rows[i];
            source[i] = (int)a.Source;
            key[i] = a.Key;
            timeMs[i] = a.TimeMs;
            level[i] = a.Level;
            band[i] = (int)a.Band;
            ruleId[i] = a.RuleId;
            ruleDesc[i] = a.RuleDescription;
            groups[i] = a.RuleGroups;
            tactics[i] = a.MitreTactics;
            techniques[i] = a.MitreTechniques;
            agentName[i] = a.AgentName;
            agentIp[i] = a.AgentIp;
            srcIp[i] = a.SrcIp;
            srcPort[i] = a.SrcPort;
            dstIp[i] = a.DstIp;
            dstPort[i] = a.DstPort;
            proto[i] = a.Protocol;
            sig[i] = a.Signature;
            cat[i] = a.Category;
            raw[i] = a.Raw;
            var t = IngestTriage.Of(a, receivedMs, 0, null);
            status[i] = t.Status;
            closedMs[i] = t.ClosedMs;
            verdict[i] = t.Verdict;
            verdictReason[i] = t.VerdictReason;
            assignee[i] = t.AssigneeId;
            tags[i] = t.Tags;
            ackMs[i] = t.AcknowledgedMs;
        }
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"INSERT INTO alerts ({Columns}) " +
            "SELECT @c, @n, u.source, u.key, u.time_ms, @recv, u.level, u.band, u.rule_id, u.rule_desc, u.groups, u.tactics, u.techniques, " +
            "u.agent_name, u.agent_ip, u.src_ip, u.src_port, u.dst_ip, u.dst_port, u.proto, u.sig, u.cat, u.raw, u.status, u.closed_ms, @recv, " +
            "u.verdict, u.verdict_reason, u.assignee, u.tags, u.ack_ms " +
            "FROM unnest(@source, @key, @time, @level, @band, @rule_id, @rule_desc, @groups, @tactics, @techniques, @agent_name, @agent_ip, " +
            "@src_ip, @src_port, @dst_ip, @dst_port, @proto, @sig, @cat, @raw, @status, @closed_ms, @verdict, @verdict_reason, @assignee, @tags, @ack_ms) " +
            "AS u(source, key, time_ms, level, band, rule_id, rule_desc, " +
            "groups, tactics, techniques, agent_name, agent_ip, src_ip, src_port, dst_ip, dst_port, proto, sig, cat, raw, " +
            "status, closed_ms, verdict, verdict_reason, assignee, tags, ack_ms) " +
            "ON CONFLICT (node_id, source, key) DO NOTHING RETURNING id, source, key";
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
        p.AddWithValue("status", status);
        p.AddWithValue("closed_ms", NpgsqlDbType.Array | NpgsqlDbType.Bigint, closedMs);
        p.AddWithValue("verdict", NpgsqlDbType.Array | NpgsqlDbType.Integer, verdict);
        AddText(p, "verdict_reason", verdictReason);
        p.AddWithValue("assignee", NpgsqlDbType.Array | NpgsqlDbType.Uuid, assignee);
        AddText(p, "tags", tags);
        p.AddWithValue("ack_ms", NpgsqlDbType.Array | NpgsqlDbType.Bigint, ackMs);
        var inserted = new List<(long Id, AlertSource Source, string Key)>(n);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                inserted.Add((reader.GetInt64(0), (AlertSource)reader.GetInt32(1), reader.GetString(2)));
            }
        }
        return inserted;
    }

    private static void AddText(NpgsqlParameterCollection p, string name, string?[] values) =>
        p.AddWithValue(name, NpgsqlDbType.Array | NpgsqlDbType.Text, values);
}

/// <summary>
/// Binary COPY of <c>alerts</c> rows (PostgreSQL's fastest insert), one row at a time into an open importer. Used by the
/// ingest path and by the benchmark's raw insert.
/// </summary>
internal static class PostgresAlertCopy
{
    public const string Command = $"COPY alerts ({AlertIngestStore.Columns}) FROM STDIN (FORMAT BINARY)";

    /// <summary>Writes one row: <paramref name="status"/> and <paramref name="closedMs"/> unless the rules set the triage columns.</summary>
    public static async Task WriteRowAsync(NpgsqlBinaryImporter copy, Guid clientId, Guid nodeId, IngestRow a, long receivedMs, int status, long? closedMs,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(a);
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(clientId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(nodeId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync((int)a.Source, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(a.Key, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(a.TimeMs, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(receivedMs, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(a.Level, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync((int)a.Band, NpgsqlDbType.Integer, ct);
        await TextAsync(copy, a.RuleId, NpgsqlDbType.Varchar, ct);
        await TextAsync(copy, a.RuleDescription, NpgsqlDbType.Text, ct);
        await TextAsync(copy, a.RuleGroups, NpgsqlDbType.Text, ct);
        await TextAsync(copy, a.MitreTactics, NpgsqlDbType.Text, ct);
        await TextAsync(copy, a.MitreTechniques, NpgsqlDbType.Text, ct);
        await TextAsync(copy, a.AgentName, NpgsqlDbType.Text, ct);
        await TextAsync(copy, a.AgentIp, NpgsqlDbType.Varchar, ct);
        await TextAsync(copy, a.SrcIp, NpgsqlDbType.Varchar, ct);
        await IntAsync(copy, a.SrcPort, ct);
        await TextAsync(copy, a.DstIp, NpgsqlDbType.Varchar, ct);
        await IntAsync(copy, a.DstPort, ct);
        await TextAsync(copy, a.Protocol, NpgsqlDbType.Varchar, ct);
        await TextAsync(copy, a.Signature, NpgsqlDbType.Text, ct);
        await TextAsync(copy, a.Category, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(a.Raw, NpgsqlDbType.Text, ct);
        var t = IngestTriage.Of(a, receivedMs, status, closedMs);
        await copy.WriteAsync(t.Status, NpgsqlDbType.Integer, ct);
        await LongAsync(copy, t.ClosedMs, ct);
        await copy.WriteAsync(receivedMs, NpgsqlDbType.Bigint, ct);
        await IntAsync(copy, t.Verdict, ct);
        await TextAsync(copy, t.VerdictReason, NpgsqlDbType.Text, ct);
        if (t.AssigneeId is { } assignee)
        {
            await copy.WriteAsync(assignee, NpgsqlDbType.Uuid, ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
        await TextAsync(copy, t.Tags, NpgsqlDbType.Text, ct);
        await LongAsync(copy, t.AcknowledgedMs, ct);
    }

    private static Task LongAsync(NpgsqlBinaryImporter copy, long? value, CancellationToken ct) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Bigint, ct) : copy.WriteNullAsync(ct);

    private static Task TextAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);

    private static Task IntAsync(NpgsqlBinaryImporter copy, int? value, CancellationToken ct) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Integer, ct) : copy.WriteNullAsync(ct);
}

/// <summary>
/// A prepared SQLite <c>INSERT</c> of one <c>alerts</c> row, bound again for each row: SQLite's fastest insert from .NET
/// (one statement compiled once, one row per step, many rows per transaction). Used by the ingest writer, and by the
/// benchmark's raw insert, so that both bind the same values the same way.
/// </summary>
/// <remarks>
/// It binds through SQLitePCL (the library under Microsoft.Data.Sqlite) by parameter number, with strings passed as
/// UTF-16 spans that SQLite converts itself: <c>SqliteCommand</c> looks every parameter up by name and re-encodes every
/// string in managed code on each execution, which cost more than the insert itself on the ingest path. The
/// statement runs on the connection's handle, inside whatever transaction the connection has open.
/// </remarks>
internal sealed class SqliteAlertInsert : IDisposable
{
    // Parameter numbers: the columns of AlertIngestStore.Columns in order; updated_ms is ?6 again (received).
    private const int ClientP = 1, NodeP = 2, SourceP = 3, KeyP = 4, TimeP = 5, ReceivedP = 6, LevelP = 7, BandP = 8, RuleIdP = 9,
        RuleDescP = 10, GroupsP = 11, TacticsP = 12, TechniquesP = 13, AgentNameP = 14, AgentIpP = 15, SrcIpP = 16, SrcPortP = 17,
        DstIpP = 18, DstPortP = 19, ProtoP = 20, SigP = 21, CatP = 22, RawP = 23, StatusP = 24, ClosedP = 25, VerdictP = 26,
        VerdictReasonP = 27, AssigneeP = 28, TagsP = 29, AcknowledgedP = 30;

    private readonly sqlite3 db;
    private readonly sqlite3_stmt stmt;
    private (Guid Client, Guid Node, long Received)? tenant;
    private (int Status, long? Closed)? triage;
    private bool outcomeBound;

    /// <param name="conn">An open connection.</param>
    /// <param name="skipDuplicates">
    /// Ingest: <c>ON CONFLICT (node_id, source, key) DO NOTHING</c>, and <see cref="Insert"/> tells a new row (1) from a
    /// duplicate (0). Without it a duplicate is an error (bulk loads of rows known to be new).
    /// </param>
    public SqliteAlertInsert(SqliteConnection conn, bool skipDuplicates)
    {
        ArgumentNullException.ThrowIfNull(conn);
        db = conn.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var sql = $"INSERT INTO alerts ({AlertIngestStore.Columns}) VALUES " +
            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?6, ?26, ?27, ?28, ?29, ?30)" +
            (skipDuplicates ? " ON CONFLICT (node_id, source, key) DO NOTHING" : "");
        Check(raw.sqlite3_prepare_v2(db, sql, out stmt));
        SetTriage(0, null);
    }

    /// <summary>Sets the tenant and arrival time of the rows that follow (a Guid as EF Core stores it on SQLite: upper-case text).</summary>
    public void SetTenant(Guid clientId, Guid nodeId, long receivedMs)
    {
        if (tenant == (clientId, nodeId, receivedMs))
        {
            return; // still bound: a reset keeps the bindings
        }
        tenant = (clientId, nodeId, receivedMs);
        Text(ClientP, clientId.ToString().ToUpperInvariant());
        Text(NodeP, nodeId.ToString().ToUpperInvariant());
        Check(raw.sqlite3_bind_int64(stmt, ReceivedP, receivedMs));
    }

    /// <summary>Triage state of the rows that follow (ingest keeps the defaults: new, not closed).</summary>
    public void SetTriage(int status, long? closedMs)
    {
        if (triage == (status, closedMs))
        {
            return;
        }
        triage = (status, closedMs);
        BindTriage(new IngestTriage(status, closedMs, null, null, null, null, null));
    }

    private void BindTriage(IngestTriage t)
    {
        Check(raw.sqlite3_bind_int(stmt, StatusP, t.Status));
        Int64(ClosedP, t.ClosedMs);
        Int64(VerdictP, t.Verdict);
        Text(VerdictReasonP, t.VerdictReason);
        Text(AssigneeP, t.AssigneeId?.ToString().ToUpperInvariant());
        Text(TagsP, t.Tags);
        Int64(AcknowledgedP, t.AcknowledgedMs);
    }

    /// <summary>Inserts one row; returns 1 when it was stored, 0 when it was a duplicate (with <c>skipDuplicates</c>).</summary>
    public int Insert(IngestRow a)
    {
        ArgumentNullException.ThrowIfNull(a);
        Check(raw.sqlite3_bind_int(stmt, SourceP, (int)a.Source));
        Text(KeyP, a.Key);
        Check(raw.sqlite3_bind_int64(stmt, TimeP, a.TimeMs));
        Check(raw.sqlite3_bind_int(stmt, LevelP, a.Level));
        Check(raw.sqlite3_bind_int(stmt, BandP, (int)a.Band));
        Text(RuleIdP, a.RuleId);
        Text(RuleDescP, a.RuleDescription);
        Text(GroupsP, a.RuleGroups);
        Text(TacticsP, a.MitreTactics);
        Text(TechniquesP, a.MitreTechniques);
        Text(AgentNameP, a.AgentName);
        Text(AgentIpP, a.AgentIp);
        Text(SrcIpP, a.SrcIp);
        Int64(SrcPortP, a.SrcPort);
        Text(DstIpP, a.DstIp);
        Int64(DstPortP, a.DstPort);
        Text(ProtoP, a.Protocol);
        Text(SigP, a.Signature);
        Text(CatP, a.Category);
        Text(RawP, a.Raw);
        if (a.Outcome is not null)
        {
            // Rows the rules touched carry their own triage columns; the next plain row binds the defaults again.
            BindTriage(IngestTriage.Of(a, tenant?.Received ?? 0, triage?.Status ?? 0, triage?.Closed));
            outcomeBound = true;
        }
        else if (outcomeBound)
        {
            BindTriage(new IngestTriage(triage?.Status ?? 0, triage?.Closed, null, null, null, null, null));
            outcomeBound = false;
        }
        var rc = raw.sqlite3_step(stmt);
        raw.sqlite3_reset(stmt);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
        return raw.sqlite3_changes(db);
    }

    public void Dispose() => stmt.Dispose();

    private void Text(int p, string? value) => Check(value switch
    {
        null => raw.sqlite3_bind_null(stmt, p),
        // An empty span would reach SQLite as a null pointer, which binds NULL.
        "" => raw.sqlite3_bind_text(stmt, p, ""),
        _ => raw.sqlite3_bind_text16(stmt, p, value.AsSpan()),
    });

    private void Int64(int p, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(stmt, p, v) : raw.sqlite3_bind_null(stmt, p));

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}

/// <summary>The triage columns of an ingested row: the defaults, or what the notification rules set.</summary>
internal readonly record struct IngestTriage(int Status, long? ClosedMs, int? Verdict, string? VerdictReason, Guid? AssigneeId, string? Tags, long? AcknowledgedMs)
{
    public static IngestTriage Of(IngestRow row, long receivedMs, int status, long? closedMs)
    {
        if (row.Outcome is not { } o)
        {
            return new(status, closedMs, null, null, null, null, null);
        }
        var s = o.Status ?? (Data.Alerts.AlertStatus)status;
        return new(
            (int)s,
            s == Data.Alerts.AlertStatus.Closed ? receivedMs : closedMs,
            o.Status is null || o.Verdict is null ? null : (int)o.Verdict,
            o.Status is null ? null : IngestRow.Fit(o.Reason, 2000),
            o.AssigneeId,
            o.TagList,
            s != Data.Alerts.AlertStatus.New ? receivedMs : null);
    }
}
