using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Socme.Alerts.Tests.Support;

namespace Socme.Alerts.Tests;

/// <summary>
/// Selected corpus lines (by file and line number) normalise to the fields checked in under <c>golden/</c>.
/// Set <c>SOCME_UPDATE_GOLDEN=1</c> to rewrite the expected files from the current parser (then review the diff).
/// </summary>
public class GoldenFileTests
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly ParseOptions AnomalyAsAlert = new() { SuricataAnomalyIsAlert = true };

    /// <summary>Golden name → the corpus line it comes from.</summary>
    private static readonly Dictionary<string, (AlertSource Source, string File, int Line, bool AnomalyIsAlert)> Cases = new()
    {
        // Real wazuh-manager output: sshd brute force (rule 5712) with MITRE, srcport as a string, agent 000 without ip.
        ["wazuh-real-sshd-5712-mitre"] = (AlertSource.Wazuh, Corpus.WazuhReal, 42, false),
        // Real FIM alert (rule 550, Wazuh 3.x).
        ["wazuh-real-fim-550"] = (AlertSource.Wazuh, Corpus.WazuhReal, 1, false),
        // Generated sample data: level 1 ms-graph alert, nested data with a mitreTechniques key that is NOT rule.mitre.
        ["wazuh-sample-msgraph-level1"] = (AlertSource.Wazuh, Corpus.WazuhGenerated, 1, false),
        // Generated: sshd with rule.mitre (keys in another order), srcport as a string.
        ["wazuh-sample-sshd-5701-mitre"] = (AlertSource.Wazuh, Corpus.WazuhGenerated, 10, false),
        // Generated: web access log with data.protocol and data.srcip.
        ["wazuh-sample-web-31101-protocol"] = (AlertSource.Wazuh, Corpus.WazuhGenerated, 28, false),
        // Generated: level 15 (critical band), escaped quotes in the description.
        ["wazuh-sample-yara-level15"] = (AlertSource.Wazuh, Corpus.WazuhGenerated, 240, false),
        // Suricata 7: ET MALWARE with rich alert.metadata (no MITRE keys exist in the corpus), severity 1.
        ["suricata-stamus-sslload-metadata"] = (AlertSource.Suricata, "stamus-suricata-analytics-training02-eve.json", 126, false),
        // Honeypot sensor: timestamp without an offset (taken as UTC).
        ["suricata-honeypot-ssh-scan"] = (AlertSource.Suricata, "frankhassanabad-honeypot-2018-alerts-eve.json", 1, false),
        // GTK Cyber: SURICATA protocol-anomaly rule (severity 3), vlan.
        ["suricata-gtk-protocol-anomaly"] = (AlertSource.Suricata, "gtkcyber-applied-data-science-eve.json", 109, false),
        // surevego: ET POLICY with escaped slashes, +0100 offset kept.
        ["suricata-surevego-apt-policy"] = (AlertSource.Suricata, "surevego-testdata-eve.json", 49, false),
        // OISF docs: an anomaly event, treated as an alert by option.
        ["suricata-oisf-anomaly-as-alert"] = (AlertSource.Suricata, "oisf-suricata-userguide-examples-eve.json", 5, true),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Parse_CorpusSample_MatchesGoldenFile(string name)
    {
        var (source, file, lineNumber, anomalyIsAlert) = Cases[name];
        var line = Corpus.Line(source, file, lineNumber);
        var result = AlertParser.Parse(source, line.Bytes, anomalyIsAlert ? AnomalyAsAlert : null);
        Assert.True(result.IsAlert, $"{line}: {result.Error} {result.ErrorMessage}");
        var actual = Normalised(result.Alert!);
        var actualText = actual.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

        if (Environment.GetEnvironmentVariable("SOCME_UPDATE_GOLDEN") == "1")
        {
            var root = RepoPaths.RepoRoot() ?? throw new InvalidOperationException("SOCme.slnx not found above the test assembly.");
            var target = Path.Combine(root, "tests", "Alerts.Tests", "golden", name + ".json");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, actualText, new UTF8Encoding(false));
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "golden", name + ".json");
        Assert.True(File.Exists(path), $"Missing golden file {name}.json; run with SOCME_UPDATE_GOLDEN=1 to create it.");
        var expected = JsonNode.Parse(File.ReadAllText(path));
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Equal(expected!.ToJsonString(Indented), actual.ToJsonString(Indented));
        }
    }

    [Fact]
    public void GoldenDirectory_EveryFile_HasACase()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "golden");
        var names = Directory.GetFiles(dir, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(Cases.Keys.Order(StringComparer.Ordinal), names);
    }

    /// <summary>The normalised fields (everything but Raw), with nulls kept so that a field appearing is a diff too.</summary>
    private static JsonObject Normalised(NormalizedAlert a) => new()
    {
        ["source"] = a.Source.ToString(),
        ["key"] = a.Key,
        ["timestamp"] = a.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["level"] = a.Level,
        ["band"] = a.Band.ToString(),
        ["ruleId"] = a.RuleId,
        ["ruleDescription"] = a.RuleDescription,
        ["ruleGroups"] = List(a.RuleGroups),
        ["mitreTactics"] = List(a.MitreTactics),
        ["mitreTechniques"] = List(a.MitreTechniques),
        ["agentId"] = a.AgentId,
        ["agentName"] = a.AgentName,
        ["agentIp"] = a.AgentIp,
        ["srcIp"] = a.SrcIp,
        ["srcPort"] = a.SrcPort,
        ["dstIp"] = a.DstIp,
        ["dstPort"] = a.DstPort,
        ["protocol"] = a.Protocol,
        ["signature"] = a.Signature,
        ["category"] = a.Category,
    };

    private static JsonArray List(IReadOnlyList<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
}
