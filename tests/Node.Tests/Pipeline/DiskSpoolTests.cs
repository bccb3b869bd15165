using Microsoft.Extensions.Logging;
using Socme.Node.Spool;
using Socme.Node.Tests.Pipeline.Support;

namespace Socme.Node.Tests.Pipeline;

public sealed class DiskSpoolTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TestLog _log = new();

    public void Dispose() => _dir.Dispose();

    private DiskSpool Open(long maxBytes = 1024 * 1024, long segmentMaxBytes = 0) =>
        DiskSpool.Open(new SpoolSettings { Directory = _dir["spool"], MaxBytes = maxBytes, SegmentMaxBytes = segmentMaxBytes }, _log.Factory().CreateLogger("spool"));

    private string SegmentFile(long n) => Path.Combine(_dir["spool"], SpoolFormat.SegmentFileName(n));

    [Fact]
    public void Records_AreReadInOrder_OnlyOncePublished_AndAnAckRemovesThem()
    {
        using var spool = Open();
        spool.BeginGroup();
        spool.Append(SpoolFrames.Frame("s", 10, "{\"a\":1}"));
        spool.Append(SpoolFrames.Frame("s", 20, "{\"a\":2}"));
        spool.Commit(2, 0, null);
        Assert.False(spool.TryRead(out _, out _));

        spool.Publish();
        var read = SpoolFrames.ReadAll(spool);

        Assert.Equal(["{\"a\":1}", "{\"a\":2}"], read.Select(r => r.Envelope));
        Assert.Equal([10L, 20L], read.Select(r => r.Info.Position.Offset));
        Assert.All(read, r => Assert.Equal("s", r.Info.SourceId));
        Assert.Equal(read[0].Info.Next, read[1].Info.Location);

        SpoolFrames.AckAll(spool, read);
        Assert.Equal(0, spool.Stats().Records);
        Assert.Equal(read[1].Info.Next, spool.Cursor);
    }

    [Fact]
    public void Reopen_KeepsTheUnacknowledgedRecords_AndTheCursor()
    {
        using (var spool = Open())
        {
            SpoolFrames.Write(spool, SpoolFrames.Frame("s", 1, "{\"n\":1}"), SpoolFrames.Frame("s", 2, "{\"n\":2}"), SpoolFrames.Frame("t", 3, "{\"n\":3}"));
            var read = SpoolFrames.ReadAll(spool);
            SpoolFrames.AckAll(spool, read.Take(1).ToList());
        }

        using var reopened = Open();
        Assert.Equal(2, reopened.Recovery.Records);
        Assert.Equal(1, reopened.Recovery.PendingBySource["s"]);
        Assert.Equal(1, reopened.Recovery.PendingBySource["t"]);
        Assert.False(reopened.Recovery.Fresh);
        Assert.False(reopened.Recovery.LostData);
        Assert.Equal(["{\"n\":2}", "{\"n\":3}"], SpoolFrames.ReadAll(reopened).Select(r => r.Envelope));
    }

    [Theory]
    [InlineData("half a frame")]
    [InlineData("bad checksum")]
    [InlineData("zeros")]
    public void ATornTail_IsCutAtReopen_AndTheSpoolStaysUsable(string damage)
    {
        long goodLength;
        using (var spool = Open())
        {
            SpoolFrames.Write(spool, SpoolFrames.Frame("s", 1, "{\"n\":1}"), SpoolFrames.Frame("s", 2, "{\"n\":2}"));
            goodLength = new FileInfo(SegmentFile(1)).Length;
        }
        // What kill -9 or a power cut in the middle of an append leaves behind.
        var frame = SpoolFrames.Frame("s", 3, "{\"n\":3}");
        var tail = damage switch
        {
            "half a frame" => frame[..(frame.Length / 2)],
            "bad checksum" => Flip(frame, frame.Length - 2),
            _ => new byte[4096],
        };
        using (var f = new FileStream(SegmentFile(1), FileMode.Append))
        {
            f.Write(tail);
        }

        using var reopened = Open();
        Assert.Equal(tail.Length, reopened.Recovery.TornBytes);
        Assert.False(reopened.Recovery.LostData);
        Assert.Equal(goodLength, new FileInfo(SegmentFile(1)).Length);
        SpoolFrames.Write(reopened, SpoolFrames.Frame("s", 4, "{\"n\":4}"));
        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":4}"], SpoolFrames.ReadAll(reopened).Select(r => r.Envelope));
    }

    private static byte[] Flip(byte[] frame, int at)
    {
        var copy = frame.ToArray();
        copy[at] ^= 0xFF;
        return copy;
    }

    [Fact]
    public void ADamagedSegmentBeforeTheLast_IsReportedAsLostData()
    {
        using (var spool = Open(segmentMaxBytes: 100))
        {
            for (var i = 0; i < 3; i++)
            {
                SpoolFrames.Write(spool, SpoolFrames.Frame("s", i, "{\"padding\":\"" + new string('p', 100) + "\"}"));
            }
            Assert.Equal([1L, 2L, 3L], spool.Segments);
        }
        var bytes = File.ReadAllBytes(SegmentFile(1));
        bytes[^3] ^= 0xFF;
        File.WriteAllBytes(SegmentFile(1), bytes);

        using var reopened = Open(segmentMaxBytes: 100);
        Assert.True(reopened.Recovery.LostData);
        Assert.Equal(1, reopened.Recovery.CorruptSegments);
        Assert.Equal(2, reopened.Recovery.Records);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("damaged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhenFull_TheWriterWaits_UntilAnAckFreesRoom()
    {
        var frame = SpoolFrames.Frame("s", 1, "{\"n\":1}");
        using var spool = Open(maxBytes: frame.Length * 3);
        SpoolFrames.Write(spool, frame, frame, frame);

        Assert.False(spool.HasRoomFor(frame.Length));
        var wait = spool.WaitForRoomAsync(frame.Length, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        Assert.True(spool.Stats().Full);

        var read = SpoolFrames.ReadAll(spool);
        SpoolFrames.AckAll(spool, read.Take(1).ToList());

        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(spool.Stats().Full);
        Assert.Equal(2, spool.Stats().Records);
    }

    [Fact]
    public void AnEmptySpool_TakesARecordBiggerThanItsBound()
    {
        using var spool = Open(maxBytes: 10);
        Assert.True(spool.HasRoomFor(1000));
    }

    [Fact]
    public void Segments_AreRolled_AndDeletedOnceAcknowledged()
    {
        using var spool = Open(segmentMaxBytes: 100);
        for (var i = 0; i < 4; i++)
        {
            SpoolFrames.Write(spool, SpoolFrames.Frame("s", i, "{\"padding\":\"" + new string('p', 100) + "\"}"));
        }
        Assert.Equal([1L, 2L, 3L, 4L], spool.Segments);

        var read = SpoolFrames.ReadAll(spool);
        Assert.Equal(4, read.Count);
        SpoolFrames.AckAll(spool, read);

        Assert.Equal([4L], spool.Segments);
        Assert.False(File.Exists(SegmentFile(1)));
        Assert.True(File.Exists(SegmentFile(4)));
        Assert.Equal(0, spool.Stats().Bytes);
    }

    [Fact]
    public void ASecondAgent_OnTheSameSpool_IsRefused()
    {
        using var spool = Open();
        var e = Assert.Throws<InvalidOperationException>(() => Open());
        Assert.Contains("in use by another socme-node", e.Message, StringComparison.Ordinal);
    }
}
