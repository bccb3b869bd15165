using Microsoft.Extensions.Logging;
using Socme.Alerts;
using Socme.Node.Configuration;
using Socme.Node.Spool;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

/// <summary>Restarts of the agent on the same data folder: resume from checkpoints; a lost cursor and a torn spool tail.</summary>
public sealed class AgentRestartTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private SourceOptions[] Sources() => [new SourceOptions { Kind = SourceKind.Wazuh, Id = "wazuh", Path = _dir["alerts.json"], FromBeginning = true }];

    private static string[] Wazuh(int from, int count) => [.. Enumerable.Range(from, count).Select(n => Lines.Wazuh(n, level: 7))];

    private static IEnumerable<string> Keys(IEnumerable<string> lines) => lines.Select(l => Lines.KeyOf(AlertSource.Wazuh, l));

    [Fact]
    public async Task ARestart_ResumesFromTheCheckpoints_WithoutLosingOrResendingAnything()
    {
        await using var core = FakeCore.Start();
        var first = Wazuh(1, 20);
        Lines.Append(_dir["alerts.json"], first);
        await using (var run1 = new AgentRig(_dir["data"], core.BaseAddress, Sources()))
        {
            await run1.StartAsync();
            await core.WaitForKeysAsync(Keys(first));
            await AgentRig.Eventually(() => run1.Snapshot().Spool.Records == 0, "everything acknowledged");
        }

        var whileStopped = Wazuh(21, 10);
        Lines.Append(_dir["alerts.json"], whileStopped);
        await using var run2 = new AgentRig(_dir["data"], core.BaseAddress, Sources());
        await run2.StartAsync();
        await core.WaitForKeysAsync(Keys(first.Concat(whileStopped)));

        Assert.Equal(30, core.AcceptedKeys.Count);
        Assert.Equal(30, core.AcceptedLines);
    }

    [Fact]
    public async Task ACrashBeforeTheCursorWasSaved_AndATornSpoolTail_ResendAlerts_ButTheCoreKeepsOneOfEach()
    {
        await using var core = FakeCore.Start();
        var first = Wazuh(1, 20);
        Lines.Append(_dir["alerts.json"], first);
        var spoolDir = Path.Combine(_dir["data"], "spool");
        byte[] initialCursor;
        await using (var run1 = new AgentRig(_dir["data"], core.BaseAddress, Sources()))
        {
            await run1.StartAsync();
            initialCursor = File.ReadAllBytes(Path.Combine(spoolDir, DiskSpool.CursorFileName));
            await core.WaitForKeysAsync(Keys(first));
            await AgentRig.Eventually(() => run1.Snapshot().Spool.Records == 0, "everything acknowledged");
        }

        // As if the agent died after the core's answers but before any cursor write reached the disk, and in the
        // middle of appending a record.
        File.WriteAllBytes(Path.Combine(spoolDir, DiskSpool.CursorFileName), initialCursor);
        var last = Directory.GetFiles(spoolDir, "*.seg").Order(StringComparer.Ordinal).Last();
        using (var f = new FileStream(last, FileMode.Append))
        {
            f.Write([0x40, 0x00, 0x00, 0x00, 0x12, 0x34]);
        }
        var more = Wazuh(21, 5);
        Lines.Append(_dir["alerts.json"], more);

        await using var run2 = new AgentRig(_dir["data"], core.BaseAddress, Sources());
        await run2.StartAsync();
        await core.WaitForKeysAsync(Keys(first.Concat(more)));
        await AgentRig.Eventually(() => run2.Snapshot().Spool.Records == 0, "everything acknowledged again");

        Assert.Equal(25, core.AcceptedKeys.Count);
        Assert.Equal(20 + 20 + 5, core.AcceptedLines);
        Assert.Contains(run2.Log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("interrupted write", StringComparison.Ordinal));
    }
}
