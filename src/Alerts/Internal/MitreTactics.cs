namespace Socme.Alerts.Internal;

/// <summary>The MITRE ATT&amp;CK Enterprise tactics, to give both sources the same tactic names.</summary>
/// <remarks>
/// Wazuh writes tactic names (<c>rule.mitre.tactic</c>: "Credential Access"). Emerging Threats rules write ids
/// and underscored names in the alert metadata (<c>mitre_tactic_id: TA0006</c>,
/// <c>mitre_tactic_name: Credential_Access</c>). The id is preferred because it is unambiguous; it is turned into
/// the canonical name so that a filter on "Credential Access" matches alerts of either source.
/// </remarks>
internal static class MitreTactics
{
    private static readonly (string Id, string Name)[] Enterprise =
    [
        ("TA0043", "Reconnaissance"),
        ("TA0042", "Resource Development"),
        ("TA0001", "Initial Access"),
        ("TA0002", "Execution"),
        ("TA0003", "Persistence"),
        ("TA0004", "Privilege Escalation"),
        ("TA0005", "Defense Evasion"),
        ("TA0006", "Credential Access"),
        ("TA0007", "Discovery"),
        ("TA0008", "Lateral Movement"),
        ("TA0009", "Collection"),
        ("TA0011", "Command and Control"),
        ("TA0010", "Exfiltration"),
        ("TA0040", "Impact"),
    ];

    /// <summary>The canonical name of a tactic id; an unknown id is returned as is.</summary>
    public static string NameOfId(string id)
    {
        foreach (var (tacticId, name) in Enterprise)
        {
            if (string.Equals(tacticId, id, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }
        return id;
    }

    /// <summary>The canonical spelling of a tactic name ("Command_And_Control" → "Command and Control").</summary>
    public static string CanonicalName(string name)
    {
        var spaced = name.Replace('_', ' ');
        foreach (var (_, canonical) in Enterprise)
        {
            if (string.Equals(canonical, spaced, StringComparison.OrdinalIgnoreCase))
            {
                return canonical;
            }
        }
        return spaced;
    }
}
