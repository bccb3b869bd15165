using System.ComponentModel.DataAnnotations;

namespace Socme.Node.Configuration;

/// <summary>What kind of file a source tails.</summary>
public enum SourceKind
{
    Wazuh,
    Suricata,
}

/// <summary>One tailed file (several of each kind are allowed).</summary>
public sealed class SourceOptions
{
    /// <summary>Stable name of the source (checkpoint and status key); defaults to kind + path.</summary>
    public string? Id { get; set; }

    public SourceKind Kind { get; set; }

    /// <summary>The live file: <c>/var/ossec/logs/alerts/alerts.json</c> or <c>/var/log/suricata/eve.json</c>.</summary>
    [Required]
    public string Path { get; set; } = "";

    /// <summary>Wazuh: ship alerts with <c>rule.level</c> at or above this (default 3).</summary>
    [Range(0, 15)]
    public int MinLevel { get; set; } = 3;

    /// <summary>Suricata: also ship <c>event_type: anomaly</c>.</summary>
    public bool IncludeAnomaly { get; set; }

    /// <summary>On first start (no checkpoint), read the file from its beginning instead of its end.</summary>
    public bool FromBeginning { get; set; }

    public string EffectiveId => string.IsNullOrWhiteSpace(Id) ? $"{Kind.ToString().ToLowerInvariant()}:{Path}" : Id;
}

/// <summary>The node agent's settings (<c>socme-node.json</c>, <c>SOCME_NODE_*</c> variables, then flags).</summary>
public sealed class NodeOptions
{
    /// <summary>The core's base URL, e.g. <c>https://core.tailnet:8443/</c>.</summary>
    public string? Core { get; set; }

    /// <summary>Token, checkpoints, spool, dead letters and status live here.</summary>
    [Required]
    public string DataDir { get; set; } = "/var/lib/socme-node";

    public List<SourceOptions> Sources { get; set; } = [];

    /// <summary>Most alerts in one upload.</summary>
    [Range(1, 20_000)]
    public int BatchMaxCount { get; set; } = 2000;

    /// <summary>Most uncompressed bytes in one upload.</summary>
    [Range(1024, 32 * 1024 * 1024)]
    public int BatchMaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>A partial batch is sent after waiting this long.</summary>
    public TimeSpan BatchMaxDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Disk bound of the spool; when full, reading stops and the source files hold the data.</summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long SpoolMaxBytes { get; set; } = 1024L * 1024 * 1024;

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest line accepted; longer lines are dead-lettered.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxLineBytes { get; set; } = 1024 * 1024;

    /// <summary>Backoff bounds for a failing core.</summary>
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);
}
