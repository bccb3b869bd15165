using System.Text.Json;
using Socme.Alerts.Internal;

namespace Socme.Alerts;

public static partial class AlertParser
{
    /// <summary>Suricata's priority for a rule without classtype/priority (<c>DETECT_DEFAULT_PRIO</c>).</summary>
    private const int SuricataDefaultSeverity = 3;

    /// <summary>Level of a Suricata anomaly treated as an alert.</summary>
    private const int AnomalyLevel = 3;

    private static ScanStatus ScanSuricata(ref JsonCursor c, ScanMode mode, ref AlertFields f)
    {
        if (!c.Read())
        {
            return ScanStatus.Aborted;
        }
        if (c.TokenType != JsonTokenType.StartObject)
        {
            return NotAnObject(ref c, mode);
        }

        while (true)
        {
            if (!c.Read())
            {
                return ScanStatus.Aborted;
            }
            if (c.TokenType == JsonTokenType.EndObject)
            {
                return EndOfRoot(ref c, mode);
            }

            var name = PropertyNames.Of(ref c);
            if (!c.Read())
            {
                return ScanStatus.Aborted;
            }
            switch (name)
            {
                case Name.EventType when f.EventKind == SuricataEventKind.Missing && c.TokenType == JsonTokenType.String:
                    f.EventKind = c.NameIs("alert"u8) ? SuricataEventKind.Alert
                        : c.NameIs("anomaly"u8) ? SuricataEventKind.Anomaly
                        : SuricataEventKind.Other;
                    if (mode != ScanMode.Normalise && (f.EventKind != SuricataEventKind.Alert || f.HasAlertObject))
                    {
                        return ScanStatus.Stopped;
                    }
                    if (mode == ScanMode.Normalise)
                    {
                        f.EventType = c.StringOrNull();
                    }
                    break;
                case Name.Alert when c.TokenType == JsonTokenType.StartObject:
                    f.HasAlertObject = true;
                    if (!ScanSuricataAlert(ref c, mode, ref f))
                    {
                        return ScanStatus.Aborted;
                    }
                    if (mode != ScanMode.Normalise && f.EventKind == SuricataEventKind.Alert)
                    {
                        return ScanStatus.Stopped;
                    }
                    continue;
                case Name.Anomaly when mode == ScanMode.Normalise && c.TokenType == JsonTokenType.StartObject:
                    if (!ScanSuricataAnomaly(ref c, ref f))
                    {
                        return ScanStatus.Aborted;
                    }
                    continue;
                case Name.Timestamp when mode == ScanMode.Normalise:
                    f.HasTimestamp = c.TryGetTimestamp(out f.Timestamp);
                    break;
                case Name.SrcIpEve when mode == ScanMode.Normalise:
                    f.SrcIp = c.StringOrNull();
                    break;
                case Name.SrcPortEve when mode == ScanMode.Normalise:
                    f.SrcPort = c.PortOrNull();
                    break;
                case Name.DestIpEve when mode == ScanMode.Normalise:
                    f.DstIp = c.StringOrNull();
                    break;
                case Name.DestPortEve when mode == ScanMode.Normalise:
                    f.DstPort = c.PortOrNull();
                    break;
                case Name.Proto when mode == ScanMode.Normalise:
                    f.Protocol = c.ScalarTextOrNull();
                    break;
                case Name.Host when mode == ScanMode.Normalise:
                    f.AgentName = c.StringOrNull();
                    break;
            }
            if (!c.SkipValue())
            {
                return ScanStatus.Aborted;
            }
        }
    }

    /// <summary>The <c>alert</c> object; in classify mode only <c>severity</c> is read.</summary>
    private static bool ScanSuricataAlert(ref JsonCursor c, ScanMode mode, ref AlertFields f)
    {
        while (true)
        {
            if (!c.Read())
            {
                return false;
            }
            if (c.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }
            var name = PropertyNames.Of(ref c);
            if (!c.Read())
            {
                return false;
            }
            if (name == Name.Severity)
            {
                if (f.SuricataSeverity is null && c.TryGetLevel(out var severity))
                {
                    f.SuricataSeverity = (int)Math.Clamp(severity, int.MinValue, int.MaxValue);
                }
            }
            else if (mode == ScanMode.Normalise)
            {
                switch (name)
                {
                    case Name.SignatureId:
                        f.RuleId = c.ScalarTextOrNull();
                        break;
                    case Name.Signature:
                        f.Signature = c.StringOrNull();
                        break;
                    case Name.Category:
                        f.Category = c.StringOrNull();
                        break;
                    case Name.Metadata when c.TokenType == JsonTokenType.StartObject:
                        if (!ScanSuricataMetadata(ref c, ref f))
                        {
                            return false;
                        }
                        continue;
                }
            }
            if (!c.SkipValue())
            {
                return false;
            }
        }
    }

    /// <summary>
    /// <c>alert.metadata</c> (rule metadata, each value an array of strings). Emerging Threats rules carry
    /// <c>mitre_tactic_id</c>, <c>mitre_tactic_name</c>, <c>mitre_technique_id</c> and <c>mitre_technique_name</c>.
    /// </summary>
    private static bool ScanSuricataMetadata(ref JsonCursor c, ref AlertFields f)
    {
        while (true)
        {
            if (!c.Read())
            {
                return false;
            }
            if (c.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }
            var name = PropertyNames.Of(ref c);
            var ok = c.Read() && name switch
            {
                Name.MitreTechniqueId => ReadStrings(ref c, ref f.MitreTechniques),
                Name.MitreTacticId => ReadStrings(ref c, ref f.MitreTacticIds),
                Name.MitreTacticName => ReadStrings(ref c, ref f.MitreTactics),
                _ => c.SkipValue(),
            };
            if (!ok)
            {
                return false;
            }
        }
    }

    private static bool ScanSuricataAnomaly(ref JsonCursor c, ref AlertFields f)
    {
        while (true)
        {
            if (!c.Read())
            {
                return false;
            }
            if (c.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }
            var name = PropertyNames.Of(ref c);
            if (!c.Read())
            {
                return false;
            }
            switch (name)
            {
                case Name.Event:
                    f.AnomalyEvent = c.StringOrNull();
                    break;
                case Name.Type:
                    f.AnomalyType = c.StringOrNull();
                    break;
            }
            if (!c.SkipValue())
            {
                return false;
            }
        }
    }

    private static ParseResult BuildSuricata(ref AlertFields f, ReadOnlySpan<byte> json, ParseOptions options)
    {
        if (f.EventType is null)
        {
            return ParseResult.Fail(ParseErrorCode.WrongShape, "A Suricata EVE line needs a string 'event_type'.");
        }
        var isAnomaly = f.EventKind == SuricataEventKind.Anomaly;
        if (f.EventKind != SuricataEventKind.Alert && !(isAnomaly && options.SuricataAnomalyIsAlert))
        {
            return ParseResult.NotAnAlert(f.EventType);
        }
        if (!isAnomaly && !f.HasAlertObject)
        {
            return ParseResult.Fail(ParseErrorCode.WrongShape, "A Suricata alert needs an 'alert' object.");
        }
        if (!f.HasTimestamp)
        {
            return ParseResult.Fail(ParseErrorCode.WrongShape, "A Suricata event needs an ISO 8601 'timestamp'.");
        }

        string? signature, category, ruleId;
        int level;
        if (isAnomaly)
        {
            signature = f.AnomalyEvent ?? f.AnomalyType;
            category = f.AnomalyType;
            ruleId = null;
            level = AnomalyLevel;
        }
        else
        {
            signature = f.Signature;
            category = f.Category;
            ruleId = f.RuleId;
            level = Severity.FromSuricataSeverity(f.SuricataSeverity ?? SuricataDefaultSeverity);
        }

        List<string>? groups = null;
        AlertFields.Add(ref groups, category);

        return ParseResult.Success(new NormalizedAlert
        {
            Source = AlertSource.Suricata,
            Key = StableKeys.Sha256Hex(json),
            Timestamp = f.Timestamp,
            Level = level,
            RuleId = ruleId,
            RuleDescription = signature,
            RuleGroups = AlertFields.Freeze(groups),
            MitreTactics = SuricataTactics(ref f),
            MitreTechniques = AlertFields.Freeze(f.MitreTechniques),
            AgentName = f.AgentName,
            SrcIp = f.SrcIp,
            SrcPort = f.SrcPort,
            DstIp = f.DstIp,
            DstPort = f.DstPort,
            Protocol = f.Protocol,
            Signature = signature,
            Category = category,
            Raw = RawText(json),
        });
    }

    /// <summary>Tactic names: from <c>mitre_tactic_id</c> when present (canonical ATT&amp;CK name), else from <c>mitre_tactic_name</c>.</summary>
    private static IReadOnlyList<string> SuricataTactics(ref AlertFields f)
    {
        List<string>? tactics = null;
        if (f.MitreTacticIds is { Count: > 0 } ids)
        {
            foreach (var id in ids)
            {
                AlertFields.Add(ref tactics, MitreTactics.NameOfId(id));
            }
        }
        else if (f.MitreTactics is { Count: > 0 } names)
        {
            foreach (var name in names)
            {
                AlertFields.Add(ref tactics, MitreTactics.CanonicalName(name));
            }
        }
        return AlertFields.Freeze(tactics);
    }
}
