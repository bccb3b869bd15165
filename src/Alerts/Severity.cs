namespace Socme.Alerts;

/// <summary>Severity levels and bands.</summary>
/// <remarks>
/// Suricata's <c>alert.severity</c> (1 = most severe) maps to a Wazuh-style level so that one band scale
/// covers both sources: 1 → 12 (high), 2 → 8 (medium), 3 → 5 (low); any other value → 3 (low).
/// </remarks>
public static class Severity
{
    public const int MinLevel = 0;
    public const int MaxLevel = 15;

    public static SeverityBand BandOf(int level) => level switch
    {
        >= 15 => SeverityBand.Critical,
        >= 12 => SeverityBand.High,
        >= 7 => SeverityBand.Medium,
        _ => SeverityBand.Low,
    };

    /// <summary>The lowest level of a band.</summary>
    public static int MinLevelOf(SeverityBand band) => band switch
    {
        SeverityBand.Critical => 15,
        SeverityBand.High => 12,
        SeverityBand.Medium => 7,
        _ => 0,
    };

    public static int FromSuricataSeverity(int severity) => severity switch
    {
        1 => 12,
        2 => 8,
        3 => 5,
        _ => 3,
    };
}
