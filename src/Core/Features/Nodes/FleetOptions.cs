using System.ComponentModel.DataAnnotations;

namespace Socme.Core.Features.Nodes;

/// <summary>The <c>Fleet</c> section: enrolment and node status from heartbeats.</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>How long a one-time enrolment code is valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan EnrollmentCodeLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Anonymous attempts (enrolment, password login) allowed per remote address per minute, each.</summary>
    [Range(1, 100_000)]
    public int EnrollmentAttemptsPerMinute { get; set; } = 10;

    /// <summary>No heartbeat for this long → stale.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>No heartbeat for this long → offline.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long heartbeat history (vitals) is kept.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "3650.00:00:00")]
    public TimeSpan HeartbeatRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Largest vitals document accepted, in bytes.</summary>
    [Range(1024, 10 * 1024 * 1024)]
    public int MaxVitalsBytes { get; set; } = 64 * 1024;
}
