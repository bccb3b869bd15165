using System.Text;
using Socme.Node.Checkpoints;
using Socme.Node.DeadLetters;
using Socme.Node.Status;
using Socme.Node.Tailing;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

public sealed class FileTailerTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly TestLog _log = new();

    public void Dispose() => _dir.Dispose();

    private sealed class Sink : ILineSink
    {
        public List<(string Text, FilePosition After)> Lines { get; } = [];
        public List<(string Code, string Head, long Length, FilePosition After)> Bad { get; } = [];

        public IEnumerable<string> Texts => Lines.Select(l => l.Text);

        public int PauseEvery { get; init; }

        public bool Paused => PauseEvery > 0 && Lines.Count % PauseEvery == 0;

        public void Line(ReadOnlySpan<byte> line, FilePosition after) => Lines.Add((Encoding.UTF8.GetString(line), after));

        public void BadLine(string code, string reason, ReadOnlySpan<byte> head, long length, FilePosition after) =>
            Bad.Add((code, Encoding.UTF8.GetString(head), length, after));
    }

    private FileTailer Tailer(string path, TailStart start, TailerSettings? settings = null) =>
        new(path, start, settings ?? new TailerSettings(), _clock, _log.Factory().CreateLogger("tail"));

    /// <summary>A first run of the agent: reads the file to its end; returns the checkpoint it would save.</summary>
    private (FilePosition Position, FileHead Head) ReadToEnd(string path)
    {
        using var first = Tailer(path, TailStart.Beginning);
        Drain(first, new Sink());
        return (first.Position!.Value, first.Head());
    }

    private static void Drain(FileTailer tailer, Sink sink)
    {
        for (var i = 0; i < 1000 && tailer.Poll(sink) == TailStatus.Read; i++)
        {
        }
    }

    private static FileStat Stat(string path)
    {
        Assert.True(FileIdentity.TryStat(path, out var s));
        return s;
    }

    [Fact]
    public void Poll_APartialLastLine_WaitsForItsNewline()
    {
        var path = _dir["eve.json"];
        Lines.AppendRaw(path, "a\nb");
        using var tailer = Tailer(path, TailStart.Beginning);
        var sink = new Sink();

        Drain(tailer, sink);
        Assert.Equal(["a"], sink.Texts);
        Assert.Equal(2, tailer.Position!.Value.Offset);

        Lines.AppendRaw(path, "c\n");
        Drain(tailer, sink);
        Assert.Equal(["a", "bc"], sink.Texts);
        Assert.Equal(5, sink.Lines[^1].After.Offset);
        Assert.Equal(5, tailer.Position!.Value.Offset);
        Assert.Empty(sink.Bad);
    }

    [Fact]
    public void APausingSink_GetsTheLinesOfOneReadOverSeveralPolls_InOrder()
    {
        var path = _dir["alerts.json"];
        Lines.Append(path, "1", "2", "3", "4", "5");
        using var tailer = Tailer(path, TailStart.Beginning);
        var sink = new Sink { PauseEvery = 2 };

        Assert.Equal(TailStatus.Read, tailer.Poll(sink));
        Assert.Equal(["1", "2"], sink.Texts);
        Assert.Equal(4, tailer.Position!.Value.Offset);
        Drain(tailer, sink);

        Assert.Equal(["1", "2", "3", "4", "5"], sink.Texts);
        Assert.Equal(10, tailer.Position!.Value.Offset);
    }

    [Fact]
    public void FirstStart_AtEnd_SkipsWhatIsThere_ButReadsTheLineBeingWritten()
    {
        var path = _dir["alerts.json"];
        Lines.AppendRaw(path, "old1\nold2\npart");
        using var tailer = Tailer(path, TailStart.End);
        var sink = new Sink();

        Drain(tailer, sink);
        Assert.Empty(sink.Lines);
        Assert.Equal(10, tailer.Position!.Value.Offset);

        Lines.AppendRaw(path, "ial\nnew\n");
        Drain(tailer, sink);
        Assert.Equal(["partial", "new"], sink.Texts);
    }

    [Fact]
    public void FirstStart_FromBeginning_ReadsEverything()
    {
        var path = _dir["alerts.json"];
        Lines.Append(path, "1", "2", "3");
        using var tailer = Tailer(path, TailStart.Beginning);
        var sink = new Sink();

        Drain(tailer, sink);

        Assert.Equal(["1", "2", "3"], sink.Texts);
        Assert.Equal([2L, 4L, 6L], sink.Lines.Select(l => l.After.Offset));
        Assert.All(sink.Lines, l => Assert.Equal(Stat(path).Inode, l.After.Inode));
    }

    [Fact]
    public void FirstStart_AtEnd_OfAMissingFile_ReadsTheFileWholeWhenItAppears()
    {
        var path = _dir["eve.json"];
        using var tailer = Tailer(path, TailStart.End);
        var sink = new Sink();

        Assert.Equal(TailStatus.Missing, tailer.Poll(sink));
        Assert.Null(tailer.Position);

        Lines.Append(path, "a", "b");
        Drain(tailer, sink);
        Assert.Equal(["a", "b"], sink.Texts);
    }

    [Fact]
    public void RenameRotation_FinishesTheOldFile_BeforeTheNewOne()
    {
        var path = _dir["eve.json"];
        Lines.Append(path, "1", "2");
        using var tailer = Tailer(path, TailStart.Beginning);
        var sink = new Sink();
        Drain(tailer, sink);
        var old = Stat(path);

        // Suricata keeps its handle on the renamed file until it reopens.
        using (var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            File.Move(path, _dir["eve.json.1"]);
            writer.Write("3\n"u8);
        }
        Lines.Append(path, "4");
        Drain(tailer, sink);

        Assert.Equal(["1", "2", "3", "4"], sink.Texts);
        Assert.Equal(old.Inode, sink.Lines[2].After.Inode);
        Assert.Equal(Stat(path).Inode, sink.Lines[3].After.Inode);
        Assert.Equal(new FilePosition(Stat(path).Device, Stat(path).Inode, 2), tailer.Position);
    }

    [Fact]
    public void RenameRotation_ALineWrittenToTheOldFileWhileTheRotationIsSeen_IsNotLost()
    {
        var path = _dir["eve.json"];
        Lines.Append(path, "1");
        using var tailer = Tailer(path, TailStart.Beginning);
        var sink = new Sink();
        Drain(tailer, sink);

        using var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        File.Move(path, _dir["eve.json.1"]);
        Lines.Append(path, "3");
        // The old file's writer flushes its last line after the tailer found the old file at its end and before it
        // looks at the path (the tailer reads the clock in between).
        _clock.OnNextTimestamp(() =>
        {
            writer.Write("2\n"u8);
            writer.Flush();
        });
        Drain(tailer, sink);

        Assert.Equal(["1", "2", "3"], sink.Texts);
    }

    [Fact]
    public void RenameRotation_WithTheNewFileStillEmpty_KeepsReadingTheOldOneUntilItIsQuiet()
    {
        var path = _dir["eve.json"];
        Lines.Append(path, "1");
        using var tailer = Tailer(path, TailStart.Beginning, new TailerSettings { RotateWait = TimeSpan.FromSeconds(5) });
        var sink = new Sink();
        Drain(tailer, sink);
        var old = Stat(path);

        var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        File.Move(path, _dir["eve.json.1"]);
        File.WriteAllBytes(path, []);
        Assert.Equal(TailStatus.Idle, tailer.Poll(sink));

        _clock.Advance(TimeSpan.FromSeconds(3));
        writer.Write("2\n"u8);
        writer.Flush();
        Drain(tailer, sink);
        Assert.Equal(["1", "2"], sink.Texts);

        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TailStatus.Idle, tailer.Poll(sink));
        Assert.Equal(old.Inode, tailer.Position!.Value.Inode);

        _clock.Advance(TimeSpan.FromSeconds(1.5));
        writer.Dispose();
        Drain(tailer, sink);
        Assert.Equal(Stat(path).Inode, tailer.Position!.Value.Inode);

        Lines.Append(path, "3");
        Drain(tailer, sink);
        Assert.Equal(["1", "2", "3"], sink.Texts);
    }

    [Fact]
    public void CopyTruncate_ReadsTheSameFileAgainFromItsStart()
    {
        var path = _dir["eve.json"];
        Lines.Append(path, "11", "22");
        using var tailer = Tailer(path, TailStart.Beginning);
        var sink = new Sink();
        Drain(tailer, sink);
        var inode = Stat(path).Inode;

        File.Copy(path, _dir["eve.json.1"]);
        using (new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }
        Lines.Append(path, "3");
        Drain(tailer, sink);

        Assert.Equal(["11", "22", "3"], sink.Texts);
        Assert.Equal(inode, Stat(path).Inode);
        Assert.Equal(new FilePosition(Stat(path).Device, inode, 2), tailer.Position);
    }

    [Fact]
    public void CopyTruncate_WhenTheFileRegrewPastTheOldOffsetBeforeThePoll_IsStillSeen()
    {
        var path = _dir["eve.json"];
        Lines.Append(path, "old-1", "old-2");
        using var tailer = Tailer(path, TailStart.Beginning);
        var sink = new Sink();
        Drain(tailer, sink);

        using (new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }
        Lines.Append(path, "new-1", "new-2", "new-3");
        Drain(tailer, sink);

        Assert.Equal(["old-1", "old-2", "new-1", "new-2", "new-3"], sink.Texts);
        Assert.Empty(sink.Bad);
    }

    [Fact]
    public void WazuhMidnightRelink_FinishesTheOldDay_ThenFollowsTheNewDatedFile()
    {
        var alerts = _dir["logs/alerts"];
        Directory.CreateDirectory(Path.Combine(alerts, "2026", "Nov"));
        var day21 = Path.Combine(alerts, "2026", "Nov", "ossec-alerts-21.json");
        var day22 = Path.Combine(alerts, "2026", "Nov", "ossec-alerts-22.json");
        var live = Path.Combine(alerts, "alerts.json");
        Lines.Append(day21, "d21-1");
        Posix.Link(day21, live);
        using var tailer = Tailer(live, TailStart.Beginning);
        var sink = new Sink();
        Drain(tailer, sink);

        // Last alerts of the day, then the re-link: alerts.json now names the new day's file.
        Lines.Append(day21, "d21-2");
        Lines.Append(day22, "d22-1");
        File.Delete(live);
        Posix.Link(day22, live);
        Drain(tailer, sink);

        Assert.Equal(["d21-1", "d21-2", "d22-1"], sink.Texts);
        Assert.Equal(Stat(day21).Inode, sink.Lines[1].After.Inode);
        Assert.Equal(Stat(day22).Inode, tailer.Position!.Value.Inode);
    }

    [Fact]
    public void Restart_FromACheckpoint_ResumesAtItsOffset()
    {
        var path = _dir["alerts.json"];
        Lines.Append(path, "1", "2");
        var (position, head) = ReadToEnd(path);
        Lines.Append(path, "3");

        using var second = Tailer(path, TailStart.At(position, head, path));
        var sink = new Sink();
        Drain(second, sink);

        Assert.Equal(["3"], sink.Texts);
        Assert.Equal(4, head.Length);
    }

    [Fact]
    public void Restart_WhenTheCheckpointedFileWasRelinkedIntoTheWazuhArchive_FinishesItThenTheLiveFile()
    {
        var alerts = _dir["logs/alerts"];
        Directory.CreateDirectory(Path.Combine(alerts, "2026", "Nov"));
        var day21 = Path.Combine(alerts, "2026", "Nov", "ossec-alerts-21.json");
        var day22 = Path.Combine(alerts, "2026", "Nov", "ossec-alerts-22.json");
        var live = Path.Combine(alerts, "alerts.json");
        Lines.Append(day21, "1", "2");
        Posix.Link(day21, live);
        var (position, head) = ReadToEnd(live);

        // While the agent is stopped: more alerts, then midnight.
        Lines.Append(day21, "3");
        Lines.Append(day22, "4");
        File.Delete(live);
        Posix.Link(day22, live);

        using var second = Tailer(live, TailStart.At(position, head, live));
        var sink = new Sink();
        Drain(second, sink);

        Assert.Equal(["3", "4"], sink.Texts);
        Assert.Equal(Stat(day21).Inode, sink.Lines[0].After.Inode);
        Assert.Equal(Stat(day22).Inode, second.Position!.Value.Inode);
    }

    [Fact]
    public void Restart_AfterTwoRenameRotationsWhileStopped_ReadsEveryGenerationInOrder()
    {
        // logrotate while the agent was stopped for two periods: eve.json → .1 → .2, and a generation in between.
        var path = _dir["eve.json"];
        var t0 = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        Lines.Append(path, "a1");
        var (position, head) = ReadToEnd(path);
        Lines.Append(path, "a2");
        File.SetLastWriteTimeUtc(path, t0);
        File.Move(path, path + ".1");
        Lines.Append(path, "b1", "b2");
        File.SetLastWriteTimeUtc(path, t0.AddHours(1));
        File.Move(path + ".1", path + ".2");
        File.Move(path, path + ".1");
        Lines.Append(path + ".3", "older archive, already read");
        File.SetLastWriteTimeUtc(path + ".3", t0.AddHours(-1));
        Lines.Append(path, "c1");
        File.SetLastWriteTimeUtc(path, t0.AddHours(2));

        using var second = Tailer(path, TailStart.At(position, head, path));
        var sink = new Sink();
        Drain(second, sink);

        Assert.Equal(["a2", "b1", "b2", "c1"], sink.Texts);
    }

    [Fact]
    public void Restart_AfterTwoWazuhMidnightsWhileStopped_ReadsTheDayInBetween()
    {
        var alerts = _dir["logs/alerts"];
        var nov = Directory.CreateDirectory(Path.Combine(alerts, "2026", "Nov")).FullName;
        var t0 = new DateTime(2026, 11, 21, 23, 59, 0, DateTimeKind.Utc);
        string Day(int d) => Path.Combine(nov, $"ossec-alerts-{d}.json");
        var live = Path.Combine(alerts, "alerts.json");
        Lines.Append(Day(21), "1");
        Posix.Link(Day(21), live);
        var (position, head) = ReadToEnd(live);
        Lines.Append(Day(21), "2");
        File.SetLastWriteTimeUtc(Day(21), t0);
        Lines.Append(Day(22), "3");
        File.SetLastWriteTimeUtc(Day(22), t0.AddDays(1));
        Lines.Append(Path.Combine(nov, "ossec-alerts-20.json.gz"), "compressed");
        Lines.Append(Path.Combine(nov, "ossec-alerts-22.log"), "the plain-text log of the same day");
        File.SetLastWriteTimeUtc(Path.Combine(nov, "ossec-alerts-22.log"), t0.AddDays(1));
        Lines.Append(Day(23), "4");
        File.Delete(live);
        Posix.Link(Day(23), live);

        using var second = Tailer(live, TailStart.At(position, head, live));
        var sink = new Sink();
        Drain(second, sink);

        Assert.Equal(["2", "3", "4"], sink.Texts);
        Assert.Equal(Stat(Day(23)).Inode, second.Position!.Value.Inode);
    }

    [Fact]
    public void Restart_WhenTheCheckpointedFileIsGone_ReadsTheLiveFileFromItsStart()
    {
        var path = _dir["eve.json"];
        Lines.Append(path, "old");
        var (position, head) = ReadToEnd(path);
        File.Delete(path);
        Lines.Append(path, "new1", "new2");

        using var second = Tailer(path, TailStart.At(position, head, path));
        var sink = new Sink();
        Drain(second, sink);

        Assert.Equal(["new1", "new2"], sink.Texts);
    }

    [Fact]
    public void Restart_WhenTheInodeNowHoldsAnotherFile_ReadsItFromItsStart()
    {
        var path = _dir["eve.json"];
        Lines.Append(path, "first", "second");
        var stat = Stat(path);
        var staleHead = new FileHead(6, 0xDEADBEEF);

        using var tailer = Tailer(path, TailStart.At(new FilePosition(stat.Device, stat.Inode, 6), staleHead, path));
        var sink = new Sink();
        Drain(tailer, sink);

        Assert.Equal(["first", "second"], sink.Texts);
        Assert.Contains(_log.Entries, e => e.Message.Contains("first bytes differ from the checkpoint's", StringComparison.Ordinal));
    }

    [Fact]
    public void Restart_AfterCopyTruncateThenRenameWhileStopped_FinishesTheRotatedFileFromItsStart()
    {
        // Found by the end-to-end test: the agent was killed after a copy-truncate, before it saved a checkpoint of the
        // new content, and the file was renamed away before it restarted. The rotated file holds the checkpointed inode
        // with other first bytes; its lines were never read and must not be skipped.
        var path = _dir["eve.json"];
        Lines.Append(path, "old1", "old2", "old3");
        var (position, head) = ReadToEnd(path);
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            fs.SetLength(0);
        }
        Lines.Append(path, "new1", "new2");
        File.Move(path, path + ".1");
        Lines.Append(path, "live1");

        using var second = Tailer(path, TailStart.At(position, head, path));
        var sink = new Sink();
        Drain(second, sink);

        Assert.Equal(["new1", "new2", "live1"], sink.Texts);
    }

    [Fact]
    public void Restart_WhenTheFileShrankWhileStopped_ReadsItFromItsStart()
    {
        var path = _dir["eve.json"];
        Lines.Append(path, "a");
        var stat = Stat(path);

        using var tailer = Tailer(path, TailStart.At(new FilePosition(stat.Device, stat.Inode, 500), null, path));
        var sink = new Sink();
        Drain(tailer, sink);

        Assert.Equal(["a"], sink.Texts);
    }

    [Fact]
    public void ATooLongLine_IsReportedWithItsHead_AndTheNextLinesFlow()
    {
        var path = _dir["alerts.json"];
        var settings = new TailerSettings { MaxLineBytes = 1024, ReadBufferBytes = 4096, KeepHeadBytes = 100 };
        Lines.AppendRaw(path, "short1\n" + new string('x', 10_000) + "\nshort2\n");
        using var tailer = Tailer(path, TailStart.Beginning, settings);
        var sink = new Sink();
        Drain(tailer, sink);

        // Written in pieces, across polls, never buffered whole.
        Lines.AppendRaw(path, new string('y', 3000));
        Drain(tailer, sink);
        Lines.AppendRaw(path, new string('y', 3000) + "\nok\n");
        Drain(tailer, sink);

        Assert.Equal(["short1", "short2", "ok"], sink.Texts);
        Assert.Equal(2, sink.Bad.Count);
        Assert.Equal((DeadLetterCodes.TooLong, new string('x', 100), 10_000L), (sink.Bad[0].Code, sink.Bad[0].Head, sink.Bad[0].Length));
        Assert.Equal(7 + 10_001, sink.Bad[0].After.Offset);
        Assert.Equal((DeadLetterCodes.TooLong, 6000L), (sink.Bad[1].Code, sink.Bad[1].Length));
    }

    [Fact]
    public void APartialLastLine_WhenTheFileIsRotated_IsReportedTruncated()
    {
        var path = _dir["eve.json"];
        Lines.AppendRaw(path, "1\npart");
        using var tailer = Tailer(path, TailStart.Beginning);
        var sink = new Sink();
        Drain(tailer, sink);

        File.Move(path, _dir["eve.json.1"]);
        Lines.Append(path, "2");
        Drain(tailer, sink);

        Assert.Equal(["1", "2"], sink.Texts);
        var bad = Assert.Single(sink.Bad);
        Assert.Equal((DeadLetterCodes.Truncated, "part", 4L, 6L), (bad.Code, bad.Head, bad.Length, bad.After.Offset));
    }
}
