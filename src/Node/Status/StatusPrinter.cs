using System.Globalization;
using System.Text.Json;

namespace Socme.Node.Status;

/// <summary><c>socme-node status</c>: reads <c>DataDir/status.json</c> written by the running agent.</summary>
public static class StatusPrinter
{
    public const string FileName = "status.json";

    public static AgentStatusSnapshot? TryRead(string dataDir, out string? problem)
    {
        var path = Path.Combine(dataDir, FileName);
        problem = null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), NodeJson.Default.AgentStatusSnapshot);
        }
        catch (FileNotFoundException)
        {
            problem = $"No status yet: {path} does not exist (is `socme-node run` running with this data folder?).";
        }
        catch (DirectoryNotFoundException)
        {
            problem = $"The data folder {dataDir} does not exist.";
        }
        catch (JsonException e)
        {
            problem = $"{path} is not a valid status file: {e.Message}";
        }
        catch (UnauthorizedAccessException)
        {
            problem = $"Cannot read {path}: permission denied (run as the agent's user).";
        }
        return null;
    }

    public static void Print(AgentStatusSnapshot s, TextWriter w, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(w);
        var age = now - s.WrittenAt;
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"status written {Ago(age)} ago{(age > TimeSpan.FromSeconds(30) ? "  (stale: is the agent running?)" : "")}"));
        w.WriteLine(s.ShippingPaused ? $"shipping     PAUSED: {s.PausedReason}" : "shipping     running");
        w.WriteLine($"last ack     {When(s.LastAckAt, now)}");
        w.WriteLine($"last ship    {When(s.LastShipAt, now)}");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"spool        {s.Spool.Records} alert(s), {Bytes(s.Spool.Bytes)} of {Bytes(s.Spool.MaxBytes)}{(s.Spool.Full ? " FULL: reading paused" : "")}, oldest {(s.Spool.OldestAgeSeconds is { } o ? Ago(TimeSpan.FromSeconds(o)) : "-")}"));
        w.WriteLine($"last error   {(s.LastError is null ? "none" : $"{s.LastError} ({When(s.LastErrorAt, now)})")}");
        foreach (var src in s.Sources)
        {
            w.WriteLine();
            w.WriteLine($"[{src.Id}] {src.Kind} {src.Path}");
            w.WriteLine($"  spooled at  {Pos(src.Spooled)}");
            w.WriteLine($"  acked at    {Pos(src.Acked)}");
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  lines read {src.LinesRead}, filtered out {src.Filtered}, spooled {src.AlertsSpooled}, shipped {src.AlertsShipped}, rejected {src.Rejected}, dead-lettered {src.DeadLettered}"));
        }
    }

    private static string Pos(FilePosition? p) =>
        p is { } x ? string.Create(CultureInfo.InvariantCulture, $"dev {x.Device} inode {x.Inode} offset {x.Offset}") : "-";

    private static string When(DateTimeOffset? t, DateTimeOffset now) =>
        t is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:yyyy-MM-dd HH:mm:ss}Z ({Ago(now - v)} ago)") : "never";

    private static string Ago(TimeSpan t) => t.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, t.TotalSeconds):0} s")
        : t.TotalMinutes < 120 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalHours:0.#} h");

    private static string Bytes(long b) => b switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{b / (double)(1L << 30):0.##} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{b / (double)(1L << 20):0.#} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{b / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{b} B"),
    };
}
