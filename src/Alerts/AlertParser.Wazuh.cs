using System.Text.Json;
using Socme.Alerts.Internal;

namespace Socme.Alerts;

public static partial class AlertParser
{
    private static ScanStatus ScanWazuh(ref JsonCursor c, ScanMode mode, ref AlertFields f)
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
            bool ok;
            switch (name)
            {
                case Name.Rule when mode != ScanMode.KeyOnly:
                    if (c.TokenType != JsonTokenType.StartObject)
                    {
                        ok = c.SkipValue();
                        break;
                    }
                    f.HasRule = true;
                    ok = ScanWazuhRule(ref c, mode, ref f);
                    if (ok && mode == ScanMode.Classify && f.HasLevel)
                    {
                        return ScanStatus.Stopped;
                    }
                    break;
                case Name.Id when mode != ScanMode.Classify:
                    if (f.WazuhId is null && c.IsWazuhId())
                    {
                        f.WazuhId = c.StringOrNull();
                        if (mode == ScanMode.KeyOnly)
                        {
                            return ScanStatus.Stopped;
                        }
                    }
                    ok = c.SkipValue();
                    break;
                case Name.Timestamp when mode == ScanMode.Normalise:
                    f.HasTimestamp = c.TryGetTimestamp(out f.Timestamp);
                    ok = c.SkipValue();
                    break;
                case Name.Agent when mode == ScanMode.Normalise && c.TokenType == JsonTokenType.StartObject:
                    ok = ScanWazuhAgent(ref c, ref f);
                    break;
                case Name.Data when mode == ScanMode.Normalise && c.TokenType == JsonTokenType.StartObject:
                    ok = ScanWazuhData(ref c, ref f);
                    break;
                default:
                    ok = c.SkipValue();
                    break;
            }
            if (!ok)
            {
                return ScanStatus.Aborted;
            }
        }
    }

    /// <summary>Reads the <c>rule</c> object (the cursor is on its start); in classify mode returns as soon as the level is known.</summary>
    private static bool ScanWazuhRule(ref JsonCursor c, ScanMode mode, ref AlertFields f)
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
            if (name == Name.Level)
            {
                if (!f.HasLevel && c.TryGetLevel(out var level))
                {
                    f.Level = ClampLevel(level);
                    f.HasLevel = true;
                    if (mode == ScanMode.Classify)
                    {
                        return true;
                    }
                }
            }
            else if (mode == ScanMode.Normalise)
            {
                switch (name)
                {
                    case Name.Id:
                        f.RuleId = c.ScalarTextOrNull();
                        break;
                    case Name.Description:
                        f.RuleDescription = c.StringOrNull();
                        break;
                    case Name.Groups:
                        if (!ReadStrings(ref c, ref f.RuleGroups))
                        {
                            return false;
                        }
                        continue;
                    case Name.Mitre when c.TokenType == JsonTokenType.StartObject:
                        if (!ScanWazuhMitre(ref c, ref f))
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

    /// <summary><c>rule.mitre</c>: <c>id</c> holds technique ids (T1110), <c>tactic</c> tactic names; technique names are not kept.</summary>
    private static bool ScanWazuhMitre(ref JsonCursor c, ref AlertFields f)
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
                Name.Id => ReadStrings(ref c, ref f.MitreTechniques),
                Name.Tactic => ReadStrings(ref c, ref f.MitreTactics),
                _ => c.SkipValue(),
            };
            if (!ok)
            {
                return false;
            }
        }
    }

    private static bool ScanWazuhAgent(ref JsonCursor c, ref AlertFields f)
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
                case Name.Id:
                    f.AgentId = c.ScalarTextOrNull();
                    break;
                case Name.NameField:
                    f.AgentName = c.StringOrNull();
                    break;
                case Name.Ip:
                    f.AgentIp = c.StringOrNull();
                    break;
            }
            if (!c.SkipValue())
            {
                return false;
            }
        }
    }

    /// <summary>
    /// <c>data</c>: the decoder's static fields <c>srcip</c>, <c>srcport</c>, <c>dstip</c>, <c>dstport</c>,
    /// <c>protocol</c>; failing those, the EVE names (<c>src_ip</c>, <c>dest_ip</c>, <c>src_port</c>,
    /// <c>dest_port</c>, <c>proto</c>) that Wazuh's JSON decoder copies from Suricata alerts it reads.
    /// </summary>
    private static bool ScanWazuhData(ref JsonCursor c, ref AlertFields f)
    {
        string? eveSrcIp = null, eveDstIp = null, eveProto = null;
        int? eveSrcPort = null, eveDstPort = null;
        while (true)
        {
            if (!c.Read())
            {
                return false;
            }
            if (c.TokenType == JsonTokenType.EndObject)
            {
                break;
            }
            var name = PropertyNames.Of(ref c);
            if (!c.Read())
            {
                return false;
            }
            switch (name)
            {
                case Name.SrcIp:
                    f.SrcIp = c.StringOrNull();
                    break;
                case Name.SrcPort:
                    f.SrcPort = c.PortOrNull();
                    break;
                case Name.DstIp:
                    f.DstIp = c.StringOrNull();
                    break;
                case Name.DstPort:
                    f.DstPort = c.PortOrNull();
                    break;
                case Name.Protocol:
                    f.Protocol = c.StringOrNull();
                    break;
                case Name.SrcIpEve:
                    eveSrcIp = c.StringOrNull();
                    break;
                case Name.SrcPortEve:
                    eveSrcPort = c.PortOrNull();
                    break;
                case Name.DestIpEve:
                    eveDstIp = c.StringOrNull();
                    break;
                case Name.DestPortEve:
                    eveDstPort = c.PortOrNull();
                    break;
                case Name.Proto:
                    eveProto = c.StringOrNull();
                    break;
            }
            if (!c.SkipValue())
            {
                return false;
            }
        }
        f.SrcIp ??= eveSrcIp;
        f.SrcPort ??= eveSrcPort;
        f.DstIp ??= eveDstIp;
        f.DstPort ??= eveDstPort;
        f.Protocol ??= eveProto;
        return true;
    }

    private static ParseResult BuildWazuh(ref AlertFields f, ReadOnlySpan<byte> json)
    {
        if (!f.HasRule)
        {
            return ParseResult.Fail(ParseErrorCode.WrongShape, "A Wazuh alert needs a 'rule' object.");
        }
        if (!f.HasLevel)
        {
            return ParseResult.Fail(ParseErrorCode.WrongShape, "A Wazuh alert needs a numeric 'rule.level'.");
        }
        if (!f.HasTimestamp)
        {
            return ParseResult.Fail(ParseErrorCode.WrongShape, "A Wazuh alert needs an ISO 8601 'timestamp'.");
        }
        return ParseResult.Success(new NormalizedAlert
        {
            Source = AlertSource.Wazuh,
            Key = f.WazuhId ?? StableKeys.Sha256Hex(json),
            Timestamp = f.Timestamp,
            Level = f.Level,
            RuleId = f.RuleId,
            RuleDescription = f.RuleDescription,
            RuleGroups = AlertFields.Freeze(f.RuleGroups),
            MitreTactics = AlertFields.Freeze(f.MitreTactics),
            MitreTechniques = AlertFields.Freeze(f.MitreTechniques),
            AgentId = f.AgentId,
            AgentName = f.AgentName,
            AgentIp = f.AgentIp,
            SrcIp = f.SrcIp,
            SrcPort = f.SrcPort,
            DstIp = f.DstIp,
            DstPort = f.DstPort,
            Protocol = f.Protocol,
            Raw = RawText(json),
        });
    }

    /// <summary>The cursor is on a value: a string adds one item, an array adds its string items; anything else is ignored.</summary>
    private static bool ReadStrings(ref JsonCursor c, ref List<string>? list)
    {
        if (c.TokenType == JsonTokenType.String)
        {
            AlertFields.Add(ref list, c.StringOrNull());
            return true;
        }
        if (c.TokenType != JsonTokenType.StartArray)
        {
            return c.SkipValue();
        }
        while (true)
        {
            if (!c.Read())
            {
                return false;
            }
            switch (c.TokenType)
            {
                case JsonTokenType.EndArray:
                    return true;
                case JsonTokenType.String:
                    AlertFields.Add(ref list, c.StringOrNull());
                    break;
                default:
                    if (!c.SkipValue())
                    {
                        return false;
                    }
                    break;
            }
        }
    }
}
