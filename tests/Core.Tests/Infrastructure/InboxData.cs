using System.Globalization;
using System.Text.Json;
using Socme.Client;

namespace Socme.Core.Tests.Infrastructure;

/// <summary>
/// Small synthetic Wazuh and Suricata alerts with chosen times, levels, rules, addresses and MITRE ids, for tests whose
/// expected numbers must be known (grouping, overview). Shapes follow the real files (<c>alerts.json</c>, EVE).
/// </summary>
public static class InboxData
{
    private static long _next = Random.Shared.NextInt64(1_000_000, 9_000_000);

    public static string Wazuh(DateTimeOffset time, int level, string ruleId, string description, string? srcIp = null, string? dstIp = null,
        IReadOnlyList<string>? tactics = null, IReadOnlyList<string>? techniques = null)
    {
        var rule = new Dictionary<string, object?> { ["level"] = level, ["description"] = description, ["id"] = ruleId, ["groups"] = new[] { "test" } };
        if (tactics is not null || techniques is not null)
        {
            rule["mitre"] = new { id = techniques ?? [], tactic = tactics ?? [] };
        }
        var data = new Dictionary<string, string>();
        if (srcIp is not null)
        {
            data["srcip"] = srcIp;
        }
        if (dstIp is not null)
        {
            data["dstip"] = dstIp;
        }
        var raw = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["timestamp"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
            ["rule"] = rule,
            ["agent"] = new { id = "001", name = "host-1", ip = "10.9.9.9" },
            ["manager"] = new { name = "manager" },
            ["id"] = string.Create(CultureInfo.InvariantCulture, $"1700000000.{Interlocked.Increment(ref _next)}"),
            ["decoder"] = new { name = "test" },
            ["data"] = data,
            ["location"] = "test",
        });
        return Envelopes.Wazuh(raw);
    }

    /// <summary>A Suricata alert; severity 1/2/3 maps to levels 12/8/5.</summary>
    public static string Suricata(DateTimeOffset time, int severity, long signatureId, string signature, string srcIp, string dstIp)
    {
        var raw = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["timestamp"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'", CultureInfo.InvariantCulture),
            ["flow_id"] = Interlocked.Increment(ref _next),
            ["event_type"] = "alert",
            ["src_ip"] = srcIp,
            ["src_port"] = 40000,
            ["dest_ip"] = dstIp,
            ["dest_port"] = 80,
            ["proto"] = "TCP",
            ["alert"] = new { action = "allowed", gid = 1, signature_id = signatureId, rev = 1, signature, category = "Test", severity },
        });
        return Envelopes.Suricata(raw);
    }

    /// <summary>Every alert of the filter, following the cursor.</summary>
    public static async Task<List<AlertDto>> AllAsync(SocmeClient api, AlertFilter filter)
    {
        ArgumentNullException.ThrowIfNull(api);
        var all = new List<AlertDto>();
        string? cursor = null;
        do
        {
            var page = await api.ListAlertsAsync(filter, 500, cursor);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>Every group of the filter, following the cursor.</summary>
    public static async Task<List<AlertGroupDto>> AllGroupsAsync(SocmeClient api, AlertFilter filter, int limit = 200)
    {
        ArgumentNullException.ThrowIfNull(api);
        var all = new List<AlertGroupDto>();
        string? cursor = null;
        do
        {
            var page = await api.ListAlertGroupsAsync(filter, limit, cursor);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }
}

/// <summary>A <see cref="CoreFactory"/> whose clock stands still at <see cref="Now"/> unless a test moves it.</summary>
public sealed class ManualClockCoreFactory : CoreFactory
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 36, 0, TimeSpan.Zero);

    public ManualClockCoreFactory() => WithManualTime(Now);
}
