namespace Socme.Alerts;

/// <summary>What <see cref="AlertParser.Classify"/> found in a line, without normalising it.</summary>
/// <remarks>
/// Classification reads only as far as it needs and does not validate the rest of the line (nor its UTF-8).
/// A line classified <see cref="Alert"/> can still fail <see cref="AlertParser.Parse"/>; a line classified
/// <see cref="Invalid"/> should be passed to <see cref="AlertParser.Parse"/> to learn the precise
/// <see cref="ParseErrorCode"/> (for dead-lettering).
/// </remarks>
public enum LineKind
{
    /// <summary>The line is empty, too long, not JSON, or lacks what classification needs
    /// (Wazuh: a numeric <c>rule.level</c>; Suricata: a string <c>event_type</c>).</summary>
    Invalid = 0,

    /// <summary>A Wazuh alert, or a Suricata <c>event_type: alert</c>.</summary>
    Alert = 1,

    /// <summary>A Suricata <c>event_type: anomaly</c> (an alert only when <see cref="ParseOptions.SuricataAnomalyIsAlert"/>).</summary>
    Anomaly = 2,

    /// <summary>Any other Suricata event (dns, flow, http, stats, ...).</summary>
    Other = 3,
}
