using System.Text;

namespace Socme.Alerts.Tests.Support;

internal static class Lines
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A minimal valid Wazuh alert line with <paramref name="ruleJson"/> as its <c>rule</c> and extra top-level members.</summary>
    public static byte[] Wazuh(string ruleJson = """{"level":5,"id":"100","description":"d"}""", string extra = "") =>
        Utf8($$"""{"timestamp":"2022-05-11T12:29:19.905+0000","rule":{{ruleJson}}{{(extra.Length > 0 ? "," + extra : "")}}}""");

    /// <summary>A minimal valid Suricata alert line with <paramref name="alertJson"/> as its <c>alert</c> and extra top-level members.</summary>
    public static byte[] SuricataAlert(string alertJson = """{"signature_id":1,"signature":"s","category":"c","severity":2}""", string extra = "") =>
        Utf8($$"""{"timestamp":"2017-01-30T21:04:22.803913+0000","event_type":"alert"{{(extra.Length > 0 ? "," + extra : "")}},"alert":{{alertJson}}}""");
}
