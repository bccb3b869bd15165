using System.Globalization;

namespace Socme.Node.Configuration;

/// <summary>
/// Loads <see cref="NodeOptions"/>: the config file (<c>--config</c>, else <c>/etc/socme-node/socme-node.json</c> when
/// present), then <c>SOCME_NODE_*</c> environment variables (<c>__</c> for sections), then command-line flags.
/// </summary>
public static class NodeConfig
{
    public const string DefaultConfigFile = "/etc/socme-node/socme-node.json";
    public const string EnvironmentPrefix = "SOCME_NODE_";

    /// <summary>Flags that override the file and environment (null values are ignored).</summary>
    public sealed record FlagValues(
        string? Core = null,
        string? DataDir = null,
        IReadOnlyList<string>? Wazuh = null,
        IReadOnlyList<string>? Suricata = null,
        int? MinLevel = null,
        bool? FromBeginning = null);

    public static IConfigurationRoot Build(string? configFile, FlagValues flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var builder = new ConfigurationBuilder();
        var file = configFile ?? (File.Exists(DefaultConfigFile) ? DefaultConfigFile : null);
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"The config file {file} does not exist.", file);
            }
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(Flags(flags));
        return builder.Build();
    }

    public static NodeOptions Load(string? configFile, FlagValues flags)
    {
        var options = new NodeOptions();
        Build(configFile, flags).Bind(options);
        if (string.IsNullOrWhiteSpace(options.Core) && Enrollment.EnrollmentRecord.TryRead(options.DataDir) is { } enrolled)
        {
            options.Core = enrolled.Core;
        }
        return options;
    }

    private static Dictionary<string, string?> Flags(FlagValues o)
    {
        var d = new Dictionary<string, string?>();
        if (o.Core is not null)
        {
            d["Core"] = o.Core;
        }
        if (o.DataDir is not null)
        {
            d["DataDir"] = o.DataDir;
        }
        var flagSources = (o.Wazuh ?? []).Select(p => (Kind: "Wazuh", Path: p)).Concat((o.Suricata ?? []).Select(p => (Kind: "Suricata", Path: p))).ToList();
        // Flag sources replace the file's sources (so `--wazuh X` means exactly X).
        for (var i = 0; i < flagSources.Count; i++)
        {
            d[$"Sources:{i}:Kind"] = flagSources[i].Kind;
            d[$"Sources:{i}:Path"] = flagSources[i].Path;
            if (o.MinLevel is { } level)
            {
                d[$"Sources:{i}:MinLevel"] = level.ToString(CultureInfo.InvariantCulture);
            }
            if (o.FromBeginning is { } fb)
            {
                d[$"Sources:{i}:FromBeginning"] = fb ? "true" : "false";
            }
        }
        return d;
    }

    /// <summary>Checks what <c>run</c> needs; returns the problems in plain words.</summary>
    public static IReadOnlyList<string> Validate(NodeOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Core) || !Uri.TryCreate(o.Core, UriKind.Absolute, out var core) || core.Scheme is not ("http" or "https"))
        {
            problems.Add("No core URL: pass --core https://core.example:8443 or enrol first (socme-node enroll).");
        }
        if (o.Sources.Count == 0)
        {
            problems.Add("No source: pass --wazuh /var/ossec/logs/alerts/alerts.json and/or --suricata /var/log/suricata/eve.json, or list Sources in the config file.");
        }
        foreach (var dup in o.Sources.GroupBy(s => s.EffectiveId).Where(g => g.Count() > 1))
        {
            problems.Add($"Two sources have the id '{dup.Key}'.");
        }
        foreach (var s in o.Sources.Where(s => string.IsNullOrWhiteSpace(s.Path)))
        {
            problems.Add($"Source '{s.EffectiveId}' has no Path.");
        }
        foreach (var s in o.Sources.Where(s => System.Text.Encoding.UTF8.GetByteCount(s.EffectiveId) > 1024))
        {
            problems.Add($"Source id '{s.EffectiveId[..Math.Min(40, s.EffectiveId.Length)]}…' is longer than 1024 bytes.");
        }
        if (o.HeartbeatInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add("HeartbeatInterval must be at least 1 second.");
        }
        foreach (var s in o.Sources.Where(s => s.MinLevel is < 0 or > 15))
        {
            problems.Add($"Source '{s.EffectiveId}': MinLevel must be 0 to 15.");
        }
        return problems;
    }

    /// <summary>The effective options as JSON (the token is never part of them).</summary>
    public static string Describe(NodeOptions o) => System.Text.Json.JsonSerializer.Serialize(o, NodeJson.Default.NodeOptions);
}
