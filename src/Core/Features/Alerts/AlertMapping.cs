using Socme.Alerts;
using Socme.Client;
using Socme.Core.Data.Alerts;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Alerts;

/// <summary>Entity ↔ wire names of alert fields (enums are snake_case on the wire).</summary>
internal static class AlertMapping
{
    public static AlertDto ToDto(AlertRecord a) => new(
        a.Id, a.ClientId, a.NodeId, SourceName(a.Source), a.Key,
        DateTimeOffset.FromUnixTimeMilliseconds(a.TimeMs), DateTimeOffset.FromUnixTimeMilliseconds(a.ReceivedMs),
        a.Level, BandName(a.Band), a.RuleId, a.RuleDescription,
        SplitList(a.RuleGroups), SplitList(a.MitreTactics), SplitList(a.MitreTechniques),
        a.AgentName, a.AgentIp, a.SrcIp, a.SrcPort, a.DstIp, a.DstPort, a.Protocol, a.Signature, a.Category,
        StatusName(a.Status), a.Verdict is { } v ? VerdictName(v) : null, a.VerdictReason, a.AssigneeId,
        SplitList(a.Tags), DateTimeOffset.FromUnixTimeMilliseconds(a.UpdatedMs), a.TheHiveId, a.TheHiveUrl);

    public static IReadOnlyList<string> SplitList(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static string? JoinList(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? null : "," + string.Join(',', list) + ",";
    }

    public static string SourceName(AlertSource s) => s switch
    {
        AlertSource.Wazuh => "wazuh",
        AlertSource.Suricata => "suricata",
        _ => "system",
    };

    public static string BandName(SeverityBand b) => b.ToString().ToLowerInvariant();

    public static string StatusName(AlertStatus s) => s switch
    {
        AlertStatus.New => "new",
        AlertStatus.Acknowledged => "acknowledged",
        AlertStatus.InProgress => "in_progress",
        AlertStatus.Escalated => "escalated",
        _ => "closed",
    };

    public static string VerdictName(AlertVerdict v) => v switch
    {
        AlertVerdict.TruePositive => "true_positive",
        AlertVerdict.FalsePositive => "false_positive",
        _ => "benign",
    };

    public static AlertSource ParseSource(string s) => s.ToLowerInvariant() switch
    {
        "wazuh" => AlertSource.Wazuh,
        "suricata" => AlertSource.Suricata,
        "system" => AlertSource.System,
        _ => throw ApiException.Validation("source", "source must be wazuh, suricata or system."),
    };

    public static SeverityBand ParseBand(string s) => s.ToLowerInvariant() switch
    {
        "low" => SeverityBand.Low,
        "medium" => SeverityBand.Medium,
        "high" => SeverityBand.High,
        "critical" => SeverityBand.Critical,
        _ => throw ApiException.Validation("band", "band must be low, medium, high or critical."),
    };

    public static AlertStatus ParseStatus(string s) => s.ToLowerInvariant() switch
    {
        "new" => AlertStatus.New,
        "acknowledged" => AlertStatus.Acknowledged,
        "in_progress" => AlertStatus.InProgress,
        "escalated" => AlertStatus.Escalated,
        "closed" => AlertStatus.Closed,
        _ => throw ApiException.Validation("status", "status must be new, acknowledged, in_progress, escalated or closed."),
    };

    public static AlertVerdict ParseVerdict(string s) => s.ToLowerInvariant() switch
    {
        "true_positive" => AlertVerdict.TruePositive,
        "false_positive" => AlertVerdict.FalsePositive,
        "benign" => AlertVerdict.Benign,
        _ => throw ApiException.Validation("verdict", "verdict must be true_positive, false_positive or benign."),
    };
}
