using System.Text.Json;

namespace Socme.Notify.Internal;

/// <summary>The alert fields as JSON (webhook payload).</summary>
internal static class AlertJson
{
    public static void WriteAlert(Utf8JsonWriter w, AlertView a)
    {
        w.WriteStartObject();
        w.WriteString("time", a.Time);
        w.WriteNumber("level", a.Level);
        w.WriteString("band", TemplateValues.BandName(a.Band));
        w.WriteString("source", a.Source.ToString().ToLowerInvariant());
        w.WriteString("title", a.Title);
        w.WriteStartObject("rule");
        w.StringOrNull("id", a.RuleId);
        w.StringOrNull("description", a.RuleDescription);
        w.WriteEndObject();
        w.StringOrNull("signature", a.Signature);
        w.StringOrNull("agent", a.Agent);
        w.StringOrNull("src_ip", a.SrcIp);
        w.NumberOrNull("src_port", a.SrcPort);
        w.StringOrNull("dst_ip", a.DstIp);
        w.NumberOrNull("dst_port", a.DstPort);
        w.WriteStartArray("mitre");
        foreach (var m in a.Mitre)
        {
            w.WriteStringValue(m);
        }
        w.WriteEndArray();
        w.StringOrNull("url", a.Url?.AbsoluteUri);
        w.WriteEndObject();
    }
}
