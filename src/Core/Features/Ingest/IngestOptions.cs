using System.ComponentModel.DataAnnotations;

namespace Socme.Core.Features.Ingest;

/// <summary>The <c>Ingest</c> section.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Largest request body, after decompression, in bytes (413 above it).</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Most lines in one request (413 above it).</summary>
    [Range(1, 1_000_000)]
    public int MaxLines { get; set; } = 20_000;

    /// <summary>Ingest requests processed at once; more wait in the queue.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentRequests { get; set; } = 16;

    /// <summary>Requests allowed to wait; beyond that the core sheds load with 429 and <c>Retry-After</c>.</summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 64;

    /// <summary>The <c>Retry-After</c> sent with a 429.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);
}
