using System.Text.Json;

namespace Socme.Core.Tests.Infrastructure;

/// <summary>Real alert lines from <c>../shared/corpus</c> (or <c>SOCME_CORPUS</c>); never copied into the repo.</summary>
public static class Corpus
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("SOCME_CORPUS");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SOCme.slnx")))
            {
                var corpus = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"));
                if (Directory.Exists(corpus))
                {
                    return corpus;
                }
            }
        }
        throw new DirectoryNotFoundException("The shared corpus was not found: set SOCME_CORPUS.");
    }

    public static IEnumerable<string> Lines(string relativePath) =>
        File.ReadLines(Path.Combine(Root, relativePath)).Where(l => l.Length > 0);

    /// <summary>Suricata EVE lines with event_type alert, from every Suricata file.</summary>
    public static IReadOnlyList<string> SuricataAlerts() =>
        Directory.GetFiles(Path.Combine(Root, "suricata"), "*.json").OrderBy(f => f, StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Contains("\"event_type\":\"alert\"", StringComparison.Ordinal)).ToList();

    public static IReadOnlyList<string> SuricataNonAlerts() =>
        Directory.GetFiles(Path.Combine(Root, "suricata"), "*.json").OrderBy(f => f, StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Length > 0 && !l.Contains("\"event_type\":\"alert\"", StringComparison.Ordinal)
                && !l.Contains("\"event_type\":\"anomaly\"", StringComparison.Ordinal)).ToList();

    public static IReadOnlyList<string> WazuhAlerts() =>
        Lines("wazuh/wazuh-qa-real-alerts.json").Concat(Lines("wazuh/wazuh-dashboard-plugins-v4.14.7-generated-sample-alerts.json")).ToList();

    /// <summary>A Wazuh line with its <c>id</c> replaced by a unique one (the sample data repeats ids).</summary>
    public static string WithWazuhId(string line, string id)
    {
        using var doc = JsonDocument.Parse(line);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.NameEquals("id"))
                {
                    continue;
                }
                p.WriteTo(w);
            }
            w.WriteString("id", id);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}
