using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Socme.Alerts;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.Pipeline;
using Socme.Node.Status;

namespace Socme.NodeBench;

/// <summary>BenchmarkDotNet microbenchmarks of the line processor on every corpus line (<c>micro [--filter *]</c>).</summary>
internal static class Micro
{
    public static int Run(string[] args)
    {
        BenchmarkSwitcher.FromTypes([typeof(LineProcessorBenchmarks)]).Run(args);
        return 0;
    }
}

/// <summary>One operation = every corpus line of the source once through <see cref="LineProcessor.Line"/>.</summary>
/// <remarks>In process: BenchmarkDotNet's generated project cannot build under this repository's central package
/// management and warnings-as-errors.</remarks>
[MemoryDiagnoser]
[InProcess]
public class LineProcessorBenchmarks
{
    private readonly List<byte[]> _lines = [];
    private string _dir = "";
    private LineProcessor? _processor;

    [Params("wazuh", "suricata")]
    public string Kind { get; set; } = "wazuh";

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Environment.GetEnvironmentVariable("SOCME_CORPUS") ?? throw new InvalidOperationException("set SOCME_CORPUS");
        _lines.AddRange(Workload.ReadCorpus(corpus, Kind));
        _dir = Path.Combine(Path.GetTempPath(), "socme-micro-" + Guid.NewGuid().ToString("N"));
        var options = new SourceOptions { Kind = Kind == "wazuh" ? SourceKind.Wazuh : SourceKind.Suricata, Path = Path.Combine(_dir, "x.json") };
        var state = new SourceState(options, new CheckpointStore(Path.Combine(_dir, "checkpoints")), null, 0);
        _processor = new LineProcessor(state, new PipelineSettings { Node = new NodeOptions { DataDir = _dir } }, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark]
    public int ProcessCorpus()
    {
        long offset = 0;
        foreach (var line in _lines)
        {
            offset += line.Length + 1;
            _processor!.Line(line, new FilePosition(1, 2, offset));
        }
        var chunk = _processor!.TakeChunk();
        var records = chunk?.Records ?? 0;
        chunk?.Release();
        return records;
    }

    [Benchmark]
    public int StableKeys()
    {
        var n = 0;
        var source = Kind == "wazuh" ? AlertSource.Wazuh : AlertSource.Suricata;
        foreach (var line in _lines)
        {
            n += AlertParser.StableKey(source, line).Length;
        }
        return n;
    }

    public override string ToString() => new StringBuilder("LineProcessorBenchmarks ").Append(Kind).ToString();
}
