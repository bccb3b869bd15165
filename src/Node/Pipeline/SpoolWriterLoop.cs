using System.Threading.Channels;
using Socme.Node.DeadLetters;
using Socme.Node.Spool;

namespace Socme.Node.Pipeline;

/// <summary>
/// The single spool writer. Takes whatever chunks wait in the channel (up to <see cref="PipelineSettings.GroupMaxBytes"/>)
/// and commits them as one group: append the records, one fsync; append and fsync the dead letters; move and save the
/// sources' <c>spooled</c> checkpoints; then make the records visible to the shipper. A checkpoint is therefore never
/// ahead of what is durable.
/// </summary>
/// <remarks>
/// When the spool is full the writer waits for the shipper to free room; the channel fills, the readers block on it
/// and stop reading: the source files hold the data, nothing is dropped. A failed write (a full disk) is rolled back
/// and retried every <see cref="PipelineSettings.DiskRetryDelay"/>, with one error logged per episode.
/// </remarks>
internal sealed class SpoolWriterLoop(DiskSpool spool, DeadLetterWriter deadLetters, PipelineStatus status, PipelineSettings settings, TimeProvider time, ILogger log)
{
    private bool _failing;
    private bool _checkpointFailing;

    /// <summary>Runs until the channel is completed (and drained) or <paramref name="ct"/> is cancelled while waiting
    /// for room or for the disk.</summary>
    public async Task RunAsync(ChannelReader<SpoolChunk> input, CancellationToken ct)
    {
        var group = new List<SpoolChunk>();
        SpoolChunk? carry = null;
        try
        {
            while (carry is not null || await input.WaitToReadAsync(CancellationToken.None))
            {
                long bytes = 0;
                while (bytes < settings.GroupMaxBytes)
                {
                    var next = carry;
                    carry = null;
                    if (next is null && !input.TryRead(out next))
                    {
                        break;
                    }
                    var room = group.Count == 0 ? spool.HasRoomFor(next.Length) : spool.Fits(bytes + next.Length);
                    if (next.Length > 0 && !room)
                    {
                        if (group.Count > 0)
                        {
                            carry = next;
                            break;
                        }
                        try
                        {
                            await spool.WaitForRoomAsync(next.Length, ct);
                        }
                        catch
                        {
                            next.Release();
                            throw;
                        }
                    }
                    group.Add(next);
                    bytes += next.Length;
                }
                if (group.Count > 0)
                {
                    await CommitAsync(group, ct);
                    group.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping while waiting: the uncommitted chunks are read again after a restart.
        }
        finally
        {
            foreach (var c in group)
            {
                c.Release();
            }
            carry?.Release();
            while (input.TryRead(out var left))
            {
                left.Release();
            }
        }
    }

    private async Task CommitAsync(List<SpoolChunk> group, CancellationToken ct)
    {
        var spooled = false;
        var lettersWritten = false;
        while (true)
        {
            try
            {
                if (!spooled)
                {
                    AppendAndSync(group);
                    spooled = true;
                }
                if (!lettersWritten)
                {
                    var letters = group.Where(c => c.DeadLetters is not null).SelectMany(c => c.DeadLetters!).ToList();
                    deadLetters.Write(letters);
                    lettersWritten = true;
                }
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!_failing)
                {
                    _failing = true;
                    log.LogError("Cannot write to the data folder {DataDir}: {Message}. Spooling is paused (reading stops; the source files keep the alerts; checkpoints are unchanged); retrying every {Delay}.",
                        settings.Node.DataDir, e.Message, settings.DiskRetryDelay);
                }
                status.Error($"Cannot write to the data folder {settings.Node.DataDir}: {e.Message}");
                await Task.Delay(settings.DiskRetryDelay, time, ct);
            }
        }
        if (_failing)
        {
            _failing = false;
            log.LogInformation("Writing to the data folder {DataDir} works again; spooling resumes.", settings.Node.DataDir);
        }

        var now = time.GetUtcNow();
        foreach (var bySource in group.GroupBy(c => c.Source))
        {
            var state = bySource.Key;
            var last = bySource.Last();
            var records = bySource.Sum(c => (long)c.Records);
            Interlocked.Add(ref state.DeadLettered, bySource.Sum(c => (long)(c.DeadLetters?.Count ?? 0)));
            try
            {
                state.AdvanceSpooled(last.Position, last.Head, last.File, records, now);
                if (_checkpointFailing)
                {
                    _checkpointFailing = false;
                    log.LogInformation("Checkpoints are written again.");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The records are durable; after a restart they are read and spooled again (the core ignores
                // duplicates). The next save writes the current state.
                if (!_checkpointFailing)
                {
                    _checkpointFailing = true;
                    log.LogError("{Message}", e.Message);
                }
                status.Error(e.Message);
            }
        }
        spool.Publish();
        foreach (var c in group)
        {
            c.Release();
        }
    }

    private void AppendAndSync(List<SpoolChunk> group)
    {
        long records = 0, bytes = 0;
        long? first = null;
        spool.BeginGroup();
        try
        {
            foreach (var c in group)
            {
                if (c.Records == 0)
                {
                    continue;
                }
                spool.Append(c.Buffer.AsSpan(0, c.Length));
                records += c.Records;
                bytes += c.Length;
                first ??= c.FirstSpooledAtUnixMs;
            }
            if (records > 0)
            {
                spool.Commit(records, bytes, first);
            }
        }
        catch
        {
            spool.Rollback();
            throw;
        }
    }
}
