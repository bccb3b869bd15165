using System.Threading.Channels;
using Socme.Node.Status;
using Socme.Node.Tailing;

namespace Socme.Node.Pipeline;

/// <summary>
/// One source's reading loop: poll the <see cref="FileTailer"/>, process lines into chunks, hand the chunks to the
/// spool writer through the bounded channel (waiting when it is full: that is how a full spool stops reading), and
/// wait <see cref="PipelineSettings.PollInterval"/> when the file has nothing new.
/// </summary>
internal sealed class SourceReader(SourceState state, TailStart start, PipelineSettings settings, PipelineStatus status, TimeProvider time, ILogger log)
{
    public async Task RunAsync(ChannelWriter<SpoolChunk> output, CancellationToken ct)
    {
        var tailerSettings = new TailerSettings { MaxLineBytes = settings.Node.MaxLineBytes, RotateWait = settings.RotateWait, KeepHeadBytes = settings.DeadLetterLineBytes };
        using var tailer = new FileTailer(state.Options.Path, start, tailerSettings, time, log);
        var processor = new LineProcessor(state, settings, time);
        FilePosition? sent = state.Spooled;
        var sentAt = time.GetTimestamp();
        var missingLogged = false;
        var failing = false;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                TailStatus polled;
                try
                {
                    processor.BeginPoll();
                    polled = tailer.Poll(processor);
                    if (failing)
                    {
                        failing = false;
                        log.LogInformation("{Path}: reading again.", state.Options.Path);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    polled = TailStatus.Idle;
                    if (!failing)
                    {
                        failing = true;
                        log.LogError("{Path}: cannot read ({Message}); retrying.", state.Options.Path, e.Message);
                        status.Error($"{state.Options.Path}: cannot read: {e.Message}");
                    }
                }

                if (polled == TailStatus.Missing && !missingLogged)
                {
                    missingLogged = true;
                    log.LogWarning("{Path} does not exist; waiting for it to appear.", state.Options.Path);
                }

                var idle = polled != TailStatus.Read;
                var position = tailer.Position;
                var moved = position is not null && position != sent;
                var flush = (processor.HasContent && (idle || processor.Paused))
                    // The first position of a new source is saved at once: a restart must not jump to a newer end.
                    || (moved && sent is null)
                    || (moved && idle && time.GetElapsedTime(sentAt) >= settings.CheckpointInterval);
                if (flush)
                {
                    var chunk = processor.TakeChunk() ?? new SpoolChunk(state, 0);
                    chunk.Position = position;
                    chunk.Head = tailer.Head();
                    chunk.File = tailer.OpenedPath;
                    try
                    {
                        await output.WriteAsync(chunk, ct);
                    }
                    catch
                    {
                        chunk.Release();
                        throw;
                    }
                    sent = position;
                    sentAt = time.GetTimestamp();
                }
                if (idle)
                {
                    await Task.Delay(settings.PollInterval, time, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: what was not handed over is read again after the restart (the checkpoint did not move).
        }
        finally
        {
            processor.TakeChunk()?.Release();
        }
    }
}
