using Socme.Node.Checkpoints;
using Socme.Node.Status;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SourceCheckpoint Checkpoint(string id, long offset) => new()
    {
        SourceId = id,
        Path = "/var/ossec/logs/alerts/alerts.json",
        File = "/var/ossec/logs/alerts/alerts.json",
        Spooled = new FilePosition(2049, 131_077, offset),
        SpooledHead = new FileHead(1024, 0xCAFEBABE),
        Acked = new FilePosition(2049, 131_077, offset / 2),
        UpdatedAt = new DateTimeOffset(2026, 11, 22, 7, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Save_ThenLoad_GivesTheSameCheckpoint_AndLeavesNoTempFile()
    {
        var store = new CheckpointStore(_dir["checkpoints"]);
        var cp = Checkpoint("wazuh:/var/ossec/logs/alerts/alerts.json", 4096);

        store.Save(cp);
        store.Save(cp with { Spooled = cp.Spooled!.Value with { Offset = 8192 } });

        var loaded = store.Load(cp.SourceId, out var problem);
        Assert.Null(problem);
        Assert.Equal(cp with { Spooled = cp.Spooled!.Value with { Offset = 8192 } }, loaded);
        Assert.Equal([store.PathFor(cp.SourceId)], Directory.GetFiles(_dir["checkpoints"]));
    }

    [Fact]
    public void FileNameFor_IsReadable_AndDistinctForIdsThatReadTheSame()
    {
        var a = CheckpointStore.FileNameFor("suricata:/var/log/suricata/eve.json");
        var b = CheckpointStore.FileNameFor("suricata:/var/log/suricata/eve_json");

        Assert.StartsWith("suricata_", a, StringComparison.Ordinal);
        Assert.EndsWith(".json", a, StringComparison.Ordinal);
        Assert.DoesNotContain('/', a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Load_OfADamagedFile_ReportsTheProblem()
    {
        var store = new CheckpointStore(_dir["checkpoints"]);
        File.WriteAllText(store.PathFor("dmz"), "{\"sourceId\":\"dmz\",");

        Assert.Null(store.Load("dmz", out var problem));
        Assert.Contains("not a valid checkpoint", problem, StringComparison.Ordinal);
        Assert.Null(store.Load("other", out var none));
        Assert.Null(none);
    }

    [Fact]
    public void Save_OnAFullDisk_FailsWithAClearError_AndKeepsThePreviousCheckpoint()
    {
        using var disk = Tmpfs.Mount("256k");
        var store = new CheckpointStore(Path.Combine(disk.Path, "checkpoints"));
        var before = Checkpoint("wazuh", 100);
        store.Save(before);
        disk.Fill();

        var e = Assert.Throws<IOException>(() => store.Save(Checkpoint("wazuh", 200)));

        Assert.Contains("previous checkpoint is kept", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, store.Load("wazuh", out var problem));
        Assert.Null(problem);
        Assert.False(File.Exists(store.PathFor("wazuh") + ".tmp"));

        disk.Free();
        store.Save(Checkpoint("wazuh", 200));
        Assert.Equal(200, store.Load("wazuh", out _)!.Spooled!.Value.Offset);
    }
}
