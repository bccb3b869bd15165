using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Socme.Core.Data;
using Socme.Core.Data.Notifications;

namespace Socme.Core.Features.Notifications;

/// <summary>
/// The outbox's claims, the feature's only hand-written SQL. On PostgreSQL the rows are locked with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several core replicas never take the same intent or delivery; SQLite has a single
/// writer (one core), where the same statements without the lock clause run inside a write transaction.
/// </summary>
internal static class OutboxStore
{
    /// <summary>Pending intents, oldest first, locked for the caller's transaction.</summary>
    public static IQueryable<NotificationIntent> ClaimIntents(SocmeDbContext db, int limit) => db.Database.IsNpgsql()
        ? db.NotificationIntents.FromSql($"SELECT * FROM notification_intents WHERE processed_ms IS NULL ORDER BY id LIMIT {limit} FOR UPDATE SKIP LOCKED")
        : db.NotificationIntents.FromSql($"SELECT * FROM notification_intents WHERE processed_ms IS NULL ORDER BY id LIMIT {limit}");

    /// <summary>
    /// Leases up to <paramref name="limit"/> due pending deliveries until <paramref name="leaseUntilMs"/>; returns their ids.
    /// A lease that ran out (a core that died while sending) makes the row due again.
    /// </summary>
    public static async Task<List<long>> LeaseDueAsync(SocmeDbContext db, long nowMs, long leaseUntilMs, int limit, CancellationToken ct)
    {
        var sql = "UPDATE notification_deliveries SET lease_until_ms = @until WHERE id IN (" +
            "SELECT id FROM notification_deliveries WHERE state = 0 AND next_attempt_ms <= @now " +
            "AND (lease_until_ms IS NULL OR lease_until_ms < @now) ORDER BY next_attempt_ms, id LIMIT @limit" + SkipLocked(db) + ") RETURNING id";
        var conn = db.Database.GetDbConnection();
        var opened = conn.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await conn.OpenAsync(ct);
        }
        try
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            Add(cmd, "@until", leaseUntilMs);
            Add(cmd, "@now", nowMs);
            Add(cmd, "@limit", limit);
            var ids = new List<long>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
            }
            return ids;
        }
        finally
        {
            if (opened)
            {
                await conn.CloseAsync();
            }
        }
    }

    private static string SkipLocked(SocmeDbContext db) => db.Database.IsNpgsql() ? " FOR UPDATE SKIP LOCKED" : "";

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
