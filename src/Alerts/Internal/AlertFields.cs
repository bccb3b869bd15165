namespace Socme.Alerts.Internal;

/// <summary>What one forward pass over a line collected (both sources), before it becomes a <see cref="NormalizedAlert"/>.</summary>
internal struct AlertFields
{
    public bool HasTimestamp;
    public DateTimeOffset Timestamp;

    public bool HasRule;
    public bool HasLevel;
    public int Level;

    public string? WazuhId;
    public string? RuleId;
    public string? RuleDescription;
    public List<string>? RuleGroups;
    public List<string>? MitreTactics;
    public List<string>? MitreTacticIds;
    public List<string>? MitreTechniques;

    public string? AgentId;
    public string? AgentName;
    public string? AgentIp;

    public string? SrcIp;
    public int? SrcPort;
    public string? DstIp;
    public int? DstPort;
    public string? Protocol;

    public string? Signature;
    public string? Category;

    public SuricataEventKind EventKind;
    public string? EventType;
    public bool HasAlertObject;
    public int? SuricataSeverity;
    public string? AnomalyEvent;
    public string? AnomalyType;

    public static void Add(ref List<string>? list, string? item)
    {
        if (string.IsNullOrEmpty(item))
        {
            return;
        }
        list ??= new List<string>(4);
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }

    public static IReadOnlyList<string> Freeze(List<string>? list) => list is null || list.Count == 0 ? [] : list;
}

internal enum SuricataEventKind
{
    Missing = 0,
    Alert,
    Anomaly,
    Other,
}

/// <summary>How far a pass reads: everything, only what <see cref="AlertParser.Classify"/> needs, or only the Wazuh id.</summary>
internal enum ScanMode
{
    Normalise,
    Classify,
    KeyOnly,
}

internal enum ScanStatus
{
    /// <summary>The root object was read to its end (and, when normalising, nothing follows it).</summary>
    Complete,
    /// <summary>The pass found what its mode needed and stopped early.</summary>
    Stopped,
    /// <summary>The root value is valid JSON but not an object.</summary>
    NotObject,
    /// <summary>Reading stopped: nesting too deep (see <see cref="JsonCursor.DepthExceeded"/>).</summary>
    Aborted,
    /// <summary>The reader rejected the text.</summary>
    InvalidJson,
}
