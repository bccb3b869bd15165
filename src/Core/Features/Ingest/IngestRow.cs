using Socme.Alerts;

namespace Socme.Core.Features.Ingest;

/// <summary>One alert ready for the bulk insert, with lengths already fitted to the columns.</summary>
internal readonly record struct IngestRow(NormalizedAlert Alert, string Key)
{
    public static string? Fit(string? s, int max)
    {
        if (s is null)
        {
            return null;
        }
        if (s.Contains('\0', StringComparison.Ordinal))
        {
            s = s.Replace("\0", "", StringComparison.Ordinal);
        }
        return s.Length <= max ? s : s[..max];
    }

    /// <summary>A list as <c>,a,b,</c> (see AlertRecord), or null when empty.</summary>
    public static string? List(IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return null;
        }
        var parts = new List<string>(items.Count);
        foreach (var i in items)
        {
            var v = Fit(i, 200)?.Replace(",", " ", StringComparison.Ordinal).Trim();
            if (!string.IsNullOrEmpty(v))
            {
                parts.Add(v);
            }
        }
        return parts.Count == 0 ? null : "," + string.Join(',', parts) + ",";
    }
}
