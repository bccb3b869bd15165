using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Socme.Alerts;

namespace Socme.NodeBench;

/// <summary>What a generated file holds: its size and the lines the agent ships (by its default filters).</summary>
internal sealed record WorkloadFile(string Kind, string Path, long Lines, long Bytes, long Alerts, IReadOnlyDictionary<string, long> EventTypes);

/// <summary>
/// Builds the big input files from the shared corpus (never copied into the repository): corpus lines in file order,
/// over and over, each with a fresh <c>timestamp</c> and a unique Wazuh <c>id</c> or Suricata <c>flow_id</c>, as
/// <c>src/Core/Features/Demo/CorpusReplayer.cs</c> does (its rewrite goes through a JsonDocument per line; here each
/// corpus line is cut once into a template around those values, so that a million lines take seconds). Key order,
/// duplicate keys and every other byte of the corpus line are kept.
/// </summary>
internal static class Workload
{
    public static IReadOnlyList<byte[]> ReadCorpus(string corpusDir, string kind) =>
        Directory.GetFiles(Path.Combine(corpusDir, kind), "*.json").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(Encoding.UTF8.GetBytes).ToList();

    /// <summary>Counts the lines, bytes and alerts to ship of an existing file.</summary>
    public static WorkloadFile Describe(string path, string kind)
    {
        var source = kind == "wazuh" ? AlertSource.Wazuh : AlertSource.Suricata;
        long lines = 0, alerts = 0, bytes = 0;
        foreach (var line in File.ReadLines(path))
        {
            var utf8 = Encoding.UTF8.GetBytes(line);
            lines++;
            bytes += utf8.Length + 1;
            if (AlertParser.Classify(source, utf8, out var level) == LineKind.Alert && (source != AlertSource.Wazuh || level >= 3))
            {
                alerts++;
            }
        }
        return new WorkloadFile(kind, path, lines, bytes, alerts, new Dictionary<string, long>());
    }

    /// <summary>Writes <paramref name="lines"/> lines of <paramref name="kind"/> (wazuh or suricata) to <paramref name="path"/>.</summary>
    public static WorkloadFile Build(string corpusDir, string kind, long lines, string path, DateTimeOffset start)
    {
        var corpus = ReadCorpus(corpusDir, kind);
        var wazuh = kind == "wazuh";
        var templates = corpus.Select(l => Template.Of(l, "timestamp", wazuh ? "id" : "flow_id")).ToList();
        var source = wazuh ? AlertSource.Wazuh : AlertSource.Suricata;
        var types = new Dictionary<string, long>(StringComparer.Ordinal);
        long alerts = 0, bytes = 0;
        var epoch = start.ToUnixTimeSeconds();
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        Span<byte> a = stackalloc byte[64];
        Span<byte> b = stackalloc byte[64];
        for (long i = 0; i < lines; i++)
        {
            // One millisecond apart: a plausible stream of alerts.
            var time = start.AddMilliseconds(i);
            int tn, idn;
            var ok = wazuh
                ? Utf8.TryWrite(a, CultureInfo.InvariantCulture, $"\"{time:yyyy-MM-dd'T'HH:mm:ss.fff'+0000'}\"", out tn)
                : Utf8.TryWrite(a, CultureInfo.InvariantCulture, $"\"{time:yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'}\"", out tn);
            ok &= wazuh
                ? Utf8.TryWrite(b, CultureInfo.InvariantCulture, $"\"{epoch}.{i + 1}\"", out idn)
                : Utf8.TryWrite(b, CultureInfo.InvariantCulture, $"{1_000_000_000_000L + i + 1}", out idn);
            if (!ok)
            {
                throw new InvalidOperationException("A generated value does not fit.");
            }
            var t = a[..tn];
            var id = b[..idn];
            var template = templates[(int)(i % templates.Count)];
            buffer.ResetWrittenCount();
            template.Write(buffer, t, id);
            var line = buffer.WrittenSpan;
            var kindOf = AlertParser.Classify(source, line, out var level);
            if (kindOf == LineKind.Alert && (!wazuh || level >= 3))
            {
                alerts++;
            }
            if (!wazuh)
            {
                var et = template.EventType;
                types[et] = types.GetValueOrDefault(et) + 1;
            }
            file.Write(line);
            file.WriteByte((byte)'\n');
            bytes += line.Length + 1;
        }
        if (wazuh)
        {
            types["alert (rule.level >= 3)"] = alerts;
            types["rule.level < 3"] = lines - alerts;
        }
        return new WorkloadFile(kind, path, lines, bytes, alerts, types);
    }

    /// <summary>A corpus line cut around the values of two top-level properties (added at the end when absent).</summary>
    private sealed class Template
    {
        private readonly List<(byte[] Literal, int Hole)> _parts = [];

        public string EventType { get; private init; } = "";

        public static Template Of(byte[] line, string first, string second)
        {
            var spans = new (int Start, int End)?[2];
            string eventType = "";
            var reader = new Utf8JsonReader(line);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var which = reader.ValueTextEquals(first) ? 0 : reader.ValueTextEquals(second) ? 1 : -1;
                var isEventType = reader.ValueTextEquals("event_type");
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                if (isEventType && reader.TokenType == JsonTokenType.String && eventType.Length == 0)
                {
                    eventType = reader.GetString() ?? "";
                }
                reader.Skip();
                if (which >= 0 && spans[which] is null)
                {
                    spans[which] = (start, (int)reader.BytesConsumed);
                }
            }
            var t = new Template { EventType = eventType.Length == 0 ? "(none)" : eventType };
            var cuts = new List<(int Start, int End, int Hole)>();
            for (var h = 0; h < 2; h++)
            {
                if (spans[h] is { } s)
                {
                    cuts.Add((s.Start, s.End, h));
                }
            }
            cuts.Sort((x, y) => x.Start.CompareTo(y.Start));
            var at = 0;
            foreach (var (s, e, h) in cuts)
            {
                t._parts.Add((line[at..s], h));
                at = e;
            }
            var close = Array.LastIndexOf(line, (byte)'}');
            t._parts.Add((line[at..close], -1));
            for (var h = 0; h < 2; h++)
            {
                if (spans[h] is null)
                {
                    t._parts.Add((Encoding.UTF8.GetBytes($",\"{(h == 0 ? first : second)}\":"), h));
                }
            }
            t._parts.Add((line[close..], -1));
            return t;
        }

        public void Write(IBufferWriter<byte> w, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            foreach (var (literal, hole) in _parts)
            {
                w.Write(literal);
                if (hole == 0)
                {
                    w.Write(a);
                }
                else if (hole == 1)
                {
                    w.Write(b);
                }
            }
        }
    }
}
