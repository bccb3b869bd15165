using Socme.Alerts;
using Socme.Node.Checkpoints;
using Socme.Node.Configuration;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

/// <summary>What the agent does when the core is away for long: the spool fills, then the disk.</summary>
public sealed class AgentBackpressureTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private SourceOptions[] Sources() => [new SourceOptions { Kind = SourceKind.Wazuh, Id = "wazuh", Path = _dir["alerts.json"], FromBeginning = true }];

    private static string[] Wazuh(int from, int count) => [.. Enumerable.Range(from, count).Select(n => Lines.Wazuh(n, level: 7))];

    [Fact]
    public async Task WhileTheCoreIsDown_TheSpoolFills_ReadingStops_NothingIsDropped_ThenEverythingArrives()
    {
        var lines = Wazuh(1, 300);
        Lines.Append(_dir["alerts.json"], lines);
        var port = FakeCore.FreePort();
        const long spoolMax = 32 * 1024;
        await using var agent = new AgentRig(_dir["data"], new Uri($"http://127.0.0.1:{port}/"), Sources(),
            o => o.SpoolMaxBytes = spoolMax,
            s => s with { SegmentMaxBytes = 8 * 1024, ChunkBytes = 4 * 1024 });
        await agent.StartAsync();

        await AgentRig.Eventually(() => agent.Snapshot().Spool.Full, "the spool reports itself full");
        var status = agent.Snapshot();
        var fileSize = new FileInfo(_dir["alerts.json"]).Length;
        Assert.InRange(status.Spool.Bytes, 1, spoolMax);
        Assert.True(status.Sources[0].Spooled!.Value.Offset < fileSize / 2, "reading stopped: the file holds the rest");
        await AgentRig.Eventually(() => agent.Snapshot().LastError?.Contains("cannot reach the core", StringComparison.Ordinal) == true, "the status says why");

        await using var core = FakeCore.Start(port);
        await core.WaitForKeysAsync(lines.Select(l => Lines.KeyOf(AlertSource.Wazuh, l)));
        await AgentRig.Eventually(() => agent.Snapshot() is { Spool.Records: 0, Spool.Full: false }, "the spool drains");
        await AgentRig.Eventually(() => agent.Checkpoint("wazuh")!.Acked!.Value.Offset == fileSize, "acked reaches the end of the file");
        Assert.Equal(300, core.AcceptedKeys.Count);
    }

    [Fact]
    public async Task OnAFullDisk_TheAgentSaysSo_KeepsItsCheckpointsWhole_AndCarriesOnWhenThereIsRoom()
    {
        using var disk = Tmpfs.Mount("1m");
        var lines = Wazuh(1, 3000);
        Lines.Append(_dir["alerts.json"], lines);
        var port = FakeCore.FreePort();
        var data = Path.Combine(disk.Path, "data");
        await using var agent = new AgentRig(data, new Uri($"http://127.0.0.1:{port}/"), Sources(),
            o => o.SpoolMaxBytes = 100L * 1024 * 1024,
            s => s with { SegmentMaxBytes = 64 * 1024, ChunkBytes = 16 * 1024 });
        await agent.StartAsync();

        await AgentRig.Eventually(() => agent.Snapshot().LastError?.Contains("Cannot write to the data folder", StringComparison.Ordinal) == true, "the full disk is reported");
        Assert.Contains(agent.Log.Entries, e => e.Message.Contains("Spooling is paused", StringComparison.Ordinal));

        var store = new CheckpointStore(Path.Combine(data, "checkpoints"));
        var checkpoint = store.Load("wazuh", out var problem);
        Assert.Null(problem);
        var offset = checkpoint!.Spooled!.Value.Offset;
        var file = File.ReadAllBytes(_dir["alerts.json"]);
        Assert.InRange(offset, 1, file.Length - 1);
        Assert.Equal((byte)'\n', file[offset - 1]);

        await using var core = FakeCore.Start(port);
        await core.WaitForKeysAsync(lines.Select(l => Lines.KeyOf(AlertSource.Wazuh, l)), TimeSpan.FromSeconds(60));
        await AgentRig.Eventually(() => agent.Snapshot().Spool.Records == 0, "the spool drains");
        await AgentRig.Eventually(() => store.Load("wazuh", out _)!.Acked!.Value.Offset == file.Length, "acked reaches the end of the file");
    }
}
