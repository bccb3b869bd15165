using System.Globalization;
using System.Text.Json.Nodes;
using Socme.Client;
using Socme.Core.Tests.Infrastructure;

namespace Socme.Core.Tests.Console;

/// <summary>Real corpus alerts re-dated to the core's clock (the grouped inbox and the overview look at recent time).</summary>
public static class ConsoleData
{
    /// <summary>A corpus Wazuh line whose rule has a level of at least <paramref name="minLevel"/> (and MITRE ids when asked).</summary>
    public static string WazuhLine(int minLevel = 3, bool withMitre = false) => Corpus.WazuhAlerts().First(l =>
    {
        var n = JsonNode.Parse(l)!;
        return (int?)n["rule"]?["level"] >= minLevel && (!withMitre || n["rule"]?["mitre"]?["id"] is JsonArray { Count: > 0 });
    });

    /// <summary><paramref name="count"/> envelopes of one corpus line, each with a unique id, dated <paramref name="at"/> (minus i seconds).</summary>
    public static List<string> Wazuh(string line, int count, DateTimeOffset at, string? srcIp = null)
    {
        var prefix = Guid.NewGuid().ToString("N")[..10];
        return Enumerable.Range(0, count).Select(i =>
        {
            var n = JsonNode.Parse(line)!.AsObject();
            n["id"] = $"{prefix}.{i}";
            n["timestamp"] = at.AddSeconds(-i).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
            if (srcIp is not null)
            {
                var data = n["data"] as JsonObject ?? new JsonObject();
                data["srcip"] = srcIp;
                n["data"] = data;
            }
            return Envelopes.Wazuh(n.ToJsonString());
        }).ToList();
    }

    /// <summary>A client with an enrolled node; returns the client and the node's API client.</summary>
    public static async Task<(ClientDto Client, SocmeClient Node)> ClientWithNodeAsync(ConsoleFixture fx, string? name = null)
    {
        var client = await CoreFactory.ClientAsync(fx.Admin, name);
        var (node, _) = await fx.Core.NodeAsync(fx.Admin, client.Id);
        return (client, node);
    }
}
