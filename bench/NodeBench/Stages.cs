using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Logging.Abstractions;
using Socme.Alerts;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.Pipeline;
using Socme.Node.Spool;
using Socme.Node.Status;
using Socme.Node.Tailing;

namespace Socme.NodeBench;

/// <summary>
/// Where the agent's time goes, in one process and one thread, on a file in the page cache: the tailer alone, the tailer
/// with the line processor (classify, filter, key, envelope, frame, CRC), the spool's append + fsync of those frames, and
/// the pieces of the line processor and the shipper one by one on the lines it ships. Stopwatch timings, best of
/// <c>runs</c>; for finding the levers, not for the report.
/// </summary>
internal static class Stages
{
    public static int Run(string path, string kind, int runs)
    {
        var source = kind == "wazuh" ? AlertSource.Wazuh : AlertSource.Suricata;
        var bytes = File.ReadAllBytes(path);
        var lines = new List<(int Start, int Length)>();
        for (var at = 0; at < bytes.Length;)
        {
            var nl = bytes.AsSpan(at).IndexOf((byte)'\n');
            if (nl < 0)
            {
                break;
            }
            lines.Add((at, nl));
            at += nl + 1;
        }
        var shipped = lines.Where(l => AlertParser.Classify(source, bytes.AsSpan(l.Start, l.Length), out var level) == LineKind.Alert && (source != AlertSource.Wazuh || level >= 3)).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {lines.Count:N0} lines, {bytes.Length / 1e6:0.0} MB, {shipped.Count:N0} shipped"));

        var dir = Path.Combine(Path.GetTempPath(), "socme-stages-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        try
        {
            var options = new SourceOptions { Kind = kind == "wazuh" ? SourceKind.Wazuh : SourceKind.Suricata, Path = path, FromBeginning = true };
            var settings = new PipelineSettings { Node = new NodeOptions { DataDir = dir } };
            var state = new SourceState(options, new CheckpointStore(Path.Combine(dir, "checkpoints")), null, 0);
            var chunks = new List<SpoolChunk>();

            Time("tailer alone (read, cut lines)", lines.Count, runs, () =>
            {
                using var tailer = new FileTailer(path, TailStart.Beginning, new TailerSettings(), TimeProvider.System, NullLogger.Instance);
                var sink = new CountingSink();
                while (tailer.Poll(sink) == TailStatus.Read)
                {
                }
            });
            Time("tailer + LineProcessor (classify, filter, key, frame, CRC)", lines.Count, runs, () =>
            {
                foreach (var c in chunks)
                {
                    c.Release();
                }
                chunks.Clear();
                using var tailer = new FileTailer(path, TailStart.Beginning, new TailerSettings(), TimeProvider.System, NullLogger.Instance);
                var processor = new LineProcessor(state, settings, TimeProvider.System);
                var sink = new PausingSink(processor, chunks);
                while (tailer.Poll(sink) == TailStatus.Read)
                {
                    sink.Flush();
                }
                sink.Flush();
            });
            var frameBytes = chunks.Sum(c => (long)c.Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {chunks.Count} chunks, {chunks.Sum(c => c.Records):N0} records, {frameBytes / 1e6:0.0} MB of frames"));

            Time("spool: append 8 MiB groups + fsync each", lines.Count, runs, () =>
            {
                var spoolDir = Path.Combine(dir, "spool");
                Throughput.TryDelete(spoolDir);
                using var spool = DiskSpool.Open(new SpoolSettings { Directory = spoolDir, MaxBytes = 64L * 1024 * 1024 * 1024, SegmentMaxBytes = 64L * 1024 * 1024 }, NullLogger.Instance);
                long group = 0;
                spool.BeginGroup();
                foreach (var c in chunks)
                {
                    spool.Append(c.Buffer.AsSpan(0, c.Length));
                    group += c.Length;
                    if (group >= 8 * 1024 * 1024)
                    {
                        spool.Commit(1, group, 0);
                        spool.BeginGroup();
                        group = 0;
                    }
                }
                spool.Commit(1, group, 0);
            });

            var parse = new ParseOptions();
            Time("  Classify (all lines)", lines.Count, runs, () =>
            {
                foreach (var (s, l) in lines)
                {
                    AlertParser.Classify(source, bytes.AsSpan(s, l), out _, parse);
                }
            });
            Time("  Utf8.IsValid (shipped lines)", lines.Count, runs, () =>
            {
                foreach (var (s, l) in shipped)
                {
                    Utf8.IsValid(bytes.AsSpan(s, l));
                }
            });
            Time("  Utf8JsonReader whole-object check (shipped lines)", lines.Count, runs, () =>
            {
                foreach (var (s, l) in shipped)
                {
                    var reader = new Utf8JsonReader(bytes.AsSpan(s, l), new JsonReaderOptions { MaxDepth = 65 });
                    reader.Read();
                    reader.Skip();
                    reader.Read();
                }
            });
            Time("  WazuhLineScanner one pass (shipped lines)", lines.Count, runs, () =>
            {
                foreach (var (s, l) in shipped)
                {
                    WazuhLineScanner.TryScan(bytes.AsSpan(s, l), int.MaxValue, out _, out _);
                }
            });
            Time("  StableKey (shipped lines)", lines.Count, runs, () =>
            {
                foreach (var (s, l) in shipped)
                {
                    AlertParser.StableKey(source, bytes.AsSpan(s, l));
                }
            });
            Time("  CRC-32C (shipped lines)", lines.Count, runs, () =>
            {
                foreach (var (s, l) in shipped)
                {
                    Crc32C.Compute(bytes.AsSpan(s, l));
                }
            });
            foreach (var (name, make) in new (string, Func<Stream, Stream>)[]
            {
                ("gzip Fastest", ms => new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)),
                ("gzip level 2", ms => new GZipStream(ms, new ZLibCompressionOptions { CompressionLevel = 2 }, leaveOpen: true)),
                ("gzip level 1 RLE", ms => new GZipStream(ms, new ZLibCompressionOptions { CompressionLevel = 1, CompressionStrategy = ZLibCompressionStrategy.RunLengthEncoding }, leaveOpen: true)),
                ("gzip Huffman only", ms => new GZipStream(ms, new ZLibCompressionOptions { CompressionLevel = 1, CompressionStrategy = ZLibCompressionStrategy.HuffmanOnly }, leaveOpen: true)),
            })
            {
                long input = 0, output = 0;
                Time($"  {name} (shipped lines, 500 a batch)", lines.Count, runs, () =>
                {
                    input = output = 0;
                    using var ms = new MemoryStream();
                    var batch = new byte[4 * 1024 * 1024];
                    for (var i = 0; i < shipped.Count; i += 500)
                    {
                        // As the shipper builds a batch: the NDJSON in one buffer, compressed in one write.
                        var n = 0;
                        for (var j = i; j < Math.Min(shipped.Count, i + 500); j++)
                        {
                            var (s, l) = shipped[j];
                            bytes.AsSpan(s, l).CopyTo(batch.AsSpan(n));
                            n += l;
                            batch[n++] = (byte)'\n';
                        }
                        ms.SetLength(0);
                        using (var gz = make(ms))
                        {
                            gz.Write(batch, 0, n);
                        }
                        input += n;
                        output += ms.Length;
                    }
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    ratio {(double)input / output:0.0}:1"));
            }
            foreach (var c in chunks)
            {
                c.Release();
            }
            return 0;
        }
        finally
        {
            Throughput.TryDelete(dir);
        }
    }

    private static void Time(string name, int lines, int runs, Action action)
    {
        // CPU time, not wall time: the machine is shared, and waiting for fsync is not work.
        var best = double.MaxValue;
        var wall = double.MaxValue;
        using var self = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            action();
            wall = Math.Min(wall, sw.Elapsed.TotalSeconds);
            self.Refresh();
            best = Math.Min(best, (self.TotalProcessorTime - cpu).TotalSeconds);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-62} CPU {best,7:0.000} s  {lines / best,12:N0} lines/CPU-s  {best / lines * 1e9,7:0} ns/line  (wall {wall:0.000} s)"));
    }

    private sealed class CountingSink : ILineSink
    {
        public long Lines;

        public bool Paused => false;

        public void Line(ReadOnlySpan<byte> line, FilePosition after) => Lines++;

        public void BadLine(string code, string reason, ReadOnlySpan<byte> head, long length, FilePosition after) => Lines++;
    }

    /// <summary>Feeds the processor and takes its chunk whenever it asks for a pause (as the source reader does).</summary>
    private sealed class PausingSink(LineProcessor processor, List<SpoolChunk> chunks) : ILineSink
    {
        public bool Paused => processor.Paused;

        public void Line(ReadOnlySpan<byte> line, FilePosition after) => processor.Line(line, after);

        public void BadLine(string code, string reason, ReadOnlySpan<byte> head, long length, FilePosition after) => processor.BadLine(code, reason, head, length, after);

        public void Flush()
        {
            if (processor.TakeChunk() is { } c)
            {
                chunks.Add(c);
            }
        }
    }
}
