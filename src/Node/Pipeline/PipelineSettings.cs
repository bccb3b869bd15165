using Socme.Node.Configuration;

namespace Socme.Node.Pipeline;

/// <summary><see cref="NodeOptions"/> plus the pipeline's internal timings and sizes (tests shorten them).</summary>
internal sealed record PipelineSettings
{
    public required NodeOptions Node { get; init; }

    /// <summary>Wait between two polls of a file that had nothing new.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>See <see cref="Tailing.TailerSettings.RotateWait"/>.</summary>
    public TimeSpan RotateWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a source whose lines are all filtered out moves its checkpoint.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often <c>DataDir/status.json</c> is rewritten.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>While shipping is paused for the token, how often the token file's stamp is checked.</summary>
    public TimeSpan TokenPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Wait before retrying a failed write in the data folder (a full disk).</summary>
    public TimeSpan DiskRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Spool segment size (0: SpoolMaxBytes / 8 within 64 KiB–64 MiB).</summary>
    public long SegmentMaxBytes { get; init; }

    /// <summary>A reader hands its records to the spool writer in chunks of about this size.</summary>
    public int ChunkBytes { get; init; } = 256 * 1024;

    /// <summary>Chunks waiting for the spool writer (the bounded channel between the readers and the writer).</summary>
    public int ChannelCapacity { get; init; } = 16;

    /// <summary>Most bytes the writer appends before one fsync (group commit).</summary>
    public int GroupMaxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Upload batches sent and not yet answered (the next one leaves while the core works on the previous one);
    /// answers are still handled in spool order.</summary>
    public int MaxInFlight { get; init; } = 2;

    /// <summary>Plain Wazuh lines take <see cref="WazuhLineScanner"/>'s one pass (tests turn it off to compare the
    /// processor's output with and without it).</summary>
    public bool WazuhOnePass { get; init; } = true;

    /// <summary>At most this much of a line is kept in its dead letter.</summary>
    public int DeadLetterLineBytes { get; init; } = 64 * 1024;

    /// <summary>Jitter source of the backoff.</summary>
    public Random Random { get; init; } = Random.Shared;
}
