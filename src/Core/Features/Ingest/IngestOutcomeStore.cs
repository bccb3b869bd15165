using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Socme.Alerts;
using Socme.Core.Data.Alerts;
using Socme.Core.Features.Alerts;

namespace Socme.Core.Features.Ingest;

/// <summary>
/// What the notification rules decided for newly stored alerts, written in the alerts' own transaction: the outbox
/// intents (one per alert and rule that sends something), the alert history of a status the rules set, and the rules'
/// match counters. Only new alerts get them: a resent alert is a duplicate and queues nothing.
/// </summary>
internal static class IngestOutcomeStore
{
    private const string IntentSql =
        "INSERT INTO notification_intents (client_id, alert_id, rule_id, created_ms) VALUES ";
    private const string HistoryColumns = "alert_id, client_id, actor_id, actor, field, old_value, new_value, at";

    /// <summary>The rows with an outcome among those just inserted, with their ids.</summary>
    public static List<(long AlertId, IngestRow Row)> Match(IReadOnlyList<IngestRow> rows, List<(long Id, AlertSource Source, string Key)> inserted)
    {
        var ids = inserted.ToDictionary(i => (i.Source, i.Key), i => i.Id);
        var matched = new List<(long, IngestRow)>();
        foreach (var row in rows)
        {
            if (row.Outcome is not null && ids.TryGetValue((row.Source, row.Key), out var id))
            {
                matched.Add((id, row));
            }
        }
        return matched;
    }

    /// <summary>PostgreSQL after a COPY of new rows only: the ids of the rows with an outcome.</summary>
    public static async Task<List<(long AlertId, IngestRow Row)>> IdsOfPostgresAsync(NpgsqlConnection conn, Guid nodeId, IReadOnlyList<IngestRow> rows, CancellationToken ct)
    {
        var keys = rows.Where(r => r.Outcome is not null).Select(r => r.Key).Distinct().ToArray();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id, source, key FROM alerts WHERE node_id = @n AND key = ANY(@keys)";
        cmd.Parameters.AddWithValue("n", nodeId);
        cmd.Parameters.AddWithValue("keys", NpgsqlDbType.Array | NpgsqlDbType.Varchar, keys);
        var found = new List<(long, AlertSource, string)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                found.Add((reader.GetInt64(0), (AlertSource)reader.GetInt32(1), reader.GetString(2)));
            }
        }
        return Match(rows, found);
    }

    public static async Task WritePostgresAsync(NpgsqlConnection conn, Guid clientId, List<(long AlertId, IngestRow Row)> matched, long nowMs, CancellationToken ct)
    {
        if (matched.Count == 0)
        {
            return;
        }
        var intentAlerts = new List<long>();
        var intentRules = new List<Guid>();
        var history = new List<History>();
        var counts = new Dictionary<Guid, long>();
        Collect(matched, intentAlerts, intentRules, history, counts);
        if (intentAlerts.Count > 0)
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT INTO notification_intents (client_id, alert_id, rule_id, created_ms) " +
                "SELECT @c, u.a, u.r, @now FROM unnest(@alerts, @rules) AS u(a, r) ON CONFLICT DO NOTHING";
            cmd.Parameters.AddWithValue("c", clientId);
            cmd.Parameters.AddWithValue("now", nowMs);
            cmd.Parameters.AddWithValue("alerts", intentAlerts.ToArray());
            cmd.Parameters.AddWithValue("rules", intentRules.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (history.Count > 0)
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"INSERT INTO alert_history ({HistoryColumns}) " +
                "SELECT u.a, @c, NULL, u.actor, u.field, u.old, u.new, @at FROM unnest(@alerts, @actors, @fields, @olds, @news) AS u(a, actor, field, old, new)";
            cmd.Parameters.AddWithValue("c", clientId);
            cmd.Parameters.AddWithValue("at", DateTimeOffset.FromUnixTimeMilliseconds(nowMs).UtcDateTime);
            cmd.Parameters.AddWithValue("alerts", history.Select(h => h.AlertId).ToArray());
            cmd.Parameters.AddWithValue("actors", NpgsqlDbType.Array | NpgsqlDbType.Varchar, history.Select(h => h.Actor).ToArray());
            cmd.Parameters.AddWithValue("fields", NpgsqlDbType.Array | NpgsqlDbType.Varchar, history.Select(h => h.Field).ToArray());
            cmd.Parameters.AddWithValue("olds", NpgsqlDbType.Array | NpgsqlDbType.Text, history.Select(h => h.Old).ToArray());
            cmd.Parameters.AddWithValue("news", NpgsqlDbType.Array | NpgsqlDbType.Text, history.Select(h => h.New).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "UPDATE notification_rules AS r SET match_count = r.match_count + u.n, last_match_ms = @now " +
                "FROM unnest(@ids, @counts) AS u(id, n) WHERE r.id = u.id";
            cmd.Parameters.AddWithValue("now", nowMs);
            cmd.Parameters.AddWithValue("ids", counts.Keys.ToArray());
            cmd.Parameters.AddWithValue("counts", counts.Values.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static void Collect(List<(long AlertId, IngestRow Row)> matched, List<long> intentAlerts, List<Guid> intentRules, List<History> history,
        Dictionary<Guid, long> counts)
    {
        foreach (var (alertId, row) in matched)
        {
            var o = row.Outcome!;
            foreach (var rule in o.Intents)
            {
                intentAlerts.Add(alertId);
                intentRules.Add(rule);
            }
            foreach (var rule in o.Matched)
            {
                counts[rule] = counts.GetValueOrDefault(rule) + 1;
            }
            history.AddRange(HistoryOf(alertId, o));
        }
    }

    private static IEnumerable<History> HistoryOf(long alertId, Notifications.RuleOutcome o)
    {
        var actor = IngestRow.Fit("rule: " + (o.StatusRule ?? "notification rules"), 256)!;
        if (o.Status is { } status)
        {
            yield return new History(alertId, actor, "status", AlertMapping.StatusName(AlertStatus.New), AlertMapping.StatusName(status));
            if (o.Verdict is { } verdict)
            {
                yield return new History(alertId, actor, "verdict", null, AlertMapping.VerdictName(verdict));
            }
        }
        if (o.AssigneeId is { } assignee)
        {
            yield return new History(alertId, actor, "assignee", null, assignee.ToString());
        }
        if (o.Tags.Count > 0)
        {
            yield return new History(alertId, actor, "tags", "", string.Join(' ', o.Tags));
        }
    }

    private sealed record History(long AlertId, string Actor, string Field, string? Old, string? New);

    /// <summary>
    /// SQLite, inside the ingest writer's transaction: <see cref="Write"/> after each new row with an outcome
    /// (<c>last_insert_rowid()</c> is its id), <see cref="Flush"/> before the commit.
    /// </summary>
    internal sealed class SqliteWriter(SqliteConnection conn, SqliteTransaction tx) : IDisposable
    {
        private readonly Dictionary<Guid, long> counts = [];
        private SqliteCommand? intent;
        private SqliteCommand? historyCmd;
        private long lastMs;

        public void Write(Guid clientId, IngestRow row, long nowMs)
        {
            var o = row.Outcome!;
            var alertId = LastRowId();
            lastMs = nowMs;
            foreach (var rule in o.Matched)
            {
                counts[rule] = counts.GetValueOrDefault(rule) + 1;
            }
            foreach (var rule in o.Intents)
            {
                intent ??= Prepare($"{IntentSql}($c, $a, $r, $now) ON CONFLICT DO NOTHING", "$c", "$a", "$r", "$now");
                intent.Parameters["$c"].Value = Upper(clientId);
                intent.Parameters["$a"].Value = alertId;
                intent.Parameters["$r"].Value = Upper(rule);
                intent.Parameters["$now"].Value = nowMs;
                intent.ExecuteNonQuery();
            }
            foreach (var h in HistoryOf(alertId, o))
            {
                historyCmd ??= Prepare($"INSERT INTO alert_history ({HistoryColumns}) VALUES ($a, $c, NULL, $actor, $field, $old, $new, $at)",
                    "$a", "$c", "$actor", "$field", "$old", "$new", "$at");
                historyCmd.Parameters["$a"].Value = h.AlertId;
                historyCmd.Parameters["$c"].Value = Upper(clientId);
                historyCmd.Parameters["$actor"].Value = h.Actor;
                historyCmd.Parameters["$field"].Value = h.Field;
                historyCmd.Parameters["$old"].Value = (object?)h.Old ?? DBNull.Value;
                historyCmd.Parameters["$new"].Value = (object?)h.New ?? DBNull.Value;
                historyCmd.Parameters["$at"].Value = DateTimeOffset.FromUnixTimeMilliseconds(nowMs).UtcDateTime;
                historyCmd.ExecuteNonQuery();
            }
        }

        public void Flush()
        {
            if (counts.Count == 0)
            {
                return;
            }
            using var cmd = Prepare("UPDATE notification_rules SET match_count = match_count + $n, last_match_ms = $now WHERE id = $id", "$n", "$now", "$id");
            foreach (var (rule, n) in counts)
            {
                cmd.Parameters["$n"].Value = n;
                cmd.Parameters["$now"].Value = lastMs;
                cmd.Parameters["$id"].Value = Upper(rule);
                cmd.ExecuteNonQuery();
            }
            counts.Clear();
        }

        public void Dispose()
        {
            intent?.Dispose();
            historyCmd?.Dispose();
        }

        private long LastRowId()
        {
            using var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT last_insert_rowid()";
            return (long)cmd.ExecuteScalar()!;
        }

        private SqliteCommand Prepare(string sql, params string[] names)
        {
            var cmd = conn.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            foreach (var n in names)
            {
                cmd.Parameters.Add(new SqliteParameter { ParameterName = n });
            }
            cmd.Prepare();
            return cmd;
        }

        /// <summary>A Guid as EF Core stores it on SQLite: upper-case text.</summary>
        private static string Upper(Guid g) => g.ToString().ToUpperInvariant();
    }
}
