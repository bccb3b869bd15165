using Socme.Client;

namespace Socme.Core.Tests.Infrastructure;

/// <summary>Builds ingest NDJSON envelopes.</summary>
public static class Envelopes
{
    public static string Wazuh(string raw, string? key = null) => SocmeClient.EnvelopeLine("wazuh", key, raw);

    public static string Suricata(string raw, string? key = null) => SocmeClient.EnvelopeLine("suricata", key, raw);

    /// <summary>Unique Wazuh alerts from the corpus (ids rewritten), <paramref name="count"/> of them.</summary>
    public static List<string> UniqueWazuh(int count, string idPrefix = "")
    {
        var lines = Corpus.WazuhAlerts();
        var prefix = string.IsNullOrEmpty(idPrefix) ? Random.Shared.NextInt64(1_000_000_000, 9_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture) : idPrefix;
        return Enumerable.Range(0, count).Select(i => Wazuh(Corpus.WithWazuhId(lines[i % lines.Count], $"{prefix}.{i}"))).ToList();
    }
}
