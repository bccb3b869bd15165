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

    /// <summary>How often the fleet watcher looks for silent nodes and sources, full disks and growing spools.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan EventCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A source (Wazuh, Suricata) of a node that sent alerts before and none for this long raises a "source silent" alert.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SourceSilentAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A disk of a node used at least this much (percent) raises a "low disk" alert, once a day per mount.</summary>
    [Range(50, 100)]
    public int LowDiskPercent { get; set; } = 90;

    /// <summary>A node's spool holding at least this many alerts raises a "spool growing" alert, once an hour.</summary>
    [Range(1, long.MaxValue)]
    public long SpoolDepthAlert { get; set; } = 50_000;

    /// <summary>A node's oldest spooled alert older than this raises a "spool growing" alert, once an hour.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan SpoolAgeAlert { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long heartbeat history (vitals) is kept.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "3650.00:00:00")]
    public TimeSpan HeartbeatRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Largest vitals document accepted, in bytes.</summary>
    [Range(1024, 10 * 1024 * 1024)]
    public int MaxVitalsBytes { get; set; } = 64 * 1024;
}
