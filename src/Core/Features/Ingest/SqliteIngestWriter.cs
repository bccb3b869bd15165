using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Socme.Core.Data;

namespace Socme.Core.Features.Ingest;

/// <summary>
/// The one writer of ingested alerts on SQLite, with group commit: each request queues its rows and waits; a single
/// loop takes every batch waiting at that moment, inserts them all in one transaction, commits, and then answers each
/// request with its own count.
/// </summary>
/// <remarks>
/// SQLite has one writer at a time, so concurrent requests wait for each other anyway; what group commit saves is the
/// commit of each small transaction (the WAL pages of every index written again, for a few hundred rows each time).
/// <list type="bullet">
/// <item>A request is answered only after the transaction holding its rows has committed: durability is that of a
/// transaction per request (WAL, <c>synchronous=NORMAL</c>).</item>
/// <item>Counts are exact per request: each row's <c>INSERT … ON CONFLICT DO NOTHING</c> says whether it was new, and
/// the batches of a group are inserted in the order they were queued, so an alert sent by two concurrent requests is
/// accepted once, by the first, and is a duplicate for the other.</item>
/// <item>A batch fails alone: when a group's transaction fails, it is rolled back and each of its batches is written
/// again in a transaction of its own, so only the batch that fails gets the error.</item>
/// <item>A group holds whole batches, at most <see cref="MaxGroupRows"/> rows (more only when one batch is larger), so
/// that other writers (triage, heartbeats) wait at most one group for the write lock.</item>
/// <item>The writer is per process; other processes on the same file (the CLI verbs) wait through SQLite's busy
/// timeout as before.</item>
/// </list>
/// </remarks>
internal sealed class SqliteIngestWriter(IServiceScopeFactory scopes, ILogger<SqliteIngestWriter> log) : IDisposable
{
    /// <summary>Rows after which a group stops taking more batches.</summary>
    internal const int MaxGroupRows = 10_000;

    private readonly Channel<PendingBatch> queue = Channel.CreateBounded<PendingBatch>(new BoundedChannelOptions(1024)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Lock startLock = new();
    private Task? loop;
    private long groups;
    private long batches;
    private int waiting;

    /// <summary>Transactions committed so far (one per group, or per batch after a failed group).</summary>
    public long Groups => Interlocked.Read(ref groups);

    /// <summary>Batches whose requests are waiting: queued, or in the transaction being written.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>Batches written so far.</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>Queues the rows and waits until they are committed; returns how many were new.</summary>
    public async Task<int> WriteAsync(Guid clientId, Guid nodeId, IReadOnlyList<IngestRow> rows, long receivedMs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        EnsureStarted();
        var batch = new PendingBatch(clientId, nodeId, rows, receivedMs, ct);
        Interlocked.Increment(ref waiting);
        try
        {
            await queue.Writer.WriteAsync(batch, ct);
            // A request that goes away stops waiting; if its batch was already taken, it is still written (a resend is a duplicate).
            return await batch.Done.Task.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    /// <summary>Stops taking batches; waits (bounded) until those already queued are written.</summary>
    public void Dispose()
    {
        queue.Writer.TryComplete();
        Task? running;
        lock (startLock)
        {
            running = loop;
        }
        running?.Wait(TimeSpan.FromSeconds(30));
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref loop) is not null)
        {
            return;
        }
        lock (startLock)
        {
            loop ??= Task.Run(LoopAsync);
        }
    }

    private async Task LoopAsync()
    {
        var reader = queue.Reader;
        var group = new List<PendingBatch>();
        while (await reader.WaitToReadAsync())
        {
            group.Clear();
            var rows = 0;
            while (rows < MaxGroupRows && reader.TryRead(out var batch))
            {
                if (batch.Cancellation.IsCancellationRequested)
                {
                    batch.Done.TrySetCanceled(batch.Cancellation);
                    continue;
                }
                group.Add(batch);
                rows += batch.Rows.Count;
            }
            if (group.Count > 0)
            {
                WriteGroup(group);
            }
        }
    }

    private void WriteGroup(List<PendingBatch> group)
    {
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<SocmeDbContext>();
            db.Database.OpenConnection();
            try
            {
                var conn = (SqliteConnection)db.Database.GetDbConnection();
                try
                {
                    Commit(conn, group);
                }
                catch (DbException e) when (group.Count > 1)
                {
                    log.LogWarning(e, "A group of {Batches} ingest batches failed; writing each batch alone", group.Count);
                    foreach (var batch in group)
                    {
                        try
                        {
                            Commit(conn, [batch]);
                        }
                        catch (DbException alone)
                        {
                            batch.Done.TrySetException(alone);
                        }
                    }
                }
            }
            finally
            {
                db.Database.CloseConnection();
            }
        }
        catch (Exception e)
        {
            // Never let the loop die: every queued request would wait forever. The requests get the error.
            foreach (var batch in group)
            {
                batch.Done.TrySetException(e);
            }
        }
    }

    /// <summary>Inserts the batches in one transaction and, once it has committed, answers each of them.</summary>
    private void Commit(SqliteConnection conn, List<PendingBatch> group)
    {
        var counts = new int[group.Count];
        using (var tx = conn.BeginTransaction())
        using (var insert = new SqliteAlertInsert(conn, skipDuplicates: true))
        using (var outcomes = new IngestOutcomeStore.SqliteWriter(conn, tx))
        {
            for (var i = 0; i < group.Count; i++)
            {
                var batch = group[i];
                insert.SetTenant(batch.ClientId, batch.NodeId, batch.ReceivedMs);
                foreach (var row in batch.Rows)
                {
                    var added = insert.Insert(row);
                    counts[i] += added;
                    if (added == 1 && row.Outcome is not null)
                    {
                        // Its outbox intents, history and rule counters commit with it, or not at all.
                        outcomes.Write(batch.ClientId, row, batch.ReceivedMs);
                    }
                }
            }
            outcomes.Flush();
            tx.Commit();
        }
        Interlocked.Increment(ref groups);
        Interlocked.Add(ref batches, group.Count);
        for (var i = 0; i < group.Count; i++)
        {
            group[i].Done.TrySetResult(counts[i]);
        }
    }

    private sealed record PendingBatch(Guid ClientId, Guid NodeId, IReadOnlyList<IngestRow> Rows, long ReceivedMs, CancellationToken Cancellation)
    {
        /// <summary>Completed off the writer's thread, so that answering a request never delays the next group.</summary>
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
