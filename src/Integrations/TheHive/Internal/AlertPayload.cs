using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Socme.Alerts;

namespace Socme.Integrations.TheHive;

/// <summary>Builds the JSON body of an alert creation (v1 <c>InputAlert</c> or legacy alert) from an <see cref="EscalationInput"/>.</summary>
internal static class AlertPayload
{
    public const int MaxTitleLength = 512;
    public const int MaxTagLength = 128;

    /// <summary>SOCme band → TheHive severity: v1 1 low, 2 medium, 3 high, 4 critical; legacy has no critical (→ 3).</summary>
    public static int SeverityOf(SeverityBand band, TheHiveApiFlavour flavour)
    {
        var severity = band switch
        {
            SeverityBand.Critical => 4,
            SeverityBand.High => 3,
            SeverityBand.Medium => 2,
            _ => 1,
        };
        return flavour == TheHiveApiFlavour.Legacy ? Math.Min(severity, 3) : severity;
    }

    public static string SourceRef(EscalationInput input) => input.AlertId.ToString(CultureInfo.InvariantCulture);

    public static JsonObject Build(TheHiveOptions options, EscalationInput input, IReadOnlyList<TheHiveObservable> observables)
    {
        var legacy = options.Flavour == TheHiveApiFlavour.Legacy;
        var tlp = legacy ? Math.Clamp(options.Tlp, 0, 3) : Math.Clamp(options.Tlp, 0, 4);

        var body = new JsonObject
        {
            ["type"] = options.AlertType,
            ["source"] = options.Source,
            ["sourceRef"] = SourceRef(input),
            ["title"] = Title(input.Title),
            ["description"] = Description(options, input),
            ["severity"] = SeverityOf(input.EffectiveBand, options.Flavour),
            ["date"] = input.Time.ToUnixTimeMilliseconds(),
            ["tags"] = ToArray(Tags(input)),
            ["tlp"] = tlp,
        };
        if (!legacy)
        {
            body["pap"] = Math.Clamp(options.Pap, 0, 3);
            if (input.SocmeLink is { } link)
            {
                body["externalLink"] = link.AbsoluteUri;
            }
        }

        var list = new JsonArray();
        foreach (var o in observables)
        {
            var item = new JsonObject
            {
                ["dataType"] = o.DataType,
                ["data"] = o.Data,
                ["tlp"] = tlp,
                ["tags"] = ToArray(o.Tags),
            };
            if (!string.IsNullOrEmpty(o.Message))
            {
                item["message"] = o.Message;
            }
            list.Add(item);
        }
        body[legacy ? "artifacts" : "observables"] = list;
        return body;
    }

    public static IReadOnlyList<string> Tags(EscalationInput input)
    {
        var tags = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Add(string? tag)
        {
            if (string.IsNullOrWhiteSpace(tag))
            {
                return;
            }
            var t = tag.Trim();
            if (t.Length > MaxTagLength)
            {
                t = t[..MaxTagLength];
            }
            if (seen.Add(t))
            {
                tags.Add(t);
            }
        }

        Add("socme");
        if (!string.IsNullOrWhiteSpace(input.ClientName))
        {
            Add("client:" + input.ClientName.Trim());
        }
        Add("source:" + input.Source.ToString().ToLowerInvariant());
        if (!string.IsNullOrWhiteSpace(input.RuleId))
        {
            Add("rule:" + input.RuleId.Trim());
        }
        if (!string.IsNullOrWhiteSpace(input.AgentName))
        {
            Add("agent:" + input.AgentName.Trim());
        }
        foreach (var technique in input.MitreTechniques ?? [])
        {
            Add(technique);
        }
        foreach (var tag in input.Tags ?? [])
        {
            Add(tag);
        }
        return tags;
    }

    private static string Title(string? title)
    {
        var t = string.IsNullOrWhiteSpace(title) ? "SOCme alert" : title.Trim();
        return t.Length <= MaxTitleLength ? t : t[..(MaxTitleLength - 1)] + "…";
    }

    private static string Description(TheHiveOptions options, EscalationInput input)
    {
        var sb = new StringBuilder(string.IsNullOrWhiteSpace(input.Description) ? "(no description)" : input.Description.TrimEnd());
        if (options.Flavour == TheHiveApiFlavour.Legacy && input.SocmeLink is { } link)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n\n[Open in SOCme]({link.AbsoluteUri})");
        }
        if (options.IncludeRawJson && !string.IsNullOrWhiteSpace(input.RawJson) && options.MaxRawJsonChars > 0)
        {
            var raw = input.RawJson.Trim();
            var truncated = raw.Length > options.MaxRawJsonChars;
            if (truncated)
            {
                raw = raw[..options.MaxRawJsonChars];
            }
            var fence = new string('`', Math.Max(3, LongestRun(raw, '`') + 1));
            sb.Append("\n\n**Raw alert**\n\n").Append(fence).Append("json\n").Append(raw).Append('\n').Append(fence);
            if (truncated)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\n\n(raw alert cut at {options.MaxRawJsonChars} characters)");
            }
        }
        return sb.ToString();
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }

    private static JsonArray ToArray(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var v in values)
        {
            array.Add(v);
        }
        return array;
    }
}
