using System.Diagnostics;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.Enrollment;
using Socme.Node.Pipeline;
using Socme.Node.Status;

namespace Socme.Node.Tests.Pipeline.Support;

/// <summary>
/// A whole <see cref="NodeAgent"/> on a data folder, with the real clock and short intervals, against a core URL.
/// Several rigs on the same data folder one after the other are restarts of the agent.
/// </summary>
internal sealed class AgentRig : IAsyncDisposable
{
    private readonly HttpClient _http;

    public AgentRig(string dataDir, Uri core, IReadOnlyList<SourceOptions> sources, Action<NodeOptions>? configure = null, Func<PipelineSettings, PipelineSettings>? tune = null)
    {
        DataDir = dataDir;
        var node = new NodeOptions
        {
            DataDir = dataDir,
            Core = core.ToString(),
            Sources = [.. sources],
            BatchMaxDelay = TimeSpan.FromMilliseconds(20),
            RetryMinDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(node);
        var settings = new PipelineSettings
        {
            Node = node,
            PollInterval = TimeSpan.FromMilliseconds(10),
            CheckpointInterval = TimeSpan.FromMilliseconds(50),
            StatusInterval = TimeSpan.FromMilliseconds(50),
            TokenPollInterval = TimeSpan.FromMilliseconds(50),
            DiskRetryDelay = TimeSpan.FromMilliseconds(50),
            RotateWait = TimeSpan.FromMilliseconds(200),
        };
        Settings = tune?.Invoke(settings) ?? settings;
        var tokens = new TokenStore(dataDir);
        if (tokens.Read() is null)
        {
            tokens.Write("tok-agent");
        }
        _http = new HttpClient { BaseAddress = core };
        Agent = new NodeAgent(Settings, _http, tokens, TimeProvider.System, Log.Factory());
    }

    public string DataDir { get; }
    public PipelineSettings Settings { get; }
    public TestLog Log { get; } = new();
    public NodeAgent Agent { get; }

    public async Task StartAsync()
    {
        await Agent.StartAsync(CancellationToken.None);
        var started = await Task.WhenAny(Agent.Started, Agent.ExecuteTask!, Task.Delay(TimeSpan.FromSeconds(20)));
        if (started != Agent.Started)
        {
            throw new InvalidOperationException("The agent did not start: " + (Agent.ExecuteTask!.Exception?.GetBaseException().Message ?? "timeout"));
        }
    }

    public Task StopAsync() => Agent.StopAsync(CancellationToken.None);

    public AgentStatusSnapshot Snapshot() => Agent.Snapshot();

    public SourceCheckpoint? Checkpoint(string sourceId) => new CheckpointStore(Path.Combine(DataDir, "checkpoints")).Load(sourceId, out _);

    /// <summary>Polls a condition that no event announces (status counters), with a real-time guard.</summary>
    public static async Task Eventually(Func<bool> condition, string what, TimeSpan? guard = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (guard ?? TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("Still not true: " + what);
            }
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Agent.Dispose();
        _http.Dispose();
    }
}
