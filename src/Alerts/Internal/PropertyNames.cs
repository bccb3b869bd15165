namespace Socme.Alerts.Internal;

/// <summary>Every property name either parser looks at; the meaning depends on the object being read.</summary>
internal enum Name
{
    Other = 0,
    Id,
    Ip,
    Rule,
    Data,
    NameField,
    Host,
    Type,
    Agent,
    Level,
    Mitre,
    SrcIp,
    DstIp,
    Proto,
    Alert,
    Event,
    Groups,
    Tactic,
    SrcIpEve,
    SrcPort,
    DstPort,
    DestIpEve,
    Anomaly,
    Protocol,
    SrcPortEve,
    Severity,
    Category,
    Metadata,
    Timestamp,
    DestPortEve,
    Signature,
    EventType,
    Description,
    SignatureId,
    MitreTacticId,
    MitreTacticName,
    MitreTechniqueId,
}

/// <summary>Maps a property name to <see cref="Name"/> with one length switch and at most a few short compares.</summary>
internal static class PropertyNames
{
    private const int MaxKnownLength = 18;

    public static Name Of(ref JsonCursor c)
    {
        scoped ReadOnlySpan<byte> name = c.Reader.ValueSpan;
        if (c.Reader.ValueIsEscaped)
        {
            // Ours are at most 18 bytes, so at most 108 with every character written as \uXXXX.
            if (name.Length > MaxKnownLength * 6)
            {
                return Name.Other;
            }
            Span<byte> buffer = stackalloc byte[MaxKnownLength * 6];
            name = buffer[..JsonStrings.Unescape(name, buffer)];
        }
        return Of(name);
    }

    public static Name Of(ReadOnlySpan<byte> n) => n.Length switch
    {
        2 => n.SequenceEqual("id"u8) ? Name.Id : n.SequenceEqual("ip"u8) ? Name.Ip : Name.Other,
        4 => n.SequenceEqual("rule"u8) ? Name.Rule
            : n.SequenceEqual("data"u8) ? Name.Data
            : n.SequenceEqual("name"u8) ? Name.NameField
            : n.SequenceEqual("host"u8) ? Name.Host
            : n.SequenceEqual("type"u8) ? Name.Type
            : Name.Other,
        5 => n.SequenceEqual("agent"u8) ? Name.Agent
            : n.SequenceEqual("level"u8) ? Name.Level
            : n.SequenceEqual("mitre"u8) ? Name.Mitre
            : n.SequenceEqual("srcip"u8) ? Name.SrcIp
            : n.SequenceEqual("dstip"u8) ? Name.DstIp
            : n.SequenceEqual("proto"u8) ? Name.Proto
            : n.SequenceEqual("alert"u8) ? Name.Alert
            : n.SequenceEqual("event"u8) ? Name.Event
            : Name.Other,
        6 => n.SequenceEqual("groups"u8) ? Name.Groups
            : n.SequenceEqual("tactic"u8) ? Name.Tactic
            : n.SequenceEqual("src_ip"u8) ? Name.SrcIpEve
            : Name.Other,
        7 => n.SequenceEqual("srcport"u8) ? Name.SrcPort
            : n.SequenceEqual("dstport"u8) ? Name.DstPort
            : n.SequenceEqual("dest_ip"u8) ? Name.DestIpEve
            : n.SequenceEqual("anomaly"u8) ? Name.Anomaly
            : Name.Other,
        8 => n.SequenceEqual("protocol"u8) ? Name.Protocol
            : n.SequenceEqual("src_port"u8) ? Name.SrcPortEve
            : n.SequenceEqual("severity"u8) ? Name.Severity
            : n.SequenceEqual("category"u8) ? Name.Category
            : n.SequenceEqual("metadata"u8) ? Name.Metadata
            : Name.Other,
        9 => n.SequenceEqual("timestamp"u8) ? Name.Timestamp
            : n.SequenceEqual("dest_port"u8) ? Name.DestPortEve
            : n.SequenceEqual("signature"u8) ? Name.Signature
            : Name.Other,
        10 => n.SequenceEqual("event_type"u8) ? Name.EventType : Name.Other,
        11 => n.SequenceEqual("description"u8) ? Name.Description : Name.Other,
        12 => n.SequenceEqual("signature_id"u8) ? Name.SignatureId : Name.Other,
        15 => n.SequenceEqual("mitre_tactic_id"u8) ? Name.MitreTacticId : Name.Other,
        17 => n.SequenceEqual("mitre_tactic_name"u8) ? Name.MitreTacticName : Name.Other,
        18 => n.SequenceEqual("mitre_technique_id"u8) ? Name.MitreTechniqueId : Name.Other,
        _ => Name.Other,
    };
}
