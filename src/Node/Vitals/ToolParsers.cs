using System.Text.Json;
using System.Text.RegularExpressions;
using Socme.Client;

namespace Socme.Node.Vitals;

/// <summary>Parsers of what the tools print: systemctl, wazuh-control, suricata, dpkg/rpm, tailscale, nixos-version.</summary>
internal static partial class ToolParsers
{
    /// <summary>
    /// The blocks of <c>systemctl show -p Id,LoadState,ActiveState,SubState a.service b.service</c>, one per unit in
    /// the order asked, each a property map.
    /// </summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> SystemctlShow(string stdout)
    {
        var blocks = new List<IReadOnlyDictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var line in ProcParsers.Lines(stdout))
        {
            if (line.Length == 0)
            {
                current = null;
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            if (current is null)
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                blocks.Add(current);
            }
            current[line[..eq]] = line[(eq + 1)..];
        }
        return blocks;
    }

    /// <summary>
    /// A unit's state as a vitals status: <c>running</c> (active, reloading), <c>stopped</c> (inactive, failed,
    /// activating — a unit in a restart loop is not doing its job — deactivating, or masked), <c>not_installed</c>
    /// (no such unit), null when the block says nothing usable.
    /// </summary>
    public static string? UnitStatus(IReadOnlyDictionary<string, string> block)
    {
        var load = block.GetValueOrDefault("LoadState");
        if (load is "not-found")
        {
            return ServiceStatus.NotInstalled;
        }
        if (load is "masked")
        {
            return ServiceStatus.Stopped;
        }
        return block.GetValueOrDefault("ActiveState") switch
        {
            "active" or "reloading" or "refreshing" => ServiceStatus.Running,
            "inactive" or "failed" or "activating" or "deactivating" or "maintenance" => ServiceStatus.Stopped,
            _ => null,
        };
    }

    /// <summary>The <c>VERSION="v4.14.7"</c> line that the installer writes into the <c>wazuh-control</c> script.</summary>
    public static string? WazuhControlScriptVersion(string? script) =>
        script is not null && ScriptVersion().Match(script) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary><c>wazuh-control info</c>: <c>WAZUH_VERSION="v4.14.7"</c>; also <c>/etc/ossec-init.conf</c>'s <c>VERSION="v4.1.5"</c>.</summary>
    public static string? WazuhInfoVersion(string? stdout) =>
        stdout is not null && InfoVersion().Match(stdout) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>A <c>VERSION</c> file (<c>4.14.7</c>) or a <c>VERSION.json</c> (<c>{"version": "5.0.0"}</c>).</summary>
    public static string? VersionFile(string? text)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }
        if (t.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(t);
                return doc.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String
                    ? StripV(v.GetString())
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        var first = ProcParsers.Lines(t).First().Trim();
        return first.Length is > 0 and <= 64 && char.IsAsciiDigit(StripV(first)![0]) ? StripV(first) : null;
    }

    /// <summary><c>suricata -V</c>: <c>This is Suricata version 7.0.8 RELEASE</c>.</summary>
    public static string? SuricataVersion(string? stdout) =>
        stdout is not null && Suricata().Match(stdout) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>A package manager's version (<c>1:4.14.7-1</c>) as the upstream version (<c>4.14.7</c>).</summary>
    public static string? PackageVersion(string? stdout)
    {
        var v = stdout?.Trim();
        if (string.IsNullOrEmpty(v) || v.Contains(' ', StringComparison.Ordinal) || v.Contains('\n', StringComparison.Ordinal))
        {
            return null;
        }
        var colon = v.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            v = v[(colon + 1)..];
        }
        var dash = v.LastIndexOf('-');
        if (dash > 0)
        {
            v = v[..dash];
        }
        return v.Length > 0 && char.IsAsciiDigit(v[0]) ? v : null;
    }

    /// <summary>
    /// <c>tailscale status --json</c>: <c>Self.DNSName</c> (without its trailing dot), the first IPv4 of
    /// <c>Self.TailscaleIPs</c> (else the first), and online = <c>Self.Online</c>, false whenever
    /// <c>BackendState</c> is not <c>Running</c>. Null when the text is not such a document.
    /// </summary>
    public static TailnetVitals? Tailscale(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var backend = root.TryGetProperty("BackendState", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
            string? name = null, ip = null;
            bool? online = null;
            if (root.TryGetProperty("Self", out var self) && self.ValueKind == JsonValueKind.Object)
            {
                if (self.TryGetProperty("DNSName", out var dns) && dns.ValueKind == JsonValueKind.String)
                {
                    name = dns.GetString()!.TrimEnd('.');
                    if (name.Length == 0)
                    {
                        name = null;
                    }
                }
                if (self.TryGetProperty("TailscaleIPs", out var ips) && ips.ValueKind == JsonValueKind.Array)
                {
                    var all = ips.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
                    ip = all.FirstOrDefault(a => a.Contains('.', StringComparison.Ordinal)) ?? all.FirstOrDefault();
                }
                if (self.TryGetProperty("Online", out var o) && o.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    online = o.GetBoolean();
                }
            }
            if (backend is not null)
            {
                online = backend == "Running" && (online ?? true);
            }
            return backend is null && name is null && ip is null && online is null ? null : new TailnetVitals(name, ip, online);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><c>nixos-version --json</c>: <c>configurationRevision</c> (absent unless the flake sets it).</summary>
    public static string? NixosConfigurationRevision(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("configurationRevision", out var r)
                && r.ValueKind == JsonValueKind.String
                && r.GetString() is { Length: > 0 } s
                ? s
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? StripV(string? v) => v is { Length: > 1 } && v[0] is 'v' or 'V' ? v[1..] : v;

    [GeneratedRegex("""^VERSION="?v?([0-9][^"\s]*)"?\s*$""", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ScriptVersion();

    [GeneratedRegex("""^(?:WAZUH_)?VERSION="?v?([0-9][^"\s]*)"?\s*$""", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex InfoVersion();

    [GeneratedRegex("""Suricata version ([0-9][^\s]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex Suricata();
}
