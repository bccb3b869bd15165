using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Socme.Node.Enrollment;

namespace Socme.NodeBench;

/// <summary>The real deployable, <c>socme-node run</c>, as a child process (pinned to a CPU when asked).</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AgentProcess(Process process, string dataDir, string livePath)
    {
        _process = process;
        DataDir = dataDir;
        LivePath = livePath;
    }

    public string DataDir { get; }

    public string LivePath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Writes a token (unless <paramref name="token"/> is null: already enrolled) and starts the agent on <paramref name="livePath"/>.</summary>
    public static async Task<AgentProcess> StartAsync(NodeBenchConfig config, string? cpus, Uri core, string dataDir, string kind, string livePath, string? token, string log,
        string? agentPath = null)
    {
        Directory.CreateDirectory(dataDir);
        if (token is not null)
        {
            new TokenStore(dataDir).Write(token);
        }
        var env = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        var (file, args) = NodeBenchConfig.Command(agentPath ?? config.NodeDll, "run", "--core", core.ToString(), "--data", dataDir, kind == "wazuh" ? "--wazuh" : "--suricata", livePath, "--from-beginning");
        var p = Proc.Start(cpus, file, args, log, env, Path.GetDirectoryName(config.NodeDll));
        var agent = new AgentProcess(p, dataDir, livePath);
        var status = Path.Combine(dataDir, "status.json");
        var sw = Stopwatch.StartNew();
        while (!File.Exists(status))
        {
            if (p.HasExited || sw.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"socme-node did not start (exit {(p.HasExited ? p.ExitCode : -1)}); log {log}:\n{string.Join('\n', File.ReadLines(log).TakeLast(30))}");
            }
            await Task.Delay(50);
        }
        return agent;
    }

    public double CpuSeconds => Proc.CpuSeconds(_process.Id);

    public long PeakRssBytes => Proc.StatusBytes(_process.Id, "VmHWM");

    /// <summary>The source's <c>acked</c> offset from its checkpoint file (null before there is one).</summary>
    public long? AckedOffset()
    {
        var dir = Path.Combine(DataDir, "checkpoints");
        if (!Directory.Exists(dir))
        {
            return null;
        }
        foreach (var f in Directory.EnumerateFiles(dir, "*.json"))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(f));
                if (doc.RootElement.TryGetProperty("acked", out var a) && a.ValueKind == JsonValueKind.Object)
                {
                    return a.GetProperty("offset").GetInt64();
                }
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
                // Replaced while reading: try again at the next poll.
            }
        }
        return null;
    }

    /// <summary>Polls the checkpoint until every line up to <paramref name="offset"/> is acknowledged; returns the
    /// Stopwatch timestamp when it was seen.</summary>
    public async Task<long> WaitAckedAsync(long offset, TimeSpan limit, TimeSpan poll)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (AckedOffset() >= offset)
            {
                return Stopwatch.GetTimestamp();
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"socme-node exited with {_process.ExitCode} before acknowledging everything.");
            }
            if (sw.Elapsed > limit)
            {
                throw new InvalidOperationException($"socme-node did not acknowledge up to offset {offset} within {limit} (acked: {AckedOffset()?.ToString(CultureInfo.InvariantCulture) ?? "none"}).");
            }
            await Task.Delay(poll);
        }
    }

    /// <summary>The agent's status.json (rewritten every 2 s).</summary>
    public JsonDocument? Status()
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(Path.Combine(DataDir, "status.json")));
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    public async Task<int> StopAsync()
    {
        await Proc.StopAsync(_process, TimeSpan.FromSeconds(20));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await Proc.StopAsync(_process, TimeSpan.FromSeconds(20));
        }
        _process.Dispose();
    }
}
