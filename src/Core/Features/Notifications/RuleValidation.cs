using System.Text.RegularExpressions;
using Socme.Client;
using Socme.Core.Data.Alerts;
using Socme.Core.Features.Alerts;
using Socme.Core.Features.Ingest;
using Socme.Core.Infrastructure;

namespace Socme.Core.Features.Notifications;

/// <summary>Checks a rule before it is stored: each mistake is a 422 naming the field, never a failure at ingest.</summary>
internal static class RuleValidation
{
    public const int MaxListItems = 200;
    public const int MaxPatternLength = 1000;
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    /// <summary>The fields a condition's regular expression and a throttle's group-by may name.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "rule.id", "rule.description", "rule.groups", "agent.name", "agent.ip", "src_ip", "dst_ip", "src_port", "dst_port",
        "protocol", "signature", "category", "mitre.tactics", "mitre.techniques", "raw",
    ];

    public static Func<IngestRow, string?> FieldReader(string field) => field.ToLowerInvariant() switch
    {
        "rule.id" => a => a.RuleId,
        "rule.description" => a => a.RuleDescription,
        "rule.groups" => a => a.RuleGroups,
        "agent.name" => a => a.AgentName,
        "agent.ip" => a => a.AgentIp,
        "src_ip" => a => a.SrcIp,
        "dst_ip" => a => a.DstIp,
        "src_port" => a => a.SrcPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "dst_port" => a => a.DstPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "protocol" => a => a.Protocol,
        "signature" => a => a.Signature,
        "category" => a => a.Category,
        "mitre.tactics" => a => a.MitreTactics,
        "mitre.techniques" => a => a.MitreTechniques,
        "raw" => a => a.Raw,
        _ => throw ApiException.Validation("field", $"Unknown field '{field}'; use one of: {string.Join(", ", Fields)}."),
    };

    /// <summary>Non-backtracking (linear time whatever the input), case-insensitive, culture-invariant.</summary>
    public static Regex CompilePattern(string pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.Length > MaxPatternLength)
        {
            throw ApiException.Validation("conditions.field.pattern", $"The pattern must be 1 to {MaxPatternLength} characters.");
        }
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw ApiException.Validation("conditions.field.pattern", $"The pattern is not a valid regular expression: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw ApiException.Validation("conditions.field.pattern",
                $"The pattern uses a construct the linear-time engine does not run (backreferences, lookarounds, atomic groups): {e.Message}");
        }
    }

    /// <summary>A rule may acknowledge or close (suppress) an alert.</summary>
    public static AlertStatus ParseActionStatus(string status) => status.ToLowerInvariant() switch
    {
        "acknowledged" => AlertStatus.Acknowledged,
        "closed" => AlertStatus.Closed,
        _ => throw ApiException.Validation("actions.setStatus", "setStatus must be acknowledged or closed."),
    };

    /// <summary>Throws a 422 on the first mistake.</summary>
    public static void Validate(string name, RuleConditions? c, RuleActions? a, RuleThrottle? throttle, RuleDigest? digest)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            throw ApiException.Validation("name", "The name must be 1 to 200 characters.");
        }
        if (c is null)
        {
            throw ApiException.Validation("conditions", "conditions is required (an empty object matches every alert).");
        }
        if (a is null)
        {
            throw ApiException.Validation("actions", "actions is required.");
        }
        if (c.MinLevel is < 0 or > 15)
        {
            throw ApiException.Validation("conditions.minLevel", "minLevel must be 0 to 15.");
        }
        foreach (var (field, list) in new[]
        {
            ("conditions.bands", c.Bands), ("conditions.ruleIds", c.RuleIds), ("conditions.ruleGroups", c.RuleGroups),
            ("conditions.mitreTactics", c.MitreTactics), ("conditions.mitreTechniques", c.MitreTechniques),
            ("conditions.sources", c.Sources), ("actions.addTags", a.AddTags),
        })
        {
            if (list is { Count: > MaxListItems })
            {
                throw ApiException.Validation(field, $"At most {MaxListItems} values.");
            }
            if (list is not null && list.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 200 || v.Contains(',', StringComparison.Ordinal)))
            {
                throw ApiException.Validation(field, "Each value must be 1 to 200 characters, without commas.");
            }
        }
        foreach (var b in c.Bands ?? [])
        {
            Rethrow("conditions.bands", () => AlertMapping.ParseBand(b));
        }
        foreach (var s in c.Sources ?? [])
        {
            Rethrow("conditions.sources", () => AlertMapping.ParseSource(s));
        }
        if (c.Text is { Length: > 500 })
        {
            throw ApiException.Validation("conditions.text", "text is at most 500 characters.");
        }
        if (c.Field is { } f)
        {
            Rethrow("conditions.field.field", () => FieldReader(f.Field ?? ""));
            CompilePattern(f.Pattern);
        }
        if (a.SetStatus is { } status)
        {
            ParseActionStatus(status);
            if (a.Verdict is { } v)
            {
                Rethrow("actions.verdict", () => AlertMapping.ParseVerdict(v));
            }
        }
        else if (a.Verdict is not null)
        {
            throw ApiException.Validation("actions.verdict", "A verdict goes with setStatus closed.");
        }
        if (a.Reason is { Length: > 2000 })
        {
            throw ApiException.Validation("actions.reason", "reason is at most 2000 characters.");
        }
        if (a.Channels is { Count: > 20 })
        {
            throw ApiException.Validation("actions.channels", "At most 20 channels per rule.");
        }
        if (throttle is not null)
        {
            if (throttle.Max < 1 || throttle.WindowSeconds < 1 || throttle.WindowSeconds > MaxWindow.TotalSeconds)
            {
                throw ApiException.Validation("throttle", $"throttle needs max ≥ 1 and windowSeconds from 1 to {MaxWindow.TotalSeconds:0}.");
            }
            foreach (var g in throttle.GroupBy ?? [])
            {
                Rethrow("throttle.groupBy", () => FieldReader(g));
            }
        }
        if (digest is not null && (digest.WindowSeconds < 10 || digest.WindowSeconds > MaxWindow.TotalSeconds))
        {
            throw ApiException.Validation("digest.windowSeconds", $"A digest window is 10 to {MaxWindow.TotalSeconds:0} seconds.");
        }
        if (digest is not null && throttle is not null)
        {
            throw ApiException.Validation("digest", "A rule either throttles or digests, not both.");
        }
    }

    private static void Rethrow(string field, Action check)
    {
        try
        {
            check();
        }
        catch (ApiException e)
        {
            throw ApiException.Validation(field, e.Errors?.Values.FirstOrDefault()?.FirstOrDefault() ?? e.Message);
        }
    }
}
