using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Socme.Alerts;
using Socme.Client;
using Socme.Core.Features.Ingest;

namespace Socme.Bench;

/// <summary>A corpus alert line and its source.</summary>
internal sealed record CorpusLine(AlertSource Source, string Line);

/// <summary>
/// The alerts of one ingest run, built before anything is timed: per node, the gzip NDJSON bodies (warm-up batches
/// first) and the same alerts as rows for the raw insert.
/// </summary>
internal sealed class IngestWorkload
{
    private static readonly ParseOptions ParseOptions = new() { SuricataAnomalyIsAlert = true };

    private IngestWorkload(int nodes)
    {
        Bodies = new byte[nodes][][];
        Rows = new IngestRow[nodes][][];
        Alerts = new int[nodes][];
    }

    /// <summary>[node][batch] → gzip body.</summary>
    public byte[][][] Bodies { get; }

    /// <summary>[node][batch] → the rows of that body.</summary>
    public IngestRow[][][] Rows { get; }

    /// <summary>[node][batch] → alerts in that body.</summary>
    public int[][] Alerts { get; }

    public int WarmupBatches { get; private init; }

    public long UncompressedBytes { get; private set; }

    public long CompressedBytes { get; private set; }

    public int WazuhCount { get; private set; }

    public int SuricataCount { get; private set; }

    /// <summary>
    /// Corpus lines made unique: a Wazuh alert gets a new <c>id</c> (the sample data repeats ids) and every alert a new
    /// <c>timestamp</c> (in order, over the hour before now; so a Suricata line, keyed by its SHA-256, is unique too).
    /// The envelope carries the key the node agent would send.
    /// </summary>
    public static IngestWorkload Build(BenchConfig config, IReadOnlyList<CorpusLine> corpus)
    {
        var nodes = config.Nodes;
        var batches = config.WarmupBatches + config.TimedBatchesPerNode;
        var perNode = batches * config.BatchSize;
        var total = (long)perNode * nodes;
        var w = new IngestWorkload(nodes) { WarmupBatches = config.WarmupBatches };
        var end = TimeProvider.System.GetUtcNow();
        var start = end.AddHours(-1);
        var stepTicks = TimeSpan.FromHours(1).Ticks / total;
        var epoch = start.ToUnixTimeSeconds();
        long uncompressed = 0, compressed = 0;
        int wazuh = 0, suricata = 0;
        var sync = new object();
        Parallel.For(0, nodes, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var bodies = new byte[batches][];
            var rows = new IngestRow[batches][];
            var counts = new int[batches];
            long u = 0, c = 0;
            int wz = 0, su = 0;
            var sb = new StringBuilder(config.BatchSize * 1600);
            for (var b = 0; b < batches; b++)
            {
                sb.Clear();
                var batchRows = new IngestRow[config.BatchSize];
                for (var j = 0; j < config.BatchSize; j++)
                {
                    // Global order interleaves the nodes batch by batch, as they arrive.
                    var g = ((long)b * nodes + k) * config.BatchSize + j;
                    var template = corpus[(int)(g % corpus.Count)];
                    var time = start.AddTicks(g * stepTicks);
                    var line = Rewrite(template, time, template.Source == AlertSource.Wazuh ? $"{epoch}.{g}" : null);
                    var bytes = Encoding.UTF8.GetBytes(line);
                    var key = AlertParser.StableKey(template.Source, bytes);
                    var parsed = AlertParser.Parse(template.Source, bytes, ParseOptions);
                    var alert = parsed.Alert ?? throw new InvalidOperationException($"A corpus line does not parse: {parsed.ErrorMessage}");
                    batchRows[j] = IngestRow.From(alert, key);
                    sb.Append(SocmeClient.EnvelopeLine(template.Source == AlertSource.Wazuh ? "wazuh" : "suricata", key, line)).Append('\n');
                    if (template.Source == AlertSource.Wazuh)
                    {
                        wz++;
                    }
                    else
                    {
                        su++;
                    }
                }
                var body = Encoding.UTF8.GetBytes(sb.ToString());
                u += body.Length;
                bodies[b] = Gzip(body);
                c += bodies[b].Length;
                rows[b] = batchRows;
                counts[b] = batchRows.Length;
            }
            w.Bodies[k] = bodies;
            w.Rows[k] = rows;
            w.Alerts[k] = counts;
            lock (sync)
            {
                uncompressed += u;
                compressed += c;
                wazuh += wz;
                suricata += su;
            }
        });
        w.UncompressedBytes = uncompressed;
        w.CompressedBytes = compressed;
        w.WazuhCount = wazuh;
        w.SuricataCount = suricata;
        return w;
    }

    /// <summary>The rows in arrival order (batch by batch across nodes), warm-up or timed part.</summary>
    public IEnumerable<(int Node, IngestRow[] Batch)> RowBatches(bool warmup)
    {
        var from = warmup ? 0 : WarmupBatches;
        var to = warmup ? WarmupBatches : Rows[0].Length;
        for (var b = from; b < to; b++)
        {
            for (var k = 0; k < Rows.Length; k++)
            {
                yield return (k, Rows[k][b]);
            }
        }
    }

    public int TimedAlertCount => Enumerable.Range(0, Alerts.Length).Sum(k => Alerts[k].Skip(WarmupBatches).Sum());

    public int WarmupAlertCount => Enumerable.Range(0, Alerts.Length).Sum(k => Alerts[k].Take(WarmupBatches).Sum());

    /// <summary>gzip like the node agent and <c>SocmeClient</c> (fastest level).</summary>
    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream(data.Length / 4);
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }
        return ms.ToArray();
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The line with a new top-level <c>timestamp</c> (and Wazuh <c>id</c>), every other property as it was.</summary>
    public static string Rewrite(CorpusLine template, DateTimeOffset time, string? wazuhId)
    {
        using var doc = JsonDocument.Parse(template.Line);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(template.Line.Length + 64);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.NameEquals("timestamp"))
                {
                    w.WriteString("timestamp", template.Source == AlertSource.Wazuh
                        ? time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture)
                        : time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'", CultureInfo.InvariantCulture));
                }
                else if (wazuhId is not null && p.NameEquals("id"))
                {
                    w.WriteString("id", wazuhId);
                }
                else
                {
                    p.WriteTo(w);
                }
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>The shared corpus: Wazuh alerts.json lines and Suricata EVE <c>event_type: alert</c> lines.</summary>
internal static class CorpusFiles
{
    public static IReadOnlyList<CorpusLine> Load(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The corpus was not found at {root}; set SOCME_CORPUS.");
        }
        var wazuh = Directory.GetFiles(Path.Combine(root, "wazuh"), "*.json").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(l => new CorpusLine(AlertSource.Wazuh, l));
        var suricata = Directory.GetFiles(Path.Combine(root, "suricata"), "*.json").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines).Where(l => l.Contains("\"event_type\":\"alert\"", StringComparison.Ordinal))
            .Select(l => new CorpusLine(AlertSource.Suricata, l));
        var all = wazuh.Concat(suricata).ToList();
        // A fixed shuffle so that consecutive alerts mix sources, modules and sizes.
        var rng = new Random(20261122);
        for (var i = all.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (all[i], all[j]) = (all[j], all[i]);
        }
        return all;
    }
}
