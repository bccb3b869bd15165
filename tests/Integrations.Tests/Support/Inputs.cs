using Socme.Alerts;
using Socme.Integrations.TheHive;

namespace Socme.Integrations.Tests.Support;

internal static class Inputs
{
    /// <summary>An escalation input made the way the core will make it: from a parsed alert line.</summary>
    public static EscalationInput FromLine(AlertSource source, string line, long alertId = 42, string client = "Acme")
    {
        var parsed = AlertParser.Parse(source, System.Text.Encoding.UTF8.GetBytes(line));
        var alert = parsed.Alert ?? throw new InvalidOperationException($"not an alert: {parsed.Error} {parsed.ErrorMessage}");
        return new EscalationInput
        {
            AlertId = alertId,
            ClientName = client,
            Title = alert.RuleDescription ?? alert.Signature ?? "alert",
            Description = $"**{alert.RuleDescription}**",
            Time = alert.Timestamp,
            Level = alert.Level,
            Source = alert.Source,
            RuleId = alert.RuleId,
            AgentName = alert.AgentName,
            AgentIp = alert.AgentIp,
            SrcIp = alert.SrcIp,
            DstIp = alert.DstIp,
            MitreTechniques = alert.MitreTechniques,
            RawJson = alert.Raw,
        };
    }

    /// <summary>A Suricata event that is not an alert (fileinfo, dns...) used as raw JSON only.</summary>
    public static EscalationInput RawOnly(string rawJson, AlertSource source = AlertSource.Suricata) => new()
    {
        AlertId = 7,
        ClientName = "Acme",
        Title = "t",
        Description = "d",
        Time = DateTimeOffset.UnixEpoch,
        Level = 5,
        Source = source,
        RawJson = rawJson,
    };
}
