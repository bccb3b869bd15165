using System.ComponentModel.DataAnnotations;
using Socme.Node.Configuration;

namespace Socme.Node.Vitals;

/// <summary>What <see cref="VitalsCollector"/> needs to know beyond the machine itself.</summary>
public sealed class VitalsOptions
{
    /// <summary>The agent's data folder: <c>status.json</c> is read from it, <c>vitals-alerts.json</c> kept in it.</summary>
    [Required]
    public string DataDir { get; set; } = "/var/lib/socme-node";

    /// <summary>Suricata eve files, for "alerts in 24 h" when the agent's counters are not available.</summary>
    public List<string> SuricataEvePaths { get; set; } = [];

    /// <summary>Longest run of any one external command.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Versions and the NixOS configuration revision change only on upgrade: the commands that read them run at most
    /// once per this period.
    /// </summary>
    public TimeSpan VersionCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// CPU usage is measured between two <c>/proc/stat</c> samples: the previous collection's when it is at most
    /// <see cref="CpuSampleMaxAge"/> old (every heartbeat), else a second sample taken this long after the first
    /// (the first collection, <c>socme-node fetch</c>).
    /// </summary>
    public TimeSpan CpuSampleInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan CpuSampleMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most bytes read from the end of each eve file by the fallback alert count.</summary>
    [Range(0, long.MaxValue)]
    public long EveScanMaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>How long a fallback eve count is reused.</summary>
    public TimeSpan EveScanCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The agent version reported; default: this assembly's informational version.</summary>
    public string? AgentVersion { get; set; }

    /// <summary>systemd units, without <c>.service</c>.</summary>
    public string WazuhManagerUnit { get; set; } = "wazuh-manager";
    public string WazuhIndexerUnit { get; set; } = "wazuh-indexer";
    public string WazuhDashboardUnit { get; set; } = "wazuh-dashboard";
    public string SuricataUnit { get; set; } = "suricata";
    public string TheHiveUnit { get; set; } = "thehive";

    /// <summary>Wazuh's installation folder.</summary>
    public string WazuhHome { get; set; } = "/var/ossec";

    /// <summary>The data folder and the Suricata sources of the agent's settings.</summary>
    public static VitalsOptions FromNode(NodeOptions node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var options = new VitalsOptions();
        options.ApplyNode(node);
        return options;
    }

    /// <summary>Copies the data folder and the Suricata source paths from the agent's settings.</summary>
    public void ApplyNode(NodeOptions node)
    {
        ArgumentNullException.ThrowIfNull(node);
        DataDir = node.DataDir;
        SuricataEvePaths = node.Sources.Where(s => s.Kind == SourceKind.Suricata).Select(s => s.Path).Distinct(StringComparer.Ordinal).ToList();
    }
}
